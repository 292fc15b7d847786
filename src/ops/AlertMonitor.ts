import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SyncDefinition } from '../spec/types';
import type { JiraInstanceConfig } from '../config/types';
import { JiraCredentialsError } from '../jira/errors';
import type { AlertSubject, OpsStore, SyncStore } from '../store/types';
import type { RunSummary } from '../sync/SyncEngine';
import { STALE_AFTER_INTERVALS, scheduleIntervalMs } from '../health';
import {
  INSTANCE_ALERT_KINDS,
  SYNC_ALERT_KINDS,
  WEBHOOK_ALERT_KINDS,
  syncAlertConditions,
  tokenExpiryCondition,
  webhookMappingCondition,
  type AlertCondition,
  type AlertKind,
} from './alertConditions';
import type { AlertNotifier } from './AlertNotifier';
import type { AlertsSettings } from '../config/readOpsConfig';
import type { OpsMetrics } from './OpsMetrics';
import type { TokenExpiryReader } from './tokenExpiry';

/** Runs read per evaluation: the failure streak, the last success and the slow-run baseline. */
const RECENT_RUNS = 20;

export interface AlertMonitorOptions {
  opsStore: OpsStore;
  syncStore: Pick<SyncStore, 'listRuns' | 'getState'>;
  notifier: AlertNotifier;
  settings: AlertsSettings;
  syncs: SyncDefinition[];
  instances: JiraInstanceConfig[];
  tokenExpiry: TokenExpiryReader;
  logger: LoggerService;
  metrics?: OpsMetrics;
  now?: () => number;
}

/**
 * Turns conditions into incidents and incidents into notices: one notice when an incident opens,
 * one when it resolves, never one per run. Incident state lives in the database and every
 * transition is a conditional write, so any replica may evaluate and none sends twice.
 */
export class AlertMonitor {
  constructor(private readonly options: AlertMonitorOptions) {}

  private now() {
    return this.options.now ? this.options.now() : Date.now();
  }

  /** The engine's hook: evaluates the sync right after each run, the only place a credentials error is seen as such. */
  async onRunFinished(sync: SyncDefinition, summary: RunSummary, error: unknown): Promise<void> {
    const logger = this.options.logger.child({ syncId: sync.id, runId: summary.runId });
    const credentialsError = error instanceof JiraCredentialsError ? error.message : undefined;
    await this.evaluateSync(sync, { logger, credentialsError });
  }

  /** Every sync and every instance: staleness and token expiry need no run to happen. */
  async evaluateAll(): Promise<void> {
    for (const sync of this.options.syncs) {
      try {
        await this.evaluateSync(sync);
      } catch (e) {
        this.options.logger.child({ syncId: sync.id }).error(`alert evaluation failed: ${(e as Error).message}`);
      }
    }
    for (const instance of this.options.instances) {
      try {
        await this.evaluateInstance(instance.name);
      } catch (e) {
        this.options.logger.child({ jiraInstance: instance.name }).error(`alert evaluation failed: ${(e as Error).message}`);
      }
    }
  }

  async evaluateSync(sync: SyncDefinition, context: { logger?: LoggerService; credentialsError?: string } = {}): Promise<AlertCondition[]> {
    const { opsStore, syncStore, settings } = this.options;
    const subject: AlertSubject = { subjectType: 'sync', subjectId: sync.id };
    const [runs, state, open, [latestCheck]] = await Promise.all([
      syncStore.listRuns(sync.id, RECENT_RUNS),
      syncStore.getState(sync.id),
      opsStore.listIncidents(subject, { openOnly: true }),
      opsStore.listCompletenessChecks(sync.id, 1),
    ]);
    const logger = context.logger ?? this.options.logger.child({ syncId: sync.id, ...(runs[0] && { runId: runs[0].runId }) });
    const newestFinished = runs.find(run => run.outcome !== 'running');
    const openCredentials = open.find(incident => incident.kind === 'credentials-rejected');
    // Rejected credentials stay an incident until a run succeeds; other failures in between do not clear it.
    const credentialsRejected =
      context.credentialsError ?? (openCredentials && newestFinished?.outcome !== 'succeeded' ? newestFinished?.error ?? openCredentials.message : null);
    const intervalMs = scheduleIntervalMs(sync.schedule);
    const conditions = syncAlertConditions({
      syncId: sync.id,
      nowMs: this.now(),
      runs,
      state,
      staleAfterMs: settings.staleAfterMs ?? (intervalMs === null ? null : STALE_AFTER_INTERVALS * intervalMs),
      failuresInARow: settings.failuresInARow,
      slowRun: settings.slowRun,
      credentialsRejected,
      latestCheck: latestCheck?.outcome === 'running' ? undefined : latestCheck,
    });
    await this.apply(subject, SYNC_ALERT_KINDS, conditions, sync.projects, logger);
    return conditions;
  }

