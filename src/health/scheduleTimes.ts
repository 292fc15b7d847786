import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { ConfigReader, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';

/**
 * Milliseconds of a luxon Duration (what schedules read from config may hold), a Backstage
 * HumanDuration or a duration string (ISO 8601 or '15 minutes'); null when it is none of them.
 */
export function durationMs(duration: unknown): number | null {
  if (duration && typeof (duration as { toMillis?: unknown }).toMillis === 'function') {
    const ms = (duration as { toMillis(): number }).toMillis();
    return Number.isFinite(ms) ? ms : null;
  }
  if (duration === undefined || duration === null) return null;
  try {
    // Backstage's own reader, so a duration reads here exactly as the spec and app-config read it.
    const ms = durationToMilliseconds(readDurationFromConfig(new ConfigReader({ duration: duration as never }), { key: 'duration' }));
    return Number.isFinite(ms) ? ms : null;
  } catch {
    return null;
  }
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
