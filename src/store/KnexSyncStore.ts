import type { Knex } from 'knex';
import {
  IDS_PER_STATEMENT,
  T,
  chunk,
  compareIds,
  deadLetterFromRow,
  idOf,
  idOrNull,
  isSqlite,
  issueRecordFromRow,
  issueToRow,
  jsonOrNull,
  msOf,
  parseJson,
  rowsPerStatement,
  runFromRow,
  stateFromRow,
} from './rows';
import type {
  DeadLetterRecord,
  FieldRecord,
  HistoryRecord,
  IssueRecord,
  IssueVersion,
  OAuthTokenStore,
  PageWriteResult,
  ReprojectionStore,
  RunCounters,
  RunOutcome,
  RunRecord,
  SyncStateRecord,
  SyncStore,
} from './types';

/** What the store holds of an issue, as far as deciding a write needs it. */
interface StoredIssueState {
  issueKey: string;
  updatedMs: number;
  historyCount: number;
  lastHistoryId: string | null;
  contentHash: string;
  deleted: boolean;
}

type Decision = 'insert' | 'update' | 'unchanged' | 'stale';

/**
 * Newer wins: a later `updated` always applies; at the same `updated`, a version that knows fewer
 * histories than are stored is older. A version whose last history id is unknown (the client
 * fetched only new histories and there were none) is not older on that account.
 */
function isOlder(version: IssueRecord, stored: StoredIssueState): boolean {
  if (version.updatedMs !== stored.updatedMs) return version.updatedMs < stored.updatedMs;
  if (version.lastHistoryId !== null && stored.lastHistoryId !== null && compareIds(version.lastHistoryId, stored.lastHistoryId) < 0) {
    return true;
  }
  return version.historyCount < stored.historyCount;
}

const STATE_COLUMNS: Array<[keyof SyncStateRecord, string, (v: any) => unknown]> = [
  ['watermarkMs', 'watermark_ms', v => v],
  ['resumePoint', 'resume_point', jsonOrNull],
  ['lastFullMs', 'last_full_ms', v => v],
  ['lastReconcileMs', 'last_reconcile_ms', v => v],
  ['specHash', 'spec_hash', v => v],
  ['fieldsHash', 'fields_hash', v => v],
  ['fetchedFields', 'fetched_fields', jsonOrNull],
  ['scopeJql', 'scope_jql', v => v],
];

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

/** Issue columns an update rewrites: identity and `first_synced_ms` stay. */
const ISSUE_MERGE_COLUMNS = [
  'issue_key', 'project_key', 'project_id', 'issue_type', 'status', 'status_category', 'priority',
  'summary', 'assignee_account_id', 'assignee_name', 'reporter_account_id', 'reporter_name', 'labels',
  'components', 'fix_versions', 'parent_id', 'parent_key', 'created_ms', 'updated_ms', 'resolved_ms',
  'custom_fields', 'raw_fields', 'content_hash', 'history_count', 'last_history_id', 'deleted_ms',
  'deleted_reason', 'synced_ms',
];

/** Histories a store writes before it first refreshes PostgreSQL's statistics; then each time they double. */
export const ANALYZE_FIRST_AFTER_HISTORIES = 20_000;
const ANALYZED_TABLES = [T.issues, T.histories, T.items, T.links, T.scopes];

export class KnexSyncStore implements SyncStore, ReprojectionStore, OAuthTokenStore {
  private historiesWritten = 0;
  private nextAnalyzeAt = ANALYZE_FIRST_AFTER_HISTORIES;

  constructor(private readonly knex: Knex) {}

