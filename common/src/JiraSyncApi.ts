import type {
  ChartPeriod,
  CumulativeFlow,
  CycleTimeChart,
  EntityIssueFacets,
  EntityIssueListQuery,
  EntityIssues,
  EntityIssuesQuery,
  EntityName,
  FlowMetrics,
  IssueChangelogPage,
  IssueDetail,
  ThroughputChart,
  TimeInStatusChart,
} from './types';

/** Reads an entity's synced Jira issues, facets, charts and flow metrics, and one issue's detail, from the jira-sync backend. @public */
export interface JiraSyncApi {
  /** GET /entities/:kind/:namespace/:name/issues */
  getEntityIssues(entity: EntityName, query?: EntityIssuesQuery): Promise<EntityIssues>;
  /** GET /entities/:kind/:namespace/:name/metrics */
  getEntityFlowMetrics(entity: EntityName, options?: { weeks?: number }): Promise<FlowMetrics>;
  /** GET /entities/:kind/:namespace/:name/issues with list filters */
  listEntityIssues(entity: EntityName, query?: EntityIssueListQuery): Promise<EntityIssues>;
  /** GET /entities/:kind/:namespace/:name/issues/facets */
  getEntityIssueFacets(entity: EntityName): Promise<EntityIssueFacets>;
  /** GET /entities/:kind/:namespace/:name/charts/cumulative-flow */
  getEntityCumulativeFlow(entity: EntityName, query?: ChartPeriod & { by?: 'category' | 'status' }): Promise<CumulativeFlow>;
  /** GET /entities/:kind/:namespace/:name/charts/cycle-time */
  getEntityCycleTime(entity: EntityName, query?: ChartPeriod): Promise<CycleTimeChart>;
  /** GET /entities/:kind/:namespace/:name/charts/throughput */
  getEntityThroughput(entity: EntityName, query?: ChartPeriod): Promise<ThroughputChart>;
  /** GET /entities/:kind/:namespace/:name/charts/time-in-status */
  getEntityTimeInStatus(entity: EntityName, query?: ChartPeriod): Promise<TimeInStatusChart>;
  /** GET /issues/:keyOrId */
  getIssue(keyOrId: string, options?: { instance?: string }): Promise<IssueDetail>;
  /** GET /issues/:keyOrId/changelog */
  getIssueChangelog(keyOrId: string, options?: { instance?: string; limit?: number; cursor?: string }): Promise<IssueChangelogPage>;
}
