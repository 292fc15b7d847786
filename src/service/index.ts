export { createRouter } from './router';
export type { RouterOptions } from './router';
export { jiraSyncAuthPolicies, registerPermissions } from './permissions';
export { jiraSyncIssueResourceRef, jiraSyncIssueRules } from './issuePermissions';
export { createSchedulerTaskStateReader } from './schedulerTaskStates';
export type { SchedulerTaskState, SchedulerTaskStateReader } from './schedulerTaskStates';
export { loadOpenApiDocument } from './openapiDocument';
export { computeFlowMetrics } from './flowMetrics';
export type { WebhookHandler } from './webhookRoute';
