import type { SyncDefinition } from '../spec/types';
import type { OpsStore, SyncStore } from '../store/types';
import type { AlertsSettings } from '../config/readOpsConfig';
import type { SyncHealthInput } from './syncHealth';

/** What health needs beyond runs, schedule and dead letters: rejected credentials, drift, alert thresholds. */
export type HealthFactsReader = (sync: SyncDefinition) => Promise<Partial<SyncHealthInput>>;

export function createHealthFactsReader(options: {
  opsStore: Pick<OpsStore, 'listIncidents' | 'listCompletenessChecks'>;
  syncStore: Pick<SyncStore, 'listRuns'>;
  settings: AlertsSettings;
}): HealthFactsReader {
  const { opsStore, syncStore, settings } = options;
  return async sync => {
    const [open, [check]] = await Promise.all([
      opsStore.listIncidents({ subjectType: 'sync', subjectId: sync.id }, { openOnly: true }),
      opsStore.listCompletenessChecks(sync.id, 1),
    ]);
    const credentials = open.find(incident => incident.kind === 'credentials-rejected');
    const failed = credentials ? (await syncStore.listRuns(sync.id, 5)).find(run => run.outcome === 'failed') : undefined;
    return {
      credentialsRejected: credentials ? { sinceMs: credentials.openedMs, message: failed?.error ?? credentials.message } : null,
      completeness:
        check && check.outcome === 'succeeded'
          ? {
              checkedMs: check.endedMs ?? check.startedMs,
              sampled: check.sampled,
              differing: check.differing,
              missingInJira: check.missingInJira,
              countMismatches: check.countMismatches,
              repaired: check.repaired,
              unrepairedDrift: check.unrepairedDrift,
            }
          : null,
      ...(settings.staleAfterMs !== null && { staleAfterMs: settings.staleAfterMs }),
      slowRun: settings.slowRun,
    };
  };
}
