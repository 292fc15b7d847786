import type { Config } from '@backstage/config';
import { readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';

export interface SlowRunPolicy {
  /** A run slower than this multiple of the recent median is slow. Default 3. */
  factor: number;
  /** Runs shorter than this are never slow (a 2 s run taking 7 s is noise, not an incident). */
  minimumMs: number;
}

export const DEFAULT_SLOW_RUN_POLICY: SlowRunPolicy = { factor: 3, minimumMs: 60_000 };

/** The special recipient that means "the owners of catalog entities annotated with the sync's projects". */
export const OWNERS_RECIPIENT = 'owners';

export interface AlertsSettings {
  /** Entity refs of users or groups, and/or `owners`. Empty: incidents are tracked and logged, nothing is sent. */
  recipients: string[];
  failuresInARow: number;
  /** Null: STALE_AFTER_INTERVALS × the sync's fixed interval (no staleness alert for cron schedules). */
  staleAfterMs: number | null;
  slowRun: SlowRunPolicy;
  tokenExpiry: {
    warnBeforeMs: number;
    /** Expiry times given in config, per instance name (when Jira's token API is not readable). */
    expiresAtMs: Map<string, number>;
  };
  /** How often every sync and instance is evaluated apart from run ends (staleness, token expiry). */
  schedule: SchedulerServiceTaskScheduleDefinition;
}

export interface CompletenessSettings {
  enabled: boolean;
  schedule: SchedulerServiceTaskScheduleDefinition;
  sampleSize: number;
  repair: boolean;
}

export interface OpsSettings {
  alerts: AlertsSettings;
  completeness: CompletenessSettings;
}

export const DEFAULT_ALERTS_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 15 },
  timeout: { minutes: 5 },
  initialDelay: { minutes: 1 },
};
export const DEFAULT_COMPLETENESS_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { hours: 24 },
  timeout: { hours: 1 },
  initialDelay: { minutes: 30 },
};

import { JiraSyncConfigError as OpsConfigError } from './JiraSyncConfigError';

const durationMsAt = (config: Config, key: string) => durationToMilliseconds(readDurationFromConfig(config, { key }));

export function positiveInteger(config: Config | undefined, key: string, at: string, fallback: number): number {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < 1) throw new OpsConfigError(`${at}.${key} must be a positive integer; got ${value}`);
  return value;
}

/** Reads `jiraSync.alerts` and `jiraSync.completeness` (both optional). */
export function readOpsConfig(jiraSync: Config): OpsSettings {
  const alerts = jiraSync.getOptionalConfig('alerts');
  const completeness = jiraSync.getOptionalConfig('completeness');

  const expiresAtMs = new Map<string, number>();
  const expiries = alerts?.getOptionalConfig('tokenExpiry.expiresAt');
  for (const instance of expiries?.keys() ?? []) {
    const ms = Date.parse(expiries!.getString(instance));
    if (Number.isNaN(ms)) throw new OpsConfigError(`jiraSync.alerts.tokenExpiry.expiresAt.${instance} is not an ISO 8601 date-time`);
    expiresAtMs.set(instance, ms);
  }
  const slowFactor = alerts?.getOptionalNumber('slowRun.factor') ?? DEFAULT_SLOW_RUN_POLICY.factor;
  if (!(slowFactor > 1)) throw new OpsConfigError(`jiraSync.alerts.slowRun.factor must be above 1; got ${slowFactor}`);

  return {
    alerts: {
      recipients: alerts?.getOptionalStringArray('recipients') ?? [],
      failuresInARow: positiveInteger(alerts, 'failuresInARow', 'jiraSync.alerts', 3),
      staleAfterMs: alerts?.has('staleAfter') ? durationMsAt(alerts, 'staleAfter') : null,
      slowRun: {
        factor: slowFactor,
        minimumMs: alerts?.has('slowRun.minimumDuration')
          ? durationMsAt(alerts.getConfig('slowRun'), 'minimumDuration')
          : DEFAULT_SLOW_RUN_POLICY.minimumMs,
      },
      tokenExpiry: {
        warnBeforeMs: alerts?.has('tokenExpiry.warnBefore')
          ? durationMsAt(alerts.getConfig('tokenExpiry'), 'warnBefore')
          : 14 * 86_400_000,
        expiresAtMs,
      },
      schedule: alerts?.has('schedule')
        ? readSchedulerServiceTaskScheduleDefinitionFromConfig(alerts.getConfig('schedule'))
        : DEFAULT_ALERTS_SCHEDULE,
    },
    completeness: {
      enabled: completeness?.getOptionalBoolean('enabled') ?? true,
      schedule: completeness?.has('schedule')
        ? readSchedulerServiceTaskScheduleDefinitionFromConfig(completeness.getConfig('schedule'))
        : DEFAULT_COMPLETENESS_SCHEDULE,
      sampleSize: positiveInteger(completeness, 'sampleSize', 'jiraSync.completeness', 50),
      repair: completeness?.getOptionalBoolean('repair') ?? false,
    },
  };
}
