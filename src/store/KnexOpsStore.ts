import type { Knex } from 'knex';
import { connect, type StoreOptions } from './database';
import { T, idOf, jsonOrNull, msOf, msOrNull, parseJson } from './rows';
import type {
  AlertIncidentRecord,
  AlertSubject,
  CompletenessCheckRecord,
  CompletenessCheckResult,
  IncidentKey,
  OpsStore,
} from './types';

/** Tables of migrations/20261125030000_alert_incidents_and_completeness_checks.js. */
const OPS = {
  incidents: 'jira_sync_alert_incidents',
  checks: 'jira_sync_completeness_checks',
} as const;

type Row = Record<string, any>;

const keyOf = (input: IncidentKey) => ({
  subject_type: input.subjectType,
  subject_id: input.subjectId,
  kind: input.kind,
});

function incidentFromRow(row: Row): AlertIncidentRecord {
  return {
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    kind: row.kind,
    openedMs: msOf(row.opened_ms),
    message: row.message,
    noticeSentMs: msOrNull(row.notice_sent_ms),
    resolvedMs: msOrNull(row.resolved_ms),
    recoverySentMs: msOrNull(row.recovery_sent_ms),
    occurrences: Number(row.occurrences),
  };
}

function checkFromRow(row: Row): CompletenessCheckRecord {
  return {
    checkId: idOf(row.check_id),
    syncId: row.sync_id,
    startedMs: msOf(row.started_ms),
    endedMs: msOrNull(row.ended_ms),
    outcome: row.outcome,
    sampled: Number(row.sampled),
    compared: Number(row.compared),
    differing: Number(row.differing),
    missingInJira: Number(row.missing_in_jira),
    countMismatches: Number(row.count_mismatches),
    repaired: Number(row.repaired),
    unrepairedDrift: Number(row.unrepaired_drift),
    counts: parseJson(row.counts, []),
    differences: parseJson(row.differences, []),
    ...(row.error ? { error: row.error } : {}),
  };
}

/** Differences kept per check: enough to act on, small enough for a row. */
const MAX_STORED_DIFFERENCES = 100;

export class KnexOpsStore implements OpsStore {
  static async create(options: StoreOptions): Promise<KnexOpsStore> {
    return new KnexOpsStore(await connect(options.database));
  }

  private constructor(private readonly knex: Knex) {}

  async openIncident(input: IncidentKey & { message: string; nowMs: number }): Promise<boolean> {
    // The primary key is the dedupe: of two replicas inserting at once, one row wins.
    const inserted = await this.knex(OPS.incidents)
      .insert({ ...keyOf(input), opened_ms: input.nowMs, message: input.message, occurrences: 1 })
      .onConflict(['subject_type', 'subject_id', 'kind'])
      .ignore()
      .returning('kind');
    if (inserted.length) return true;
    const reopened = await this.knex(OPS.incidents)
      .where(keyOf(input))
      .whereNotNull('resolved_ms')
      .update({
        opened_ms: input.nowMs,
        message: input.message,
        notice_sent_ms: null,
        resolved_ms: null,
        recovery_sent_ms: null,
        occurrences: this.knex.raw('occurrences + 1'),
      });
    return reopened === 1;
  }

  async claimIncidentNotice(input: IncidentKey & { nowMs: number }): Promise<boolean> {
    const claimed = await this.knex(OPS.incidents)
      .where(keyOf(input))
      .whereNull('resolved_ms')
      .whereNull('notice_sent_ms')
      .update({ notice_sent_ms: input.nowMs });
    return claimed === 1;
  }

  async releaseIncidentNotice(input: IncidentKey & { claimedMs: number }): Promise<void> {
    await this.knex(OPS.incidents).where({ ...keyOf(input), notice_sent_ms: input.claimedMs }).update({ notice_sent_ms: null });
  }

  async resolveIncident(input: IncidentKey & { nowMs: number }): Promise<AlertIncidentRecord | undefined> {
    const resolved = await this.knex(OPS.incidents).where(keyOf(input)).whereNull('resolved_ms').update({ resolved_ms: input.nowMs });
    if (resolved !== 1) return undefined;
    const row = await this.knex(OPS.incidents).where(keyOf(input)).first();
    return row ? incidentFromRow(row) : undefined;
  }

  async markRecoverySent(input: IncidentKey & { nowMs: number }): Promise<void> {
    await this.knex(OPS.incidents).where(keyOf(input)).whereNull('recovery_sent_ms').update({ recovery_sent_ms: input.nowMs });
  }

  async listIncidents(subject?: AlertSubject, options: { openOnly?: boolean } = {}): Promise<AlertIncidentRecord[]> {
    const query = this.knex(OPS.incidents).orderBy([{ column: 'subject_type' }, { column: 'subject_id' }, { column: 'kind' }]);
    if (subject) query.where({ subject_type: subject.subjectType, subject_id: subject.subjectId });
    if (options.openOnly) query.whereNull('resolved_ms');
    return (await query).map(incidentFromRow);
  }

  async startCompletenessCheck(input: { syncId: string; nowMs: number }): Promise<string> {
    const [row] = await this.knex(OPS.checks)
      .insert({ sync_id: input.syncId, started_ms: input.nowMs, outcome: 'running' })
      .returning('check_id');
    return idOf(typeof row === 'object' ? row.check_id : row);
  }

  async finishCompletenessCheck(input: { checkId: string; result: CompletenessCheckResult; nowMs: number }): Promise<void> {
    const r = input.result;
    await this.knex(OPS.checks)
      .where({ check_id: input.checkId })
      .update({
        ended_ms: input.nowMs,
        outcome: r.outcome,
        sampled: r.sampled,
        compared: r.compared,
        differing: r.differing,
        missing_in_jira: r.missingInJira,
        count_mismatches: r.countMismatches,
        repaired: r.repaired,
        unrepaired_drift: r.unrepairedDrift,
        counts: jsonOrNull(r.counts),
        differences: jsonOrNull(r.differences.slice(0, MAX_STORED_DIFFERENCES)),
        error: r.error ?? null,
      });
  }

  async listCompletenessChecks(syncId: string, limit: number): Promise<CompletenessCheckRecord[]> {
    const rows = await this.knex(OPS.checks)
      .where({ sync_id: syncId })
      .orderBy([{ column: 'started_ms', order: 'desc' }, { column: 'check_id', order: 'desc' }])
      .limit(limit);
    return rows.map(checkFromRow);
  }

  async countScopeIssuesByProject(input: { syncId: string; instance: string; createdBeforeMs: number }): Promise<Map<string, number>> {
    const rows = await this.knex(`${T.scopes} as s`)
      .join(`${T.issues} as i`, join => join.on('i.instance', 's.instance').andOn('i.issue_id', 's.issue_id'))
      .where({ 's.sync_id': input.syncId, 's.instance': input.instance })
      .whereNull('i.deleted_ms')
      .where('i.created_ms', '<', input.createdBeforeMs)
      .groupBy('i.project_key')
      .select('i.project_key as project', this.knex.raw('count(*) as n'));
    return new Map(rows.map((row: Row) => [String(row.project), Number(row.n)]));
  }
}