  async evaluateInstance(instance: string): Promise<AlertCondition[]> {
    const logger = this.options.logger.child({ jiraInstance: instance });
    const expiry = await this.options.tokenExpiry(instance);
    const condition = expiry
      ? tokenExpiryCondition({
          instance,
          expiresAtMs: expiry.expiresAtMs,
          nowMs: this.now(),
          warnBeforeMs: this.options.settings.tokenExpiry.warnBeforeMs,
          tokenName: expiry.tokenName,
        })
      : undefined;
    // Unknown expiry (API not readable this time) leaves an open incident alone rather than "resolving" it.
    if (!expiry) return [];
    const conditions = condition ? [condition] : [];
    await this.apply({ subjectType: 'instance', subjectId: instance }, INSTANCE_ALERT_KINDS, conditions, this.projectsOf(instance), logger);
    return conditions;
  }

  /** The webhook processor's report for an instance: why its mappings do not resolve, or null once they do. */
  async webhookMappings(instance: string, problem: string | null): Promise<void> {
    const logger = this.options.logger.child({ jiraInstance: instance });
    const conditions = problem === null ? [] : [webhookMappingCondition(instance, problem)];
    await this.apply({ subjectType: 'instance', subjectId: instance }, WEBHOOK_ALERT_KINDS, conditions, this.projectsOf(instance), logger);
  }

  private projectsOf(instance: string) {
    return [...new Set(this.options.syncs.filter(s => s.instance === instance).flatMap(s => s.projects))];
  }

  private async apply(
    subject: AlertSubject,
    kinds: readonly AlertKind[],
    conditions: AlertCondition[],
    projects: string[],
    logger: LoggerService,
  ) {
    const { opsStore, notifier, metrics } = this.options;
    const scope = (kind: string) => `jira-sync:${subject.subjectType}:${subject.subjectId}:${kind}`;
    for (const kind of kinds) {
      const condition = conditions.find(c => c.kind === kind);
      const key = { ...subject, kind };
      if (condition) {
        const nowMs = this.now();
        if (await opsStore.openIncident({ ...key, message: condition.title, nowMs })) {
          logger.warn(`alert opened [${kind}]: ${condition.title}: ${condition.description}`);
          metrics?.recordAlert(kind, 'opened');
        }
        if (!notifier.configured) continue;
        // Claimed before sending: of two replicas only one wins; a failed send is given back for a later retry.
        if (await opsStore.claimIncidentNotice({ ...key, nowMs })) {
          const outcome = await notifier.send({ scope: scope(kind), projects, ...condition }, logger);
          if (outcome === 'sent') metrics?.recordAlert(kind, 'notice-sent');
          else await opsStore.releaseIncidentNotice({ ...key, claimedMs: nowMs });
        }
      } else {
        const resolved = await opsStore.resolveIncident({ ...key, nowMs: this.now() });
        if (!resolved) continue;
        logger.info(`alert resolved [${kind}]: ${resolved.message}`);
        metrics?.recordAlert(kind, 'resolved');
        // A recovery only follows a notice that went out.
        if (resolved.noticeSentMs === null) continue;
        const outcome = await notifier.send(
          {
            scope: scope(kind),
            projects,
            title: `Resolved: ${resolved.message}`,
            description: `Open since ${new Date(resolved.openedMs).toISOString()}; resolved at ${new Date(resolved.resolvedMs!).toISOString()}.`,
            severity: 'low',
          },
          logger,
        );
        if (outcome === 'sent') {
          await opsStore.markRecoverySent({ ...key, nowMs: this.now() });
          metrics?.recordAlert(kind, 'recovery-sent');
        }
      }
    }
  }
}
