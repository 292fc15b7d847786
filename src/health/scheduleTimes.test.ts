import { durationMs, scheduleIntervalMs, scheduleTimeoutMs } from './scheduleTimes';

describe('schedule durations', () => {
  it('reads HumanDuration objects and duration strings as Backstage config does', () => {
    expect(durationMs({ minutes: 30 })).toBe(30 * 60_000);
    expect(durationMs({ hours: 1, minutes: 30, seconds: 5 })).toBe(5_405_000);
    expect(durationMs('PT15M')).toBe(15 * 60_000);
    expect(durationMs('P1DT2H')).toBe(26 * 3_600_000);
    expect(durationMs('P2W')).toBe(14 * 86_400_000);
    expect(durationMs('P1M')).toBe(30 * 86_400_000);
    expect(durationMs('15 minutes')).toBe(15 * 60_000);
  });

  it('reads luxon Durations, as schedules read from config hold them', () => {
    // Duck-typed: luxon is Backstage's dependency, not ours.
    expect(durationMs({ toMillis: () => 90_000, values: { seconds: 90 } })).toBe(90_000);
    expect(durationMs({ toMillis: () => NaN })).toBeNull();
  });

  it('refuses what is not a duration', () => {
    expect(durationMs('P')).toBeNull();
    expect(durationMs('PT')).toBeNull();
    expect(durationMs('fifteen minutes')).toBeNull();
    expect(durationMs(15)).toBeNull();
    expect(durationMs({ fortnights: 1 })).toBeNull();
    expect(durationMs({})).toBeNull();
    expect(durationMs(undefined)).toBeNull();
  });

  it('has no fixed interval for cron or manual schedules', () => {
    expect(scheduleIntervalMs({ frequency: { minutes: 10 }, timeout: { minutes: 5 } })).toBe(600_000);
    expect(scheduleIntervalMs({ frequency: { cron: '*/5 * * * *' }, timeout: { minutes: 5 } })).toBeNull();
    expect(scheduleIntervalMs({ frequency: { trigger: 'manual' }, timeout: { minutes: 5 } })).toBeNull();
    expect(scheduleTimeoutMs({ frequency: { trigger: 'manual' }, timeout: { minutes: 5 } })).toBe(300_000);
  });
});
