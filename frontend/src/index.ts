/**
 * jira-sync frontend: an entity card with the entity's synced Jira issues, counts, flow metrics
 * and sync freshness. The new frontend system's plugin is the default export of `./alpha`.
 *
 * @packageDocumentation
 */
export { jiraSyncPlugin, EntityJiraSyncCard, EntityJiraSyncContent } from './plugin';
export type { EntityJiraSyncCardProps } from './components/EntityJiraSyncCard';
export type { EntityJiraSyncContentProps } from './components/EntityJiraSyncContent';
export {
  JIRA_COM_COMPONENTS_ANNOTATION,
  JIRA_COM_PROJECT_KEY_ANNOTATION,
  JIRA_COMPONENT_ANNOTATION,
  JIRA_LABEL_ANNOTATION,
  JIRA_PROJECT_KEY_ANNOTATION,
  isJiraSyncAvailable,
  projectKeysOf,
} from './annotations';
export { jiraSyncApiRef } from './api/JiraSyncApi';
// The API's client and types live in the common package; re-exported so apps need one import.
export { JiraSyncClient } from '@jira-sync/backstage-plugin-jira-sync-common';
export type {
  ChartPeriod,
  CumulativeFlow,
  CycleTimeChart,
  DurationStats,
  EntityIssueFacets,
  EntityIssueListQuery,
  EntityIssueSort,
  EntityIssues,
  EntityIssuesQuery,
  EntityName,
  FlowMetrics,
  Issue,
  IssueChangelogPage,
  IssueCounts,
  IssueDetail,
  IssueHistory,
  JiraSyncApi,
  JiraUser,
  StatusCategory,
  StatusCategoryFilter,
  SyncHealthStatus,
  SyncProgress,
  SyncRun,
  SyncStatus,
  ThroughputChart,
  TimeInStatusChart,
} from '@jira-sync/backstage-plugin-jira-sync-common';
