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
