import { syncHealth, type SyncHealthInput } from './syncHealth';

const MIN = 60_000;
const NOW = Date.parse('2026-03-18T12:00:00Z');
const ok = (minutesAgo: number) => ({ outcome: 'succeeded' as const, startedMs: NOW - minutesAgo * MIN, endedMs: NOW - minutesAgo * MIN + MIN, error: null });
const failed = (minutesAgo: number, error = 'Jira answered 500') => ({ outcome: 'failed' as const, startedMs: NOW - minutesAgo * MIN, endedMs: NOW - minutesAgo * MIN + MIN, error });
const base: SyncHealthInput = { nowMs: NOW, scheduled: true, intervalMs: 30 * MIN, timeoutMs: 10 * MIN, runs: [], deadLettersWaiting: 0 };

describe('syncHealth', () => {
  it('is unknown when not scheduled or never run', () => {
    expect(syncHealth({ ...base, scheduled: false, runs: [ok(5)] })).toEqual({ status: 'unknown', reason: 'the sync is not scheduled on this backend' });
    expect(syncHealth(base)).toEqual({ status: 'unknown', reason: 'the sync has never run' });
    expect(syncHealth({ ...base, runs: [{ outcome: 'running', startedMs: NOW - MIN, endedMs: null, error: null }] }).status).toBe('unknown');
  });

  it('is healthy after a recent success', () => {
    expect(syncHealth({ ...base, runs: [ok(20), ok(50)] })).toEqual({ status: 'healthy', reason: 'the last run succeeded at 2026-03-18T11:41:00.000Z' });
  });

  it('is degraded after one or two failures, failing after three or with no success at all', () => {
    expect(syncHealth({ ...base, runs: [failed(5), ok(35)] })).toEqual({ status: 'degraded', reason: 'the last run failed: Jira answered 500' });
    expect(syncHealth({ ...base, runs: [failed(5), failed(35), ok(65)] }).status).toBe('degraded');
    expect(syncHealth({ ...base, runs: [failed(5), failed(35), failed(65), ok(95)] })).toEqual({ status: 'failing', reason: 'the last 3 runs failed: Jira answered 500' });
    expect(syncHealth({ ...base, runs: [failed(5, 'bad JQL')] })).toEqual({ status: 'failing', reason: 'the last run failed: bad JQL; no successful run yet' });
  });

  it('ignores a run in progress and treats one past its timeout as failed', () => {
    const running = (minutesAgo: number) => ({ outcome: 'running' as const, startedMs: NOW - minutesAgo * MIN, endedMs: null, error: null });
    expect(syncHealth({ ...base, runs: [running(2), ok(32)] }).status).toBe('healthy');
    expect(syncHealth({ ...base, runs: [running(25), ok(55)] })).toEqual({ status: 'degraded', reason: 'the last run did not finish within the timeout: no error recorded' });
  });

  it('is stale when the last success is older than three intervals', () => {
    expect(syncHealth({ ...base, runs: [ok(89)] }).status).toBe('healthy');
    const stale = syncHealth({ ...base, runs: [ok(120)] });
    expect(stale.status).toBe('stale');
    expect(stale.reason).toBe('no successful run for 2 h (last at 2026-03-18T10:01:00.000Z); the schedule runs every 30 min');
    expect(syncHealth({ ...base, intervalMs: null, runs: [ok(10_000)] }).status).toBe('healthy');
  });

  it('is degraded while dead letters wait', () => {
    expect(syncHealth({ ...base, runs: [ok(5)], deadLettersWaiting: 2 })).toEqual({ status: 'degraded', reason: '2 issues waiting in dead letters' });
  });

  it('shortens long errors', () => {
    const reason = syncHealth({ ...base, runs: [failed(5, 'x'.repeat(500)), ok(35)] }).reason;
    expect(reason.length).toBeLessThan(250);
    expect(reason.endsWith('…')).toBe(true);
  });
});

describe('syncHealth with operations inputs', () => {
  const timed = (minutesAgo: number, seconds: number) => ({ outcome: 'succeeded' as const, startedMs: NOW - minutesAgo * MIN, endedMs: NOW - minutesAgo * MIN + seconds * 1000, error: null });

  it('is failing while Jira rejects the credentials, until a run succeeds', () => {
    const rejected = { sinceMs: NOW - 20 * MIN, message: 'credentials for instance sim expired or were revoked (HTTP 401 from GET /rest/api/3/field)' };
    expect(syncHealth({ ...base, runs: [failed(5, rejected.message), ok(35)], credentialsRejected: rejected })).toEqual({
      status: 'failing',
      reason: 'Jira rejected the credentials (since 2026-03-18T11:40:00.000Z): credentials for instance sim expired or were revoked (HTTP 401 from GET /rest/api/3/field)',
    });
    expect(syncHealth({ ...base, runs: [ok(5), failed(35)], credentialsRejected: rejected }).status).toBe('healthy');
  });

  it('is degraded by a run much slower than the median of recent runs, past the minimum', () => {
    const runs = [timed(1, 400), timed(31, 100), timed(61, 120), timed(91, 90)];
    expect(syncHealth({ ...base, runs })).toEqual({ status: 'degraded', reason: expect.stringMatching(/^the last run took 6.7 min, more than 3× the median of recent runs \(1.7 min\)$/) });
    expect(syncHealth({ ...base, runs, slowRun: { factor: 5, minimumMs: 0 } }).status).toBe('healthy');
    expect(syncHealth({ ...base, runs: [timed(1, 20), timed(31, 2), timed(61, 2), timed(91, 2)] }).status).toBe('healthy'); // under a minute
    expect(syncHealth({ ...base, runs: runs.slice(0, 3) }).status).toBe('healthy'); // two runs are no baseline
  });

  it('is degraded by drift the last completeness check could not repair, and names every finding', () => {
    const completeness = { checkedMs: NOW - 60 * MIN, sampled: 50, differing: 2, missingInJira: 1, countMismatches: 1, repaired: 0, unrepairedDrift: 4 };
    expect(syncHealth({ ...base, runs: [ok(5)], completeness, deadLettersWaiting: 1 })).toEqual({
      status: 'degraded',
      reason:
        'the completeness check at 2026-03-18T11:00:00.000Z found 2 of 50 sampled issues differing from Jira, 1 sampled issue no longer in Jira, 1 project count off; 1 issue waiting in dead letters',
    });
    expect(syncHealth({ ...base, runs: [ok(5)], completeness: { ...completeness, repaired: 2, unrepairedDrift: 0 } }).status).toBe('healthy');
  });

  it('takes the staleness threshold from the alerts config when given', () => {
    expect(syncHealth({ ...base, runs: [ok(40)], staleAfterMs: 30 * MIN })).toEqual({
      status: 'stale',
      reason: 'no successful run for 39 min (last at 2026-03-18T11:21:00.000Z); the schedule runs every 30 min',
    });
    expect(syncHealth({ ...base, intervalMs: null, runs: [ok(40)], staleAfterMs: 30 * MIN }).reason).toMatch(/; stale after 30 min$/);
  });
});
