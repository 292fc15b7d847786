import type { CompletenessCheckRecord, RunRecord, SyncStateRecord } from '../store/types';
import type { DeletionGuardReport } from '../sync/SyncEngine';
import type { SlowRunPolicy } from '../config/readOpsConfig';
import { driftText, durationText, slowRunFinding } from '../health';

/** Every alert the plugin raises. One incident per (subject, kind) at a time. */
export const SYNC_ALERT_KINDS = [
  'credentials-rejected',
  'consecutive-failures',
  'stale',
  'slow-run',
  'deletion-guard',
  'drift',
] as const;
export const INSTANCE_ALERT_KINDS = ['token-expiry'] as const;
/** Raised and cleared by webhook deliveries as they are processed, not by the periodic evaluation. */
export const WEBHOOK_ALERT_KINDS = ['webhook-mapping'] as const;
export type AlertKind =
  | (typeof SYNC_ALERT_KINDS)[number]
  | (typeof INSTANCE_ALERT_KINDS)[number]
  | (typeof WEBHOOK_ALERT_KINDS)[number];

export type AlertSeverity = 'critical' | 'high' | 'normal' | 'low';

export interface AlertCondition {
  kind: AlertKind;
  title: string;
  description: string;
  severity: AlertSeverity;
}

export interface SyncAlertInput {
  syncId: string;
  nowMs: number;
  /** Newest first. */
  runs: RunRecord[];
  state: SyncStateRecord | undefined;
  /** Null: no staleness alert (cron or manual schedule without jiraSync.alerts.staleAfter). */
  staleAfterMs: number | null;
  failuresInARow: number;
  slowRun: SlowRunPolicy;
  /** Jira rejected the credentials and no run has succeeded since; the message of that failure. */
  credentialsRejected: string | null;
  latestCheck: CompletenessCheckRecord | undefined;
}

const MAX_ERROR_CHARS = 300;
const brief = (text: string | null) => {
  if (!text) return 'no error recorded';
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
};
const iso = (ms: number) => new Date(ms).toISOString();

/** The alert conditions that hold for one sync right now (a pure function of its records). */
export function syncAlertConditions(input: SyncAlertInput): AlertCondition[] {
  const { syncId, nowMs, runs } = input;
  const name = `Jira sync "${syncId}"`;
  const conditions: AlertCondition[] = [];
  const finished = runs.filter(run => run.outcome !== 'running');

  if (input.credentialsRejected !== null) {
    conditions.push({
      kind: 'credentials-rejected',
      title: `${name}: Jira rejected the credentials`,
      description: `${brief(input.credentialsRejected)}. Nothing syncs until the token in app-config (or its file) is replaced.`,
      severity: 'critical',
    });
  }

  const streak = finished.findIndex(run => run.outcome === 'succeeded');
  const failures = streak === -1 ? finished.length : streak;
  if (failures >= input.failuresInARow) {
    conditions.push({
      kind: 'consecutive-failures',
      title: `${name} failed ${input.failuresInARow} or more runs in a row`,
      description: `The last ${failures} runs failed; the newest at ${iso(finished[0].endedMs ?? finished[0].startedMs)}: ${brief(finished[0].error)}`,
      severity: 'high',
    });
  }

  const lastSuccess = streak === -1 ? undefined : finished[streak];
  if (lastSuccess && input.staleAfterMs !== null) {
    const successMs = lastSuccess.endedMs ?? lastSuccess.startedMs;
    if (nowMs - successMs > input.staleAfterMs) {
      conditions.push({
        kind: 'stale',
        title: `${name} is stale`,
        description: `No successful run for ${durationText(nowMs - successMs)} (last at ${iso(successMs)}); alerts treat more than ${durationText(input.staleAfterMs)} as stale.`,
        severity: 'high',
      });
    }
  }

  const slow = slowRunFinding(runs, input.slowRun);
  if (slow) {
    conditions.push({
      kind: 'slow-run',
      title: `${name} ran much slower than usual`,
      description: `The run started at ${iso(slow.startedMs)} took ${durationText(slow.durationMs)}, more than ${slow.factor}× the median of recent successful runs (${durationText(slow.medianMs)}).`,
      severity: 'normal',
    });
  }

  const guard = latestReconciliationGuard(runs, input.state);
  if (guard) {
    const share = `${Math.round(guard.maxDeleteShare * 100)}%`;
    const held = (guard.projects ?? []).filter(p => p.held);
    const wholeSync = !guard.projects || held.length === guard.projects.length;
    const where = held.length ? ` (${held.map(p => `${p.project}: ${p.missing} of ${p.stored}`).join(', ')})` : '';
    conditions.push({
      kind: 'deletion-guard',
      title: `${name}: the deletion guard held back ${guard.missing} of ${guard.stored} issues${wholeSync ? '' : ` in ${held.map(p => p.project).join(', ')}`}`,
      description: `${
        wholeSync
          ? `Jira no longer returned more than ${share} of the sync's issues at once${where}, which looks like lost access rather than deletion; nothing was deleted.`
          : `Jira no longer returned more than ${share} of ${held.length === 1 ? 'a project' : 'some projects'} of the sync at once${where}, which looks like lost access ` +
            'or an archived project rather than deletion; nothing of those projects was deleted, the other projects were reconciled.'
      } Check the sync account's project permissions; a run that reconciles cleanly resolves this.`,
      severity: 'high',
    });
  }

  const check = input.latestCheck;
  if (check && check.outcome === 'succeeded' && check.unrepairedDrift > 0) {
    conditions.push({
      kind: 'drift',
      title: `${name} differs from Jira`,
      description: `${driftText({ ...check, checkedMs: check.endedMs ?? check.startedMs })}. Run with jiraSync.completeness.repair or trigger a full sync to repair.`,
      severity: 'normal',
    });
  }
  return conditions;
}

