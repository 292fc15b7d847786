export { readJiraSyncConfig, JiraSyncConfigError, DEFAULT_SCHEDULE, DEFAULT_WEBHOOK_CONCURRENCY } from './readJiraSyncConfig';
export { readOpsConfig, OWNERS_RECIPIENT, DEFAULT_SLOW_RUN_POLICY } from './readOpsConfig';
export type { OpsSettings, AlertsSettings, CompletenessSettings, SlowRunPolicy } from './readOpsConfig';
export type { JiraSyncConfig, SpecLocation } from './readJiraSyncConfig';
export type * from './types';
