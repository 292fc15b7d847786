export { createRouter } from './router';
export type { RouterOptions } from './router';
export {
  jiraSyncIssueReadPermission,
  jiraSyncSyncReadPermission,
  jiraSyncRunTriggerPermission,
  jiraSyncDeadLetterRetryPermission,
  jiraSyncPermissions,
  jiraSyncAuthPolicies,
  registerPermissions,
} from './permissions';
export { createSchedulerTaskStateReader } from './schedulerTaskStates';
export type { SchedulerTaskState, SchedulerTaskStateReader } from './schedulerTaskStates';
export { loadOpenApiDocument } from './openapiDocument';
export { syncHealth } from './syncHealth';
export type { SyncHealth, SyncHealthInput, SyncHealthStatus } from './syncHealth';
export { computeFlowMetrics } from './flowMetrics';
export type { WebhookHandler } from './webhookRoute';