/**
 * The deletion-guard report of the newest run that reconciled (the run whose time span holds the
 * state's last reconciliation), so the incident lasts until a reconciliation passes cleanly.
 */
function latestReconciliationGuard(runs: RunRecord[], state: SyncStateRecord | undefined) {
  const reconciledMs = state?.lastReconcileMs;
  if (!reconciledMs) return undefined;
  const reconciling = runs.find(run => run.endedMs !== null && run.startedMs <= reconciledMs && reconciledMs <= run.endedMs);
  const guard = (reconciling?.details as { deletionGuard?: DeletionGuardReport } | null)?.deletionGuard;
  return guard ?? undefined;
}

export function tokenExpiryCondition(input: {
  instance: string;
  expiresAtMs: number;
  nowMs: number;
  warnBeforeMs: number;
  tokenName?: string;
}): AlertCondition | undefined {
  const left = input.expiresAtMs - input.nowMs;
  if (left > input.warnBeforeMs) return undefined;
  const token = input.tokenName ? `"${input.tokenName}" ` : '';
  return {
    kind: 'token-expiry',
    title: `The Jira access token ${token}of instance ${input.instance} ${left > 0 ? `expires in ${durationText(left)}` : 'has expired'}`,
    description: `The personal access token expires at ${iso(input.expiresAtMs)}. Create a new one in Jira and put it in app-config (or the token file) before then, or every sync of ${input.instance} stops.`,
    severity: left > 0 ? 'high' : 'critical',
  };
}

/** A webhook delivery whose syncs' custom-field mappings do not resolve against Jira's fields. */
export function webhookMappingCondition(instance: string, problem: string): AlertCondition {
  return {
    kind: 'webhook-mapping',
    title: `Webhook deliveries of instance ${instance} cannot be applied: a custom-field mapping does not resolve`,
    description:
      `${brief(problem)}. Deliveries are recorded as mapping-unresolved and answered so Jira does not retry them; ` +
      'fix the mapping in the sync spec (or the field in Jira): the scheduled runs then catch up on what was missed.',
    severity: 'high',
  };
}