  async writePage(input: {
    syncId: string | null;
    instance: string;
    versions: IssueVersion[];
    state?: Partial<SyncStateRecord> & { syncId: string; instance: string };
    nowMs: number;
  }): Promise<PageWriteResult> {
    const { syncId, instance, versions, state, nowMs } = input;
    const foreign = versions.find(v => v.issue.instance !== instance);
    if (foreign) {
      throw new Error(`issue ${foreign.issue.issueKey} belongs to instance "${foreign.issue.instance}", not to the page's "${instance}"`);
    }
    const written = await this.knex.transaction(async tx => {
      const result: PageWriteResult = { inserted: 0, updated: 0, unchanged: 0, stale: 0, restored: 0, historiesWritten: 0 };
      const issueIds = [...new Set(versions.map(v => v.issue.issueId))];
      const stored = await this.loadIssueStates(tx, instance, issueIds);
      const storedBefore = new Map(stored);

      // Decide every version against what is stored (and what this page already applied).
      const toWrite = new Map<string, { version: IssueVersion }>();
      const toRestore = new Set<string>();
      for (const version of versions) {
        const id = version.issue.issueId;
        const current = stored.get(id);
        let decision: Decision;
        if (!current) decision = 'insert';
        else if (isOlder(version.issue, current)) decision = 'stale';
        else if (version.issue.contentHash === current.contentHash) decision = 'unchanged';
        else decision = 'update';

        if (decision === 'stale') {
          result.stale++;
          continue;
        }
        if (decision === 'insert') result.inserted++;
        else if (decision === 'update') result.updated++;
        else result.unchanged++;
        // Restored counts alongside updated/unchanged: a soft-deleted issue Jira still returns comes back.
        if (current?.deleted) {
          result.restored++;
          if (decision === 'unchanged') toRestore.add(id);
        }
        // The last applied version of an issue in the page is the one written.
        if (decision !== 'unchanged') toWrite.set(id, { version });
        stored.set(id, {
          issueKey: version.issue.issueKey,
          updatedMs: version.issue.updatedMs,
          historyCount: Math.max(version.issue.historyCount, current?.historyCount ?? 0),
          lastHistoryId: version.issue.lastHistoryId ?? current?.lastHistoryId ?? null,
          contentHash: version.issue.contentHash,
          deleted: false,
        });
      }

      // Histories are append-only, whatever the issue row's fate: a stale version may still bring some.
      result.historiesWritten = await this.insertHistories(tx, instance, versions, new Set(storedBefore.keys()));
      const historyTotals = await this.loadHistoryTotals(tx, instance, issueIds);

      const rows = [...toWrite.values()]
        .sort((a, b) => compareIds(a.version.issue.issueId, b.version.issue.issueId))
        .map(({ version }) => {
          const totals = historyTotals.get(version.issue.issueId);
          return {
            ...issueToRow(version.issue),
            history_count: totals?.count ?? 0,
            last_history_id: totals?.lastId ?? null,
            deleted_ms: null,
            deleted_reason: null,
            first_synced_ms: nowMs,
            synced_ms: nowMs,
          };
        });
      for (const batch of chunk(rows, rowsPerStatement(tx, 31))) {
        // The guard keeps a concurrent writer (another replica, a webhook) from being overtaken by an older version.
        await tx(T.issues)
          .insert(batch)
          .onConflict(['instance', 'issue_id'])
          .merge(ISSUE_MERGE_COLUMNS)
          .where(`${T.issues}.updated_ms`, '<=', tx.ref('excluded.updated_ms'));
      }

      // Rows not rewritten (unchanged, stale) may still have gained histories: keep their totals true.
      for (const id of issueIds) {
        const before = storedBefore.get(id);
        if (!before || toWrite.has(id)) continue;
        const total = historyTotals.get(id) ?? { count: 0, lastId: null };
        if (before.historyCount === total.count && before.lastHistoryId === total.lastId) continue;
        await tx(T.issues).where({ instance, issue_id: id }).update({ history_count: total.count, last_history_id: total.lastId });
      }

      for (const ids of chunk([...toRestore], IDS_PER_STATEMENT)) {
        await tx(T.issues)
          .where({ instance })
          .whereIn('issue_id', ids)
          .update({ deleted_ms: null, deleted_reason: null });
      }

      await this.propagateMovedKeys(tx, instance, [...toWrite.values()].map(w => w.version.issue).filter(issue => {
        const before = storedBefore.get(issue.issueId);
        return before !== undefined && before.issueKey !== issue.issueKey;
      }));
      await this.replaceLinks(tx, instance, rows.length ? [...toWrite.values()].map(w => w.version).sort((a, b) => compareIds(a.issue.issueId, b.issue.issueId)) : []);

      // Every version read by the sync, stale ones included, proves the sync still sees the issue.
      if (syncId !== null && issueIds.length) {
        const scopeRows = [...issueIds].sort(compareIds).map(issue_id => ({ sync_id: syncId, instance, issue_id, seen_ms: nowMs }));
        for (const batch of chunk(scopeRows, rowsPerStatement(tx, 4))) {
          await tx(T.scopes).insert(batch).onConflict(['sync_id', 'instance', 'issue_id']).merge(['seen_ms']);
        }
      }

      if (state) await this.upsertState(tx, state, nowMs);
      return result;
    });
    await this.analyzeAfterGrowth(written.historiesWritten);
    return written;
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

  private async loadIssueStates(tx: Knex, instance: string, issueIds: string[]): Promise<Map<string, StoredIssueState>> {
    const out = new Map<string, StoredIssueState>();
    for (const ids of chunk(issueIds, IDS_PER_STATEMENT)) {
      const rows = await tx(T.issues)
        .select('issue_id', 'issue_key', 'updated_ms', 'history_count', 'last_history_id', 'content_hash', 'deleted_ms')
        .where({ instance })
        .whereIn('issue_id', ids);
      for (const row of rows) {
        out.set(idOf(row.issue_id), {
          issueKey: row.issue_key,
          updatedMs: msOf(row.updated_ms),
          historyCount: Number(row.history_count),
          lastHistoryId: idOrNull(row.last_history_id),
          contentHash: row.content_hash,
          deleted: row.deleted_ms !== null && row.deleted_ms !== undefined,
        });
      }
    }
    return out;
  }

  /** Inserts the histories (and their items) not stored yet; returns how many were new. */
  private async insertHistories(tx: Knex, instance: string, versions: IssueVersion[], storedIssueIds: Set<string>): Promise<number> {
    const incoming = new Map<string, { issueId: string; history: HistoryRecord }>();
    for (const { issue, histories } of versions) {
      for (const history of histories) incoming.set(history.historyId, { issueId: issue.issueId, history });
    }
    if (!incoming.size) return 0;
    // Histories are written with their issue's row, so an issue without a row has none stored (a concurrent writer's are ignored on conflict).
    const mayExist = [...incoming.entries()].filter(([, h]) => storedIssueIds.has(h.issueId)).map(([historyId]) => historyId);
    const existing = new Set<string>();
    for (const ids of chunk(mayExist, IDS_PER_STATEMENT)) {
      const rows = await tx(T.histories).select('history_id').where({ instance }).whereIn('history_id', ids);
      for (const row of rows) existing.add(idOf(row.history_id));
    }
    const fresh = [...incoming.values()]
      .filter(h => !existing.has(h.history.historyId))
      .sort((a, b) => compareIds(a.history.historyId, b.history.historyId));
    const historyRows = fresh.map(({ issueId, history }) => ({
      instance,
      history_id: history.historyId,
      issue_id: issueId,
      author_account_id: history.authorAccountId,
      author_name: history.authorName,
      created_ms: history.createdMs,
      created_raw: history.createdRaw,
    }));
    const itemRows = fresh.flatMap(({ issueId, history }) =>
      history.items.map((item, index) => ({
        instance,
        history_id: history.historyId,
        item_index: index,
        issue_id: issueId,
        field: item.field,
        fieldtype: item.fieldtype,
        field_id: item.fieldId,
        from_value: item.fromValue,
        from_string: item.fromString,
        to_value: item.toValue,
        to_string: item.toString,
      })),
    );
    // Ignore on conflict: another replica may have stored the same history since the lookup.
    for (const batch of chunk(historyRows, rowsPerStatement(tx, 7))) {
      await tx(T.histories).insert(batch).onConflict(['instance', 'history_id']).ignore();
    }
    for (const batch of chunk(itemRows, rowsPerStatement(tx, 11))) {
      await tx(T.items).insert(batch).onConflict(['instance', 'history_id', 'item_index']).ignore();
    }
    return fresh.length;
  }

  private async loadHistoryTotals(tx: Knex, instance: string, issueIds: string[]) {
    const out = new Map<string, { count: number; lastId: string | null }>();
    for (const ids of chunk(issueIds, IDS_PER_STATEMENT)) {
      const rows: Array<Record<string, unknown>> = await tx(T.histories)
        .select('issue_id')
        .count({ count: '*' })
        .max({ last_id: 'history_id' })
        .where({ instance })
        .whereIn('issue_id', ids)
        .groupBy('issue_id');
      for (const row of rows) out.set(idOf(row.issue_id), { count: Number(row.count), lastId: idOrNull(row.last_id) });
    }
    return out;
  }

  /**
   * A moved issue's new key reaches the rows that point at it (links, parents): Jira does not
   * bump those issues' `updated`, so no sync would ever rewrite them.
   */
  private async propagateMovedKeys(tx: Knex, instance: string, moved: IssueRecord[]) {
    for (const issue of moved) {
      await tx(T.links).where({ instance, other_issue_id: issue.issueId }).update({ other_issue_key: issue.issueKey });
      await tx(T.issues).where({ instance, parent_id: issue.issueId }).update({ parent_key: issue.issueKey });
    }
  }

  private async replaceLinks(tx: Knex, instance: string, versions: IssueVersion[]) {
    if (!versions.length) return;
    for (const ids of chunk(versions.map(v => v.issue.issueId), IDS_PER_STATEMENT)) {
      await tx(T.links).where({ instance }).whereIn('issue_id', ids).del();
    }
    const linkRows = versions.flatMap(({ issue, links }) => {
      const byId = new Map(links.map(link => [link.linkId, link]));
      return [...byId.values()].map(link => ({
        instance,
        issue_id: issue.issueId,
        link_id: link.linkId,
        link_type: link.linkType,
        direction: link.direction,
        description: link.description,
        other_issue_id: link.otherIssueId,
        other_issue_key: link.otherIssueKey,
      }));
    });
    for (const batch of chunk(linkRows, rowsPerStatement(tx, 8))) {
      await tx(T.links).insert(batch);
    }
  }

  private async upsertState(db: Knex, state: Partial<SyncStateRecord> & { syncId: string; instance: string }, nowMs: number) {
    const row: Record<string, unknown> = { sync_id: state.syncId, instance: state.instance, updated_ms: nowMs };
    for (const [key, column, encode] of STATE_COLUMNS) {
      if (state[key] !== undefined) row[column] = encode(state[key]);
    }
    // Only the given fields change: a partial state never clears the others.
    await db(T.state).insert(row).onConflict('sync_id').merge(Object.keys(row).filter(c => c !== 'sync_id'));
  }

  async storedHistoryStates(instance: string, issueIds: string[]) {
    const out = new Map<string, { historyCount: number; lastHistoryId?: string; updatedMs: number; contentHash: string }>();
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

  async saveState(state: Partial<SyncStateRecord> & { syncId: string; instance: string }, nowMs: number): Promise<void> {
    await this.upsertState(this.knex, state, nowMs);
  }

  async scopeIssueIds(syncId: string, instance: string): Promise<string[]> {
    const rows = await this.knex(`${T.scopes} as s`)
      .join(`${T.issues} as i`, function on() {
        this.on('i.instance', 's.instance').andOn('i.issue_id', 's.issue_id');
      })
      .where({ 's.sync_id': syncId, 's.instance': instance })
      .whereNull('i.deleted_ms')
      .orderBy('s.issue_id')
      .select('s.issue_id');
    return rows.map(r => idOf(r.issue_id));
  }

  async removeFromScope(input: { syncId: string; instance: string; goneIds: string[]; reason: string; nowMs: number; deletedInJira?: boolean }): Promise<{ deleted: number }> {
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

  async softDeleteIssue(input: { instance: string; issueId: string; reason: string; nowMs: number }): Promise<boolean> {
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

  async startRun(input: { syncId: string; strategy: string; trigger: string; nowMs: number }): Promise<string> {
    const [row] = await this.knex(T.runs)
      .insert({ sync_id: input.syncId, strategy: input.strategy, trigger: input.trigger, started_ms: input.nowMs, outcome: 'running' })
      .returning('run_id');
    return idOf(typeof row === 'object' ? row.run_id : row);
  }

  async finishRun(input: { runId: string; outcome: RunOutcome; counters: RunCounters; error?: string; details?: unknown; nowMs: number }): Promise<void> {
    const update: Record<string, unknown> = {
      outcome: input.outcome,
      ended_ms: input.nowMs,
      error: input.error ?? null,
      details: jsonOrNull(input.details),
    };
    for (const [key, column] of COUNTER_COLUMNS) update[column] = input.counters[key] ?? 0;
    await this.knex(T.runs).where({ run_id: input.runId }).update(update);
  }

  async listRuns(syncId: string, limit: number): Promise<RunRecord[]> {
    const rows = await this.knex(T.runs)
      .where({ sync_id: syncId })
      .orderBy([{ column: 'started_ms', order: 'desc' }, { column: 'run_id', order: 'desc' }])
      .limit(limit);
    return rows.map(runFromRow);
  }

  async addDeadLetter(input: { syncId: string; instance: string; issueId: string; issueKey?: string; error: string; payload: unknown; nowMs: number }): Promise<void> {
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

  async resolveDeadLetter(input: { syncId: string; instance: string; issueId: string; nowMs: number }): Promise<void> {
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

  async countDeadLetters(syncId: string): Promise<number> {
    const row = await this.knex(T.deadLetters).where({ sync_id: syncId }).whereNull('resolved_ms').count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }

  async saveFields(
    instance: string,
    fields: Array<{ id: string; name: string; custom: boolean; schema?: unknown; clauseNames?: string[] }>,
    nowMs: number,
  ): Promise<void> {
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

  async recordWebhookEvent(input: {
    instance: string;
    eventKey: string;
    webhookEvent: string;
    issueId: string | null;
    eventMs: number | null;
    outcome: string;
    nowMs: number;
  }): Promise<boolean> {
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

  async loadRefreshToken(instance: string): Promise<string | undefined> {
    const row = await this.knex(T.oauthTokens).where({ instance }).first();
    return row?.refresh_token ?? undefined;
  }

  async saveRefreshToken(instance: string, refreshToken: string, nowMs: number): Promise<void> {
    await this.knex(T.oauthTokens)
      .insert({ instance, refresh_token: refreshToken, updated_ms: nowMs })
      .onConflict('instance')
      .merge(['refresh_token', 'updated_ms']);
  }
}

/** The write side over knex (SQLite or PostgreSQL), plus re-projection and OAuth token storage. */
export function createKnexSyncStore(knex: Knex): SyncStore & ReprojectionStore & OAuthTokenStore {
  return new KnexSyncStore(knex);
}
