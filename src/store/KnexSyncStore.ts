import type { Knex } from 'knex';
import {
  IDS_PER_STATEMENT,
  T,
  chunk,
  compareIds,
  deadLetterFromRow,
  idOf,
  isSqlite,
  issueRecordFromRow,
  jsonOrNull,
  msOf,
  parseJson,
  rowsPerStatement,
  runFromRow,
  stateFromRow,
} from './rows';
import { PAGE_STEPS, newPageWrite } from './pageSteps';
import { upsertState } from './stateRows';
import { connect, type StoreOptions } from './database';
import type {
  DeadLetterInput,
  DeadLetterKey,
  DeadLetterRecord,
  FieldRecord,
  FinishRunInput,
  RunProgressInput,
  IssueRecord,
  PageWriteInput,
  PageWriteResult,
  RemoveFromScopeInput,
  ReprojectionStore,
  RunCounters,
  RunRecord,
  SoftDeleteInput,
  StartRunInput,
  StoredIssueVersion,
  SyncStateRecord,
  SyncStateUpdate,
  SyncStore,
  WebhookEventInput,
} from './types';

const COUNTER_COLUMNS: Array<[keyof RunCounters, string]> = [
  ['issuesRead', 'issues_read'],
  ['issuesInserted', 'issues_inserted'],
  ['issuesUpdated', 'issues_updated'],
  ['issuesUnchanged', 'issues_unchanged'],
  ['issuesDeleted', 'issues_deleted'],
  ['issuesRestored', 'issues_restored'],
  ['historiesWritten', 'histories_written'],
  ['deadLetters', 'dead_letters'],
  ['apiCalls', 'api_calls'],
  ['apiRetries', 'api_retries'],
  ['apiBytes', 'api_bytes'],
  ['rateLimitWaitMs', 'rate_limit_wait_ms'],
];

/** Histories a store writes before it first refreshes PostgreSQL's statistics; then each time they double. */
export const ANALYZE_FIRST_AFTER_HISTORIES = 20_000;
const ANALYZED_TABLES = [T.issues, T.histories, T.items, T.links, T.scopes];

/** The write side over knex (SQLite or PostgreSQL), plus local re-projection. */
export class KnexSyncStore implements SyncStore, ReprojectionStore {
  private historiesWritten = 0;
  private nextAnalyzeAt = ANALYZE_FIRST_AFTER_HISTORIES;

  static async create(options: StoreOptions): Promise<KnexSyncStore> {
    return new KnexSyncStore(await connect(options.database));
  }

  private constructor(private readonly knex: Knex) {}

  /** One transaction per page, the steps of pageSteps.ts in order. */
  async writePage(input: PageWriteInput): Promise<PageWriteResult> {
    const foreign = input.versions.find(v => v.issue.instance !== input.instance);
    if (foreign) {
      throw new Error(`issue ${foreign.issue.issueKey} belongs to instance "${foreign.issue.instance}", not to the page's "${input.instance}"`);
    }
    const { result } = await this.knex.transaction(async tx => {
      const page = newPageWrite(tx, input);
      for (const step of PAGE_STEPS) await step(page);
      return page;
    });
    await this.analyzeAfterGrowth(result.historiesWritten);
    return result;
  }

  /**
   * A first full sync fills empty tables; until their statistics are refreshed PostgreSQL plans the
   * per-page lookups as if they were tiny and scans them whole (quadratic). Autovacuum may lag a bulk
   * load or be off, so the store analyzes as its histories double.
   */
  private async analyzeAfterGrowth(written: number) {
    if (!written || isSqlite(this.knex)) return;
    this.historiesWritten += written;
    if (this.historiesWritten < this.nextAnalyzeAt) return;
    this.nextAnalyzeAt = this.historiesWritten * 2;
    // Statistics only speed up reads: a database user without the right to analyze still syncs.
    await this.knex.raw(`ANALYZE ${ANALYZED_TABLES.join(', ')}`).catch(() => undefined);
  }

