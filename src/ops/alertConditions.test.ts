import type { RunRecord } from '../store/types';
import { syncAlertConditions, tokenExpiryCondition, type SyncAlertInput } from './alertConditions';

const MIN = 60_000;
const NOW = Date.parse('2026-03-18T12:00:00Z');
let nextId = 1;
const run = (outcome: RunRecord['outcome'], minutesAgo: number, seconds = 30, extra: Partial<RunRecord> = {}): RunRecord => ({
  runId: String(nextId++), syncId: 's', strategy: 'incremental', trigger: 'schedule', outcome,
  startedMs: NOW - minutesAgo * MIN, endedMs: outcome === 'running' ? null : NOW - minutesAgo * MIN + seconds * 1000,
  error: outcome === 'failed' ? 'Jira answered 503' : null, details: null,
  issuesRead: 0, issuesInserted: 0, issuesUpdated: 0, issuesUnchanged: 0, issuesDeleted: 0, issuesRestored: 0,
  historiesWritten: 0, deadLetters: 0, apiCalls: 0, apiRetries: 0, apiBytes: 0, rateLimitWaitMs: 0, ...extra,
});
const base: SyncAlertInput = {
  syncId: 's', nowMs: NOW, runs: [], state: undefined, staleAfterMs: 90 * MIN, failuresInARow: 3,
  slowRun: { factor: 3, minimumMs: 60_000 }, credentialsRejected: null, latestCheck: undefined,
};
const kinds = (input: Partial<SyncAlertInput>) => syncAlertConditions({ ...base, ...input }).map(c => c.kind);

describe('syncAlertConditions', () => {
  it('raises failures in a row only from the configured count, ignoring a run in progress', () => {
    expect(kinds({ runs: [run('failed', 1), run('failed', 31), run('succeeded', 61)] })).toEqual([]);
    expect(kinds({ runs: [run('running', 0), run('failed', 1), run('failed', 31), run('failed', 61), run('succeeded', 91)], staleAfterMs: null })).toEqual(['consecutive-failures']);
    expect(kinds({ runs: [run('failed', 1), run('failed', 31)], failuresInARow: 2 })).toEqual(['consecutive-failures']);
  });

  it('raises staleness against the threshold, and none without one', () => {
    expect(kinds({ runs: [run('succeeded', 80)] })).toEqual([]);
    expect(kinds({ runs: [run('succeeded', 100)] })).toEqual(['stale']);
    expect(kinds({ runs: [run('succeeded', 100)], staleAfterMs: null })).toEqual([]);
  });

  it('raises a slow run against the median of the successful runs before it', () => {
    const history = [run('succeeded', 31, 60), run('succeeded', 61, 70), run('failed', 75, 900), run('succeeded', 91, 50)];
    expect(kinds({ runs: [run('succeeded', 1, 170), ...history] })).toEqual([]); // median 60 s: 3× is 180 s
    expect(kinds({ runs: [run('succeeded', 1, 170), ...history], slowRun: { factor: 2, minimumMs: 0 } })).toEqual(['slow-run']);
  });

  it('raises the deletion guard from the run that last reconciled, so a later clean reconciliation resolves it', () => {
    const guarded = run('succeeded', 31, 30, { details: { deletionGuard: { stored: 100, missing: 60, maxDeleteShare: 0.2 } } });
    const later = run('succeeded', 1);
    expect(kinds({ runs: [later, guarded], state: { lastReconcileMs: guarded.startedMs + 10_000 } as any })).toEqual(['deletion-guard']);
    expect(kinds({ runs: [later, guarded], state: { lastReconcileMs: later.startedMs + 10_000 } as any })).toEqual([]);
  });

  it('raises drift only for a finished check with unrepaired drift, and rejected credentials when told', () => {
    const check = { checkId: '1', syncId: 's', startedMs: NOW, endedMs: NOW, outcome: 'succeeded' as const, sampled: 50, compared: 50, differing: 1, missingInJira: 0, countMismatches: 0, repaired: 0, unrepairedDrift: 1, counts: [], differences: [] };
    expect(kinds({ runs: [run('succeeded', 1)], latestCheck: check })).toEqual(['drift']);
    expect(kinds({ runs: [run('succeeded', 1)], latestCheck: { ...check, repaired: 1, unrepairedDrift: 0 } })).toEqual([]);
    expect(kinds({ runs: [run('failed', 1)], credentialsRejected: 'HTTP 401' })).toEqual(['credentials-rejected']);
  });
});

describe('tokenExpiryCondition', () => {
  it('warns inside the window and says when the token has expired', () => {
    const at = (days: number) => tokenExpiryCondition({ instance: 'dc', expiresAtMs: NOW + days * 86_400_000, nowMs: NOW, warnBeforeMs: 14 * 86_400_000, tokenName: 'sync' });
    expect(at(30)).toBeUndefined();
    expect(at(3)).toMatchObject({ kind: 'token-expiry', severity: 'high', title: 'The Jira access token "sync" of instance dc expires in 3 days' });
    expect(at(-1)).toMatchObject({ severity: 'critical', title: 'The Jira access token "sync" of instance dc has expired' });
  });
});
