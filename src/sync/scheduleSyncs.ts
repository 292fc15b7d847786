import type { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import type { SyncDefinition } from '../spec/types';
import type { SyncEngine } from './SyncEngine';

/** The scheduler task id of a sync (also the id for manual triggers). */
export const syncTaskId = (syncId: string) => `jira-sync:${syncId}`;

/**
 * One global task per sync: the scheduler's lock makes one replica run it at a time, and a run
 * past its timeout is aborted through the signal, stopping at its last checkpoint.
 */
export async function scheduleSyncs(options: {
  scheduler: SchedulerService;
  engine: SyncEngine;
  syncs: SyncDefinition[];
  logger: LoggerService;
}) {
  const { scheduler, engine, syncs, logger } = options;
  for (const sync of syncs) {
    await scheduler.scheduleTask({
      ...sync.schedule,
      id: syncTaskId(sync.id),
      scope: 'global',
      fn: async signal => {
        await engine.run(sync, { signal: signal as AbortSignal });
      },
    });
    logger.info(`scheduled sync "${sync.id}" (${sync.strategy}, instance ${sync.instance})`);
  }
}
