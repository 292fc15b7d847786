import type { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import type { SyncDefinition } from '../spec/types';
import type { AlertMonitor } from './AlertMonitor';
import type { CompletenessCheck } from './CompletenessCheck';
import type { OpsSettings } from '../config/readOpsConfig';

/** Scheduler task ids (also what `POST .../tasks/:id/trigger` takes). */
export const completenessTaskId = (syncId: string) => `jira-sync:completeness:${syncId}`;
export const ALERTS_TASK_ID = 'jira-sync:alerts';

/**
 * One global task per sync for its completeness check (a check of a big sync must not hold up the
 * others) and one global task evaluating every alert: the scheduler's lock runs each on one replica.
 */
export async function scheduleOps(options: {
  scheduler: SchedulerService;
  syncs: SyncDefinition[];
  settings: OpsSettings;
  check: CompletenessCheck;
  monitor: AlertMonitor;
  logger: LoggerService;
}) {
  const { scheduler, syncs, settings, check, monitor, logger } = options;
  if (settings.completeness.enabled) {
    for (const sync of syncs) {
      await scheduler.scheduleTask({
        ...settings.completeness.schedule,
        id: completenessTaskId(sync.id),
        scope: 'global',
        fn: async signal => {
          await check.run(sync, { signal: signal as AbortSignal });
          await monitor.evaluateSync(sync);
        },
      });
    }
    logger.info(`scheduled completeness checks of ${syncs.length} syncs (sample ${settings.completeness.sampleSize}, repair ${settings.completeness.repair ? 'on' : 'off'})`);
  }
  await scheduler.scheduleTask({
    ...settings.alerts.schedule,
    id: ALERTS_TASK_ID,
    scope: 'global',
    fn: async () => monitor.evaluateAll(),
  });
}