  async storedHistoryStates(instance: string, issueIds: string[]): Promise<Map<string, StoredIssueVersion>> {
    const out = new Map<string, StoredIssueVersion>();
    for (const ids of chunk([...new Set(issueIds)], IDS_PER_STATEMENT)) {
      const rows = await this.knex(T.issues)
        .select('issue_id', 'history_count', 'last_history_id', 'updated_ms', 'content_hash')
        .where({ instance })
        .whereIn('issue_id', ids);
      for (const row of rows) {
        out.set(idOf(row.issue_id), {
          historyCount: Number(row.history_count),
          ...(row.last_history_id !== null && row.last_history_id !== undefined ? { lastHistoryId: idOf(row.last_history_id) } : {}),
          updatedMs: msOf(row.updated_ms),
          contentHash: row.content_hash,
        });
      }
    }
    return out;
  }

  async getState(syncId: string): Promise<SyncStateRecord | undefined> {
    const row = await this.knex(T.state).where({ sync_id: syncId }).first();
    return row ? stateFromRow(row) : undefined;
  }

  async saveState(state: SyncStateUpdate, nowMs: number): Promise<void> {
    await upsertState(this.knex, state, nowMs);
  }

  async scopeIssueIds(syncId: string, instance: string): Promise<string[]> {
    const rows = await this.liveScope(syncId, instance).select('s.issue_id');
    return rows.map(r => idOf(r.issue_id));
  }

  async scopeIssueProjects(syncId: string, instance: string): Promise<Map<string, string>> {
    const rows = await this.liveScope(syncId, instance).select('s.issue_id', 'i.project_key');
    return new Map(rows.map(r => [idOf(r.issue_id), String(r.project_key)]));
  }

  /** The sync's scope rows joined to their issues that are not soft-deleted, in id order. */
  private liveScope(syncId: string, instance: string) {
    return this.knex(`${T.scopes} as s`)
      .join(`${T.issues} as i`, function on() {
        this.on('i.instance', 's.instance').andOn('i.issue_id', 's.issue_id');
      })
      .where({ 's.sync_id': syncId, 's.instance': instance })
      .whereNull('i.deleted_ms')
      .orderBy('s.issue_id');
  }

  async syncsSeeing(instance: string, issueId: string): Promise<string[]> {
    const rows = await this.knex(T.scopes).where({ instance, issue_id: issueId }).orderBy('sync_id').select('sync_id');
    return rows.map(row => String(row.sync_id));
  }

  async removeFromScope(input: RemoveFromScopeInput): Promise<{ deleted: number }> {
    const { syncId, instance, goneIds, reason, nowMs } = input;
    if (!goneIds.length) return { deleted: 0 };
    return this.knex.transaction(async tx => {
      let deleted = 0;
      for (const ids of chunk([...new Set(goneIds)].sort(compareIds), IDS_PER_STATEMENT)) {
        await tx(T.scopes).where({ sync_id: syncId, instance }).whereIn('issue_id', ids).del();
        if (input.deletedInJira) await tx(T.links).where({ instance }).whereIn('other_issue_id', ids).del();
        deleted += await tx(T.issues)
          .where({ instance })
          .whereIn('issue_id', ids)
          .whereNull('deleted_ms')
          .whereNotExists(
            tx(T.scopes)
              .select(tx.raw('1'))
              .whereRaw(`${T.scopes}.instance = ${T.issues}.instance`)
              .andWhereRaw(`${T.scopes}.issue_id = ${T.issues}.issue_id`),
          )
          .update({ deleted_ms: nowMs, deleted_reason: reason });
      }
      return { deleted };
    });
  }

  async softDeleteIssue(input: SoftDeleteInput): Promise<boolean> {
    const { instance, issueId, reason, nowMs } = input;
    return this.knex.transaction(async tx => {
      // Gone from Jira means no sync sees it any more; a later write restores both.
      await tx(T.scopes).where({ instance, issue_id: issueId }).del();
      // Jira drops the links of other issues to it without bumping their `updated`: no sync would ever see that.
      await tx(T.links).where({ instance, other_issue_id: issueId }).del();
      const changed = await tx(T.issues)
        .where({ instance, issue_id: issueId })
        .whereNull('deleted_ms')
        .update({ deleted_ms: nowMs, deleted_reason: reason });
      return changed > 0;
    });
  }

