import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';

type HumanDuration = Partial<
  Record<'years' | 'months' | 'weeks' | 'days' | 'hours' | 'minutes' | 'seconds' | 'milliseconds', number>
>;

// Calendar units as fixed lengths: these durations only feed staleness thresholds and estimates.
const UNIT_MS = {
  years: 365 * 86_400_000,
  months: 30 * 86_400_000,
  weeks: 7 * 86_400_000,
  days: 86_400_000,
  hours: 3_600_000,
  minutes: 60_000,
  seconds: 1000,
  milliseconds: 1,
} as const;

const ISO_DURATION = /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

/**
 * Milliseconds of a luxon Duration (what schedules read from config hold), a Backstage
 * HumanDuration or an ISO 8601 duration string; null when it is none of them.
 */
export function durationMs(duration: unknown): number | null {
  if (duration && typeof (duration as { toMillis?: unknown }).toMillis === 'function') {
    const ms = (duration as { toMillis(): number }).toMillis();
    return Number.isFinite(ms) ? ms : null;
  }
  if (typeof duration === 'string') {
    const m = ISO_DURATION.exec(duration.trim());
    if (!m || duration.trim() === 'P' || /T$/i.test(duration.trim())) return null;
    const [, y, mo, w, d, h, mi, s] = m.map(v => (v === undefined ? 0 : Number(v)));
    return y * UNIT_MS.years + mo * UNIT_MS.months + w * UNIT_MS.weeks + d * UNIT_MS.days + h * UNIT_MS.hours + mi * UNIT_MS.minutes + s * UNIT_MS.seconds;
  }
  if (duration && typeof duration === 'object') {
    const entries = Object.entries(duration as HumanDuration);
    if (!entries.length || !entries.every(([unit, n]) => unit in UNIT_MS && typeof n === 'number')) return null;
    return entries.reduce((sum, [unit, n]) => sum + UNIT_MS[unit as keyof typeof UNIT_MS] * (n as number), 0);
  }
  return null;
}

/** The fixed interval between runs, or null for cron and manual schedules (no fixed interval). */
export function scheduleIntervalMs(schedule: SchedulerServiceTaskScheduleDefinition): number | null {
  const frequency = schedule.frequency as unknown;
  if (frequency && typeof frequency === 'object' && ('cron' in frequency || 'trigger' in frequency)) return null;
  const ms = durationMs(frequency);
  return ms && ms > 0 ? ms : null;
}

export function scheduleTimeoutMs(schedule: SchedulerServiceTaskScheduleDefinition): number | null {
  const ms = durationMs(schedule.timeout as unknown);
  return ms && ms > 0 ? ms : null;
}
