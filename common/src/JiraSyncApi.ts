import type { EntityIssues, EntityIssuesQuery, EntityName, FlowMetrics } from './types';

/** Reads an entity's synced Jira issues and flow metrics from the jira-sync backend. @public */
export interface JiraSyncApi {
  /** GET /entities/:kind/:namespace/:name/issues */
  getEntityIssues(entity: EntityName, query?: EntityIssuesQuery): Promise<EntityIssues>;
  /** GET /entities/:kind/:namespace/:name/metrics */
  getEntityFlowMetrics(entity: EntityName, options?: { weeks?: number }): Promise<FlowMetrics>;
}