  async startRun(input: StartRunInput): Promise<string> {
    return this.knex.transaction(async tx => {
      let trigger = input.trigger;
      let triggeredBy: string | null = null;
      if (trigger === 'schedule') {
        const pending = await tx(T.triggerRequests).where({ sync_id: input.syncId }).orderBy('request_id').select('request_id', 'actor');
        // Only the rows this transaction deleted are its claim: a concurrent run deletes the others.
        const claimed = pending.length ? await tx(T.triggerRequests).whereIn('request_id', pending.map(r => r.request_id)).del() : 0;
        if (claimed > 0) {
          trigger = 'manual';
          triggeredBy = pending[0].actor;
        }
      }
      const [row] = await tx(T.runs)
        .insert({ sync_id: input.syncId, strategy: input.strategy, trigger, triggered_by: triggeredBy, started_ms: input.nowMs, outcome: 'running' })
        .returning('run_id');
      return idOf(typeof row === 'object' ? row.run_id : row);
    });
  }

  async addTriggerRequest(input: { syncId: string; actor: string; nowMs: number }): Promise<string> {
    const [row] = await this.knex(T.triggerRequests)
      .insert({ sync_id: input.syncId, actor: input.actor, requested_ms: input.nowMs })
      .returning('request_id');
    return idOf(typeof row === 'object' ? row.request_id : row);
  }

  async removeTriggerRequest(requestId: string): Promise<void> {
    await this.knex(T.triggerRequests).where({ request_id: requestId }).del();
  }

  async finishRun(input: FinishRunInput): Promise<void> {
    const update: Record<string, unknown> = {
      outcome: input.outcome,
      ended_ms: input.nowMs,
      error: input.error ?? null,
      details: jsonOrNull(input.details),
    };
    for (const [key, column] of COUNTER_COLUMNS) update[column] = input.counters[key] ?? 0;
    await this.knex(T.runs).where({ run_id: input.runId }).update(update);
  }

  async recordRunProgress(input: RunProgressInput): Promise<void> {
    await this.knex(T.runs)
      .where({ run_id: input.runId, outcome: 'running' })
      .update({ issues_read: input.issuesRead, issues_expected: input.issuesExpected, progress_ms: input.nowMs });
  }

  async listRuns(syncId: string, limit: number): Promise<RunRecord[]> {
    const rows = await this.knex(T.runs)
      .where({ sync_id: syncId })
      .orderBy([{ column: 'started_ms', order: 'desc' }, { column: 'run_id', order: 'desc' }])
      .limit(limit);
    return rows.map(runFromRow);
  }

  async addDeadLetter(input: DeadLetterInput): Promise<void> {
    await this.knex(T.deadLetters)
      .insert({
        sync_id: input.syncId,
        instance: input.instance,
        issue_id: input.issueId,
        issue_key: input.issueKey ?? null,
        error: input.error,
        payload: JSON.stringify(input.payload ?? null),
        attempts: 1,
        first_failed_ms: input.nowMs,
        last_failed_ms: input.nowMs,
        resolved_ms: null,
      })
      .onConflict(['sync_id', 'instance', 'issue_id'])
      .merge({
        issue_key: this.knex.raw(`coalesce(excluded.issue_key, ${T.deadLetters}.issue_key)`),
        error: this.knex.ref('excluded.error'),
        payload: this.knex.ref('excluded.payload'),
        attempts: this.knex.raw(`${T.deadLetters}.attempts + 1`),
        last_failed_ms: this.knex.ref('excluded.last_failed_ms'),
        resolved_ms: null,
      } as any);
  }

  async resolveDeadLetter(input: DeadLetterKey & { nowMs: number }): Promise<void> {
    await this.knex(T.deadLetters)
      .where({ sync_id: input.syncId, instance: input.instance, issue_id: input.issueId })
      .whereNull('resolved_ms')
      .update({ resolved_ms: input.nowMs });
  }

