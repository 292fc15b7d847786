import { metrics, type BatchObservableResult, type Counter, type Meter, type ObservableCounter, type ObservableGauge } from '@opentelemetry/api';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { JiraClient } from '../jira/types';
import type { SyncDefinition } from '../spec/types';
import type { CompletenessCheckRecord, OpsStore, SyncStore } from '../store/types';

/**
 * Operations instruments (names in src/ops/METRICS.md): alerts, completeness checks, and
 * observables read when the exporter collects: lag behind Jira, drift of the newest check, and
 * Jira API responses by endpoint and status.
 */
export class OpsMetrics {
  private readonly meter: Meter;
  private readonly alerts: Counter;
  private readonly checks: Counter;
  private readonly repaired: Counter;

  constructor(meter: Meter = metrics.getMeter('backstage-plugin-jira-sync')) {
    this.meter = meter;
    this.alerts = meter.createCounter('jira_sync.alerts', { description: 'Alert incidents opened and resolved, and notices sent' });
    this.checks = meter.createCounter('jira_sync.completeness.checks', { description: 'Completeness checks by outcome' });
    this.repaired = meter.createCounter('jira_sync.completeness.repaired', { description: 'Issues re-fetched and rewritten by completeness checks' });
  }

  recordAlert(kind: string, event: 'opened' | 'resolved' | 'notice-sent' | 'recovery-sent') {
    this.alerts.add(1, { 'alert.kind': kind, 'alert.event': event });
  }

  recordCheck(syncId: string, outcome: string, repaired: number) {
    this.checks.add(1, { 'sync.id': syncId, 'check.outcome': outcome });
    if (repaired) this.repaired.add(repaired, { 'sync.id': syncId });
  }

  /** Registers the observables; the callbacks read the database, so they only run on collection. */
  observe(sources: {
    syncs: SyncDefinition[];
    syncStore: Pick<SyncStore, 'getState'>;
    opsStore: Pick<OpsStore, 'listCompletenessChecks'>;
    clients: Array<Pick<JiraClient, 'instance' | 'counters'>>;
    logger: LoggerService;
    now?: () => number;
  }) {
    const now = sources.now ?? (() => Date.now());
    const lag: ObservableGauge = this.meter.createObservableGauge('jira_sync.lag', {
      description: 'Time since the newest Jira update the sync has stored (now minus watermark)',
      unit: 's',
    });
    const drift: ObservableGauge = this.meter.createObservableGauge('jira_sync.completeness.drift', {
      description: 'What the newest completeness check found still differing from Jira',
    });
    const responses: ObservableCounter = this.meter.createObservableCounter('jira_sync.api.responses', {
      description: 'Jira API responses by endpoint and HTTP status (or failure label), since the backend started',
    });
    this.meter.addBatchObservableCallback(
      async (observer: BatchObservableResult) => {
        for (const client of sources.clients) {
          for (const [endpoint, entry] of Object.entries(client.counters().byEndpoint)) {
            for (const [status, count] of Object.entries(entry.statuses)) {
              observer.observe(responses, count, { 'jira.instance': client.instance, 'http.endpoint': endpoint, 'http.status': status });
            }
          }
        }
        try {
          for (const sync of sources.syncs) {
            const attributes = { 'sync.id': sync.id };
            const state = await sources.syncStore.getState(sync.id);
            if (state?.watermarkMs) observer.observe(lag, Math.max(0, (now() - state.watermarkMs) / 1000), attributes);
            const [check] = await sources.opsStore.listCompletenessChecks(sync.id, 1);
            if (check && check.outcome === 'succeeded') observeDrift(observer, drift, check, attributes);
          }
        } catch (e) {
          sources.logger.warn(`metrics: could not read sync state for lag and drift: ${(e as Error).message}`);
        }
      },
      [lag, drift, responses],
    );
  }
}

function observeDrift(observer: BatchObservableResult, drift: ObservableGauge, check: CompletenessCheckRecord, attributes: Record<string, string>) {
  observer.observe(drift, check.differing, { ...attributes, 'drift.kind': 'differing' });
  observer.observe(drift, check.missingInJira, { ...attributes, 'drift.kind': 'missing_in_jira' });
  observer.observe(drift, check.countMismatches, { ...attributes, 'drift.kind': 'count_mismatch' });
  observer.observe(drift, check.unrepairedDrift, { ...attributes, 'drift.kind': 'unrepaired' });
}
