import type { AuthService, LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { JiraInstanceConfig } from '../config/types';
import type { JiraClient } from '../jira/types';
import type { SyncDefinition } from '../spec/types';
import { KnexIssueSnapshotReader } from '../store/KnexIssueSnapshotReader';
import { KnexOpsStore } from '../store/KnexOpsStore';
import type { StoreOptions } from '../store/database';
import type { SyncStore } from '../store/types';
import type { RunSummary } from '../sync/SyncEngine';
import { AlertMonitor } from './AlertMonitor';
import { AlertNotifier } from './AlertNotifier';
import { CompletenessCheck } from './CompletenessCheck';
import type { OpsSettings } from '../config/readOpsConfig';
import { createHealthFactsReader } from '../health';
import { OpsMetrics } from './OpsMetrics';
import { scheduleOps } from './scheduleOps';
import { createTokenExpiryReader } from './tokenExpiry';

export { AlertMonitor } from './AlertMonitor';
export { AlertNotifier } from './AlertNotifier';
export { CompletenessCheck, type CompletenessReport } from './CompletenessCheck';
export { OpsMetrics } from './OpsMetrics';
export { syncAlertConditions, tokenExpiryCondition, SYNC_ALERT_KINDS, INSTANCE_ALERT_KINDS, WEBHOOK_ALERT_KINDS, type AlertKind } from './alertConditions';
export { scheduleOps, completenessTaskId, ALERTS_TASK_ID } from './scheduleOps';
export { createTokenExpiryReader, type TokenExpiryReader } from './tokenExpiry';

/** Alerts, completeness checks, health facts and metrics, assembled for plugin.ts. */
export async function createJiraSyncOps(options: {
  database: StoreOptions['database'];
  settings: OpsSettings;
  syncs: SyncDefinition[];
  instances: JiraInstanceConfig[];
  syncStore: SyncStore;
  clientFor(instance: string): JiraClient;
  notifications: NotificationService;
  catalog: Pick<CatalogService, 'getEntities'>;
  auth: Pick<AuthService, 'getOwnServiceCredentials'>;
  logger: LoggerService;
}) {
  const { database, settings, syncs, instances, syncStore, clientFor, logger } = options;
  const opsStore = await KnexOpsStore.create({ database });
  const metrics = new OpsMetrics();
  const notifier = new AlertNotifier({
    notifications: options.notifications,
    recipients: settings.alerts.recipients,
    catalog: options.catalog,
    auth: options.auth,
    logger,
  });
  const monitor = new AlertMonitor({
    opsStore,
    syncStore,
    notifier,
    settings: settings.alerts,
    syncs,
    instances,
    tokenExpiry: createTokenExpiryReader({ instances, configured: settings.alerts.tokenExpiry.expiresAtMs, logger }),
    logger,
    metrics,
  });
  const check = new CompletenessCheck({
    syncStore,
    opsStore,
    reader: await KnexIssueSnapshotReader.create({ database }),
    clientFor,
    logger,
    sampleSize: settings.completeness.sampleSize,
    repair: settings.completeness.repair,
    metrics,
  });
  metrics.observe({ syncs, syncStore, opsStore, clients: instances.map(i => clientFor(i.name)), logger });
  const syncsById = new Map(syncs.map(sync => [sync.id, sync]));

  return {
    opsStore,
    monitor,
    check,
    healthFacts: createHealthFactsReader({ opsStore, syncStore, settings: settings.alerts }),
    /** The engine's `onRunFinished` hook. */
    async onRunFinished(summary: RunSummary, error: unknown) {
      const sync = syncsById.get(summary.syncId);
      if (sync) await monitor.onRunFinished(sync, summary, error);
    },
    /** The webhook processor's `onMappingProblem` hook. */
    onWebhookMappings: (instance: string, problem: string | null) => monitor.webhookMappings(instance, problem),
    schedule: (scheduler: SchedulerService) => scheduleOps({ scheduler, syncs, settings, check, monitor, logger }),
  };
}