  async listDeadLetters(syncId: string, options?: { includeResolved?: boolean }): Promise<DeadLetterRecord[]> {
    const query = this.knex(T.deadLetters)
      .where({ sync_id: syncId })
      .orderBy([{ column: 'last_failed_ms', order: 'desc' }, { column: 'dead_letter_id', order: 'desc' }]);
    if (!options?.includeResolved) query.whereNull('resolved_ms');
    return (await query).map(deadLetterFromRow);
  }

  async getDeadLetter(syncId: string, issueId: string): Promise<Omit<DeadLetterRecord, 'payload'> | undefined> {
    const row = await this.knex(T.deadLetters)
      .select('dead_letter_id', 'sync_id', 'instance', 'issue_id', 'issue_key', 'error', 'attempts', 'first_failed_ms', 'last_failed_ms', 'resolved_ms')
      .where({ sync_id: syncId, issue_id: issueId })
      .whereNull('resolved_ms')
      .orderBy([{ column: 'last_failed_ms', order: 'desc' }, { column: 'dead_letter_id', order: 'desc' }])
      .first();
    if (!row) return undefined;
    const { payload: _payload, ...letter } = deadLetterFromRow(row);
    return letter;
  }

  async countDeadLetters(syncId: string): Promise<number> {
    const row = await this.knex(T.deadLetters).where({ sync_id: syncId }).whereNull('resolved_ms').count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }

  async saveFields(instance: string, fields: FieldRecord[], nowMs: number): Promise<void> {
    const byId = new Map(fields.map(f => [f.id, f]));
    const rows = [...byId.values()].map(f => ({
      instance,
      field_id: f.id,
      name: f.name,
      custom: !!f.custom,
      schema: jsonOrNull(f.schema),
      clause_names: JSON.stringify(f.clauseNames ?? []),
      fetched_ms: nowMs,
    }));
    await this.knex.transaction(async tx => {
      for (const batch of chunk(rows, rowsPerStatement(tx, 7))) {
        await tx(T.fields).insert(batch).onConflict(['instance', 'field_id']).merge(['name', 'custom', 'schema', 'clause_names', 'fetched_ms']);
      }
    });
  }

  async loadFields(instance: string): Promise<FieldRecord[]> {
    const rows = await this.knex(T.fields).where({ instance }).orderBy('field_id');
    return rows.map(row => ({
      id: row.field_id,
      name: row.name,
      custom: !!row.custom,
      ...(row.schema ? { schema: parseJson(row.schema, {}) } : {}),
      clauseNames: parseJson<string[]>(row.clause_names, []),
    }));
  }

  async recordWebhookEvent(input: WebhookEventInput): Promise<boolean> {
    // The primary key decides between racing replicas: exactly one insert returns a row.
    const inserted = await this.knex(T.webhookEvents)
      .insert({
        instance: input.instance,
        event_key: input.eventKey,
        webhook_event: input.webhookEvent,
        issue_id: input.issueId,
        event_ms: input.eventMs,
        received_ms: input.nowMs,
        outcome: input.outcome,
      })
      .onConflict(['instance', 'event_key'])
      .ignore()
      .returning('event_key');
    return inserted.length > 0;
  }

  async getIssueRecords(instance: string, issueIds: string[]): Promise<IssueRecord[]> {
    const out: IssueRecord[] = [];
    for (const ids of chunk([...new Set(issueIds)], IDS_PER_STATEMENT)) {
      const rows = await this.knex(T.issues).where({ instance }).whereIn('issue_id', ids).orderBy('issue_id');
      out.push(...rows.map(issueRecordFromRow));
    }
    return out;
  }

  async updateCustomFields(
    instance: string,
    updates: Array<{ issueId: string; customFields: Record<string, unknown>; contentHash: string }>,
  ): Promise<void> {
    await this.knex.transaction(async tx => {
      for (const update of [...updates].sort((a, b) => compareIds(a.issueId, b.issueId))) {
        await tx(T.issues)
          .where({ instance, issue_id: update.issueId })
          .update({ custom_fields: JSON.stringify(update.customFields), content_hash: update.contentHash });
      }
    });
  }
}
