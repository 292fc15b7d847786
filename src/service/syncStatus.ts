import type { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import type { SyncDefinition } from '../spec/types';
import type { IssueQueryStore, SyncStore } from '../store/types';
import { syncTaskId } from '../sync/scheduleSyncs';
import type { SchedulerTaskState, SchedulerTaskStateReader } from './schedulerTaskStates';
import { scheduleIntervalMs, scheduleTimeoutMs, syncHealth, type HealthFactsReader } from '../health';
import { isoOf, isoOrNull, serializeRun } from './serialize';
import type { RunRecord } from '../store/types';

/** Runs read per sync for its health: enough to see a streak of failures and the last success. */
const RECENT_RUNS = 20;

export interface SyncStatusSources {
  syncStore: SyncStore;
  queryStore: IssueQueryStore;
  scheduler: Pick<SchedulerService, 'getScheduledTasks'>;
  taskStates?: SchedulerTaskStateReader;
  logger: LoggerService;
  /** Health inputs beyond runs and dead letters (rejected credentials, drift, alert thresholds): src/ops. */
  healthFacts?: HealthFactsReader;
}

async function readTaskStates(sources: SyncStatusSources): Promise<Map<string, SchedulerTaskState> | undefined> {
  if (!sources.taskStates) return undefined;
  try {
    return await sources.taskStates();
  } catch (e) {
    sources.logger.warn(`could not read scheduler task states: ${(e as Error).message}`);
    return undefined;
  }
}

/** A running run's live progress from its row; null once it finished or when abandoned past the timeout. */
export function runProgress(run: RunRecord | undefined, nowMs: number, timeoutMs: number | null) {
  if (!run || run.outcome !== 'running') return null;
  if (timeoutMs !== null && nowMs - run.startedMs > timeoutMs) return null;
  const expected = run.issuesExpected ?? null;
  const elapsedMs = (run.progressMs ?? run.startedMs) - run.startedMs;
  const ratePerSecond = run.progressMs && elapsedMs > 0 ? run.issuesRead / (elapsedMs / 1000) : null;
  const etaSeconds =
    expected !== null && ratePerSecond ? Math.max(0, Math.round((expected - run.issuesRead) / ratePerSecond)) : null;
  return {
    runId: run.runId,
    startedAt: isoOf(run.startedMs),
    issuesRead: run.issuesRead,
    issuesExpected: expected,
    ratePerSecond: ratePerSecond === null ? null : Math.round(ratePerSecond * 10) / 10,
    etaSeconds,
  };
}

/** failing / stale win (their reason says why), then running, else idle with the health's reason. */
export function syncState(
  health: { status: string; reason: string },
  progress: ReturnType<typeof runProgress>,
): { state: 'failing' | 'stale' | 'running' | 'idle'; reason: string } {
  if (health.status === 'failing' || health.status === 'stale') return { state: health.status === 'failing' ? 'failing' : 'stale', reason: health.reason };
  if (progress) {
    const of = progress.issuesExpected !== null ? ` of ~${progress.issuesExpected}` : '';
    return { state: 'running' as const, reason: `run ${progress.runId} in progress since ${progress.startedAt}: ${progress.issuesRead}${of} issues read` };
  }
  return { state: 'idle' as const, reason: health.reason };
}

/**
 * The `SyncStatus` of each sync, in the given order. `issueCounts: false` leaves out the count of
 * each sync's issues (a scan of its whole scope), for responses that only need freshness and health.
 */
export async function syncStatuses(sources: SyncStatusSources, syncs: SyncDefinition[], nowMs: number, options: { issueCounts?: boolean } = {}) {
  if (!syncs.length) return [];
  const { syncStore, queryStore } = sources;
  const [scheduledTasks, taskStates] = await Promise.all([sources.scheduler.getScheduledTasks(), readTaskStates(sources)]);
  const scheduled = new Set(scheduledTasks.map(t => t.id));

  return Promise.all(
    syncs.map(async sync => {
      const [state, runs, deadLetters, issues, healthFacts] = await Promise.all([
        syncStore.getState(sync.id),
        syncStore.listRuns(sync.id, RECENT_RUNS),
        syncStore.countDeadLetters(sync.id),
        // Exact only when the scope is the project list alone; with extra JQL the count is left out.
        sync.jql || options.issueCounts === false
          ? undefined
          : queryStore
              .countByStatusCategory({ instance: sync.instance, ...(sync.projects.length && { projectKeys: sync.projects }) })
              .then(c => c.total),
        sources.healthFacts?.(sync),
      ]);
      const taskId = syncTaskId(sync.id);
      const intervalMs = scheduleIntervalMs(sync.schedule);
      const lastRun = runs[0];
      const lastSuccess = runs.find(r => r.outcome === 'succeeded');
      const taskState = taskStates?.get(taskId);
      let nextRunMs: number | null = null;
      if (taskState) {
        nextRunMs = taskState.status === 'idle' && taskState.startsAt ? Date.parse(taskState.startsAt) : null;
      } else if (!taskStates && scheduled.has(taskId) && lastRun && intervalMs !== null) {
        // No scheduler state to ask: estimate from the last start and the fixed interval.
        nextRunMs = lastRun.startedMs + intervalMs;
      }
      const timeoutMs = scheduleTimeoutMs(sync.schedule);
      const health = syncHealth({
        nowMs,
        scheduled: scheduled.has(taskId),
        intervalMs,
        timeoutMs,
        runs,
        deadLettersWaiting: deadLetters,
        ...healthFacts,
      });
      const progress = runProgress(lastRun, nowMs, timeoutMs);
      return {
        id: sync.id,
        instance: sync.instance,
        strategy: sync.strategy,
        projects: sync.projects,
        watermark: isoOrNull(state?.watermarkMs),
        lastFullRun: isoOrNull(state?.lastFullMs),
        lastReconciliation: isoOrNull(state?.lastReconcileMs),
        lastRun: lastRun ? serializeRun(lastRun) : null,
        lastSuccessAt: lastSuccess ? isoOf(lastSuccess.endedMs ?? lastSuccess.startedMs) : null,
        nextRunAt: nextRunMs !== null && !Number.isNaN(nextRunMs) ? isoOf(nextRunMs) : null,
        deadLetters,
        ...(issues !== undefined && { issues }),
        health,
        ...syncState(health, progress),
        progress,
      };
    }),
  );
}
