/** Sync health: the facts (runs, schedule, dead letters, incidents, drift) and the verdict both the API and alerts use. */
export { syncHealth, driftText, FAILING_AFTER_CONSECUTIVE_FAILURES, STALE_AFTER_INTERVALS } from './syncHealth';
export type { SyncHealth, SyncHealthInput, SyncHealthStatus, CompletenessFinding } from './syncHealth';
export { durationMs, scheduleIntervalMs, scheduleTimeoutMs } from './scheduleTimes';
export { slowRunFinding, median, durationText, type SlowRunFinding, type TimedRun } from './runDurations';
export { createHealthFactsReader, type HealthFactsReader } from './healthFacts';
