import type { RunOutcome } from '../store/types';
import { durationText, slowRunFinding } from './runDurations';
import { DEFAULT_SLOW_RUN_POLICY, type SlowRunPolicy } from '../config/readOpsConfig';

export type SyncHealthStatus = 'healthy' | 'degraded' | 'failing' | 'stale' | 'unknown';

/** A type, not an interface, so it fits the typed router's JSON bodies (index signatures). */
export type SyncHealth = {
  status: SyncHealthStatus;
  reason: string;
};

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
  /** Jira rejected the sync's credentials and no run has succeeded since (an open credentials incident). */
  credentialsRejected?: { sinceMs: number; message: string } | null;
  /** The newest finished completeness check. */
  completeness?: CompletenessFinding | null;
  /** Overrides the staleness threshold of STALE_AFTER_INTERVALS × intervalMs (e.g. from jiraSync.alerts.staleAfter). */
  staleAfterMs?: number | null;
  /** When the newest run counts as much slower than usual. */
  slowRun?: SlowRunPolicy;
}

/** What the newest completeness check found that is still wrong. */
export interface CompletenessFinding {
  checkedMs: number;
  sampled: number;
  differing: number;
  missingInJira: number;
  countMismatches: number;
  repaired: number;
  unrepairedDrift: number;
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
  if (hours >= 48) return `${Math.round(hours / 24)} days`;
  if (hours >= 1) return `${Math.round(hours * 10) / 10} h`;
  return `${Math.round(ms / 60_000)} min`;
}

/**
 * The health of one sync from its recent runs, its schedule, its waiting dead letters, its newest
 * completeness check and rejected credentials.
 * Precedence: unknown (not scheduled / never finished) > failing (credentials rejected, N failures
 * in a row) > stale > degraded (recent failure, slow run, drift, dead letters) > healthy.
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

  if (input.credentialsRejected && finished[0].outcome !== 'succeeded') {
    const { sinceMs, message } = input.credentialsRejected;
    return { status: 'failing', reason: `Jira rejected the credentials (since ${iso(sinceMs)}): ${brief(message)}` };
  }
  if (consecutiveFailures >= FAILING_AFTER_CONSECUTIVE_FAILURES || (consecutiveFailures > 0 && !lastSuccess)) {
    return { status: 'failing', reason: `${failureText(consecutiveFailures)}${lastSuccess ? '' : '; no successful run yet'}` };
  }

  const lastSuccessMs = lastSuccess!.endedMs ?? lastSuccess!.startedMs;
  const defaultStaleAfterMs = intervalMs === null ? null : STALE_AFTER_INTERVALS * intervalMs;
  const staleAfterMs = input.staleAfterMs !== undefined ? input.staleAfterMs : defaultStaleAfterMs;
  if (staleAfterMs !== null && nowMs - lastSuccessMs > staleAfterMs) {
    const cadence = intervalMs !== null ? `the schedule runs every ${hoursText(intervalMs)}` : `stale after ${hoursText(staleAfterMs)}`;
    return {
      status: 'stale',
      reason: `no successful run for ${hoursText(nowMs - lastSuccessMs)} (last at ${iso(lastSuccessMs)}); ${cadence}`,
    };
  }

  // Everything short of failing or stale: each finding is named, most urgent first.
  const findings: string[] = [];
  if (consecutiveFailures > 0) findings.push(failureText(consecutiveFailures));
  const slow = slowRunFinding(runs, input.slowRun ?? DEFAULT_SLOW_RUN_POLICY);
  if (slow) {
    findings.push(
      `the last run took ${durationText(slow.durationMs)}, more than ${slow.factor}× the median of recent runs (${durationText(slow.medianMs)})`,
    );
  }
  if (input.completeness && input.completeness.unrepairedDrift > 0) findings.push(driftText(input.completeness));
  if (input.deadLettersWaiting > 0) {
    const n = input.deadLettersWaiting;
    findings.push(`${n} issue${n === 1 ? '' : 's'} waiting in dead letters`);
  }
  if (findings.length) return { status: 'degraded', reason: findings.join('; ') };
  return { status: 'healthy', reason: `the last run succeeded at ${iso(lastSuccessMs)}` };
}

/** "the completeness check at … found 2 of 50 sampled issues differing from Jira, 1 project count off". */
export function driftText(check: CompletenessFinding): string {
  const parts: string[] = [];
  if (check.differing) parts.push(`${check.differing} of ${check.sampled} sampled issues differing from Jira`);
  if (check.missingInJira) parts.push(`${check.missingInJira} sampled issue${check.missingInJira === 1 ? '' : 's'} no longer in Jira`);
  if (check.countMismatches) parts.push(`${check.countMismatches} project count${check.countMismatches === 1 ? '' : 's'} off`);
  const repaired = check.repaired ? ` (${check.repaired} repaired)` : '';
  return `the completeness check at ${iso(check.checkedMs)} found ${parts.join(', ') || 'drift'}${repaired}`;
}
