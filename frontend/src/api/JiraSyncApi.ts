import { createApiRef } from '@backstage/core-plugin-api';
import type {
  EntityIssues,
  EntityIssuesQuery,
  EntityName,
  FlowMetrics,
} from './types';

/** Reads an entity's synced Jira issues and flow metrics from the jira-sync backend. @public */
export interface JiraSyncApi {
  /** GET /entities/:kind/:namespace/:name/issues */
  getEntityIssues(entity: EntityName, query?: EntityIssuesQuery): Promise<EntityIssues>;
  /** GET /entities/:kind/:namespace/:name/metrics */
  getEntityFlowMetrics(entity: EntityName, options?: { weeks?: number }): Promise<FlowMetrics>;
}

/** The {@link JiraSyncApi} reference; works in both the legacy and the new frontend system. @public */
export const jiraSyncApiRef = createApiRef<JiraSyncApi>({
  id: 'plugin.jira-sync.service',
});
