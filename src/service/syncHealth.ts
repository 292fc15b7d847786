import type { RunOutcome } from '../store/types';

export type SyncHealthStatus = 'healthy' | 'degraded' | 'failing' | 'stale' | 'unknown';

export interface SyncHealth {
  status: SyncHealthStatus;
  reason: string;
}

export interface SyncHealthInput {
  nowMs: number;
  /** Whether the scheduler of this backend knows the sync's task. */
  scheduled: boolean;
  /** Fixed interval between runs; null for cron or manual schedules (no staleness check then). */
  intervalMs: number | null;
  /** The task timeout: a run still "running" past it was abandoned (crashed replica). */
  timeoutMs: number | null;
  /** Recent runs, newest first. */
  runs: Array<{ outcome: RunOutcome; startedMs: number; endedMs: number | null; error: string | null }>;
  /** Dead letters not yet resolved. */
  deadLettersWaiting: number;
}

/** Consecutive failed runs from which a sync counts as failing rather than degraded. */
export const FAILING_AFTER_CONSECUTIVE_FAILURES = 3;
/** A sync whose last success is older than this many intervals is stale. */
export const STALE_AFTER_INTERVALS = 3;

const MAX_ERROR_CHARS = 200;

const brief = (error: string | null) => {
  if (!error) return 'no error recorded';
  return error.length > MAX_ERROR_CHARS ? `${error.slice(0, MAX_ERROR_CHARS)}…` : error;
};

const iso = (ms: number) => new Date(ms).toISOString();

function hoursText(ms: number): string {
  const hours = ms / 3_600_000;
  return hours >= 48 ? `${Math.round(hours / 24)} days` : hours >= 1 ? `${Math.round(hours * 10) / 10} h` : `${Math.round(ms / 60_000)} min`;
}

/**
 * The health of one sync from its recent runs, its schedule and its waiting dead letters.
 * Precedence: unknown (not scheduled / never finished) > failing > stale > degraded > healthy.
 */
export function syncHealth(input: SyncHealthInput): SyncHealth {
  const { nowMs, runs, intervalMs, timeoutMs } = input;
  if (!input.scheduled) return { status: 'unknown', reason: 'the sync is not scheduled on this backend' };
  if (!runs.length) return { status: 'unknown', reason: 'the sync has never run' };

  const abandoned = (run: SyncHealthInput['runs'][number]) =>
    run.outcome === 'running' && timeoutMs !== null && nowMs - run.startedMs > timeoutMs;
  const finished = runs.filter(run => run.outcome !== 'running' || abandoned(run));
  if (!finished.length) return { status: 'unknown', reason: `the first run is in progress since ${iso(runs[0].startedMs)}` };

  const failedStreak = finished.findIndex(run => run.outcome === 'succeeded');
  const consecutiveFailures = failedStreak === -1 ? finished.length : failedStreak;
  const lastSuccess = failedStreak === -1 ? undefined : finished[failedStreak];
  const lastFailure = finished[0];
  const failureText = (n: number) =>
    `${n === 1 ? 'the last run' : `the last ${n} runs`} ${abandoned(lastFailure) ? 'did not finish within the timeout' : 'failed'}: ${brief(lastFailure.error)}`;

  if (consecutiveFailures >= FAILING_AFTER_CONSECUTIVE_FAILURES || (consecutiveFailures > 0 && !lastSuccess)) {
    return { status: 'failing', reason: `${failureText(consecutiveFailures)}${lastSuccess ? '' : '; no successful run yet'}` };
  }

  const lastSuccessMs = lastSuccess!.endedMs ?? lastSuccess!.startedMs;
  if (intervalMs !== null && nowMs - lastSuccessMs > STALE_AFTER_INTERVALS * intervalMs) {
    return {
      status: 'stale',
      reason: `no successful run for ${hoursText(nowMs - lastSuccessMs)} (last at ${iso(lastSuccessMs)}); the schedule runs every ${hoursText(intervalMs)}`,
    };
  }
  if (consecutiveFailures > 0) return { status: 'degraded', reason: failureText(consecutiveFailures) };
  if (input.deadLettersWaiting > 0) {
    const n = input.deadLettersWaiting;
    return { status: 'degraded', reason: `${n} issue${n === 1 ? '' : 's'} waiting in dead letters` };
  }
  return { status: 'healthy', reason: `the last run succeeded at ${iso(lastSuccessMs)}` };
}
