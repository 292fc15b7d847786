export { SyncEngine, SyncAbortedError } from './SyncEngine';
export type { RunSummary, DeletionGuardReport, SweepCheckpoint } from './SyncEngine';
export { SyncMetrics } from './metrics';
export { scheduleSyncs, syncTaskId } from './scheduleSyncs';
export { toIssueVersion, projectCustomFields, IssueTransformError } from './transform';
export type { ResolvedFieldMapping } from './transform';
export { scopeJql } from './jql';
export { WebhookProcessor } from './WebhookProcessor';
export type { WebhookOutcome } from './WebhookProcessor';
