/**
 * The steps of one page write, in order, each inside the page's one transaction. A new kind of
 * data an issue carries (comments, worklogs) is a new step here, not a longer method.
 */
import type { Knex } from 'knex';
import { IDS_PER_STATEMENT, T, chunk, compareIds, idOf, idOrNull, isSqlite, issueToRow, msOf } from './rows';
import { bulkWrite, valuesOf, type BulkTable } from './bulkWrite';
import { upsertState } from './stateRows';
import type { HistoryRecord, IssueRecord, IssueVersion, PageWriteResult, SyncStateUpdate } from './types';

/** The tables a page writes in bulk, columns in the order the steps give values. */
const HISTORIES: BulkTable = {
  table: T.histories,
  columns: [
    ['instance', 'text'], ['history_id', 'bigint'], ['issue_id', 'bigint'], ['author_account_id', 'text'],
    ['author_name', 'text'], ['created_ms', 'bigint'], ['created_raw', 'text'],
  ],
};

const ITEMS: BulkTable = {
  table: T.items,
  columns: [
    ['instance', 'text'], ['history_id', 'bigint'], ['item_index', 'integer'], ['issue_id', 'bigint'], ['field', 'text'],
    ['fieldtype', 'text'], ['field_id', 'text'], ['from_value', 'text'], ['from_string', 'text'], ['to_value', 'text'], ['to_string', 'text'],
  ],
};

const ISSUES: BulkTable = {
  table: T.issues,
  columns: [
    ['instance', 'text'], ['issue_id', 'bigint'], ['issue_key', 'text'], ['project_key', 'text'], ['project_id', 'bigint'],
    ['issue_type', 'text'], ['status', 'text'], ['status_category', 'text'], ['priority', 'text'], ['summary', 'text'],
    ['search_words', 'text'], ['assignee_account_id', 'text'], ['assignee_name', 'text'], ['reporter_account_id', 'text'],
    ['reporter_name', 'text'], ['labels', 'text'], ['components', 'text'], ['fix_versions', 'text'], ['parent_id', 'bigint'],
    ['parent_key', 'text'], ['created_ms', 'bigint'], ['updated_ms', 'bigint'], ['resolved_ms', 'bigint'], ['custom_fields', 'text'],
    ['raw_fields', 'text'], ['content_hash', 'text'], ['history_count', 'integer'], ['last_history_id', 'bigint'],
    ['deleted_ms', 'bigint'], ['deleted_reason', 'text'], ['first_synced_ms', 'bigint'], ['synced_ms', 'bigint'],
    ['issue_number', 'bigint'], ['priority_seq', 'integer'], ['status_order', 'text'],
  ],
};

const LINKS: BulkTable = {
  table: T.links,
  columns: [
    ['instance', 'text'], ['issue_id', 'bigint'], ['link_id', 'bigint'], ['link_type', 'text'], ['direction', 'text'],
    ['description', 'text'], ['other_issue_id', 'bigint'], ['other_issue_key', 'text'],
  ],
};

const SCOPES: BulkTable = {
  table: T.scopes,
  columns: [['sync_id', 'text'], ['instance', 'text'], ['issue_id', 'bigint'], ['seen_ms', 'bigint']],
};

/** What the store holds of an issue, as far as deciding a write needs it. */
interface StoredIssueState {
  issueKey: string;
  updatedMs: number;
  historyCount: number;
  lastHistoryId: string | null;
  contentHash: string;
  deleted: boolean;
}

/** One page on its way into the database: the input, and what each step leaves for the next. */
export interface PageWrite {
  readonly tx: Knex.Transaction;
  readonly syncId: string | null;
  readonly instance: string;
  readonly versions: IssueVersion[];
  readonly state?: SyncStateUpdate;
  readonly nowMs: number;
  /** Distinct issue ids of the page, in page order. */
  readonly issueIds: string[];
  readonly result: PageWriteResult;
  /** What was stored before the page, by issue id (decideVersions). */
  storedBefore: Map<string, StoredIssueState>;
  /** Per issue, the version the page writes: the last one that is neither stale nor unchanged (decideVersions). */
  toWrite: Map<string, IssueVersion>;
  /** Soft-deleted issues that come back unchanged (decideVersions). */
  toRestore: Set<string>;
  /** History count and newest history id per issue once the page's histories are in (insertHistories). */
  historyTotals: Map<string, { count: number; lastId: string | null }>;
  /** Ids whose row this page wrote: a concurrent writer's newer row is not overtaken (upsertIssues). */
  won: Set<string>;
}

export type PageStep = (page: PageWrite) => Promise<void>;

export function newPageWrite(tx: Knex.Transaction, input: Pick<PageWrite, 'syncId' | 'instance' | 'versions' | 'state' | 'nowMs'>): PageWrite {
  return {
    tx,
    ...input,
    issueIds: [...new Set(input.versions.map(v => v.issue.issueId))],
    result: { inserted: 0, updated: 0, unchanged: 0, stale: 0, restored: 0, historiesWritten: 0 },
    storedBefore: new Map(),
    toWrite: new Map(),
    toRestore: new Set(),
    historyTotals: new Map(),
    won: new Set(),
  };
}

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

async function loadIssueStates(tx: Knex, instance: string, issueIds: string[]): Promise<Map<string, StoredIssueState>> {
  const out = new Map<string, StoredIssueState>();
  // Locked in id order (PostgreSQL): a concurrent writer of the same issues commits first, so the
  // decision, the counts and the moved-key step see its row, not the one before it.
  for (const ids of chunk([...issueIds].sort(compareIds), IDS_PER_STATEMENT)) {
    const query = tx(T.issues)
      .select('issue_id', 'issue_key', 'updated_ms', 'history_count', 'last_history_id', 'content_hash', 'deleted_ms')
      .where({ instance })
      .whereIn('issue_id', ids)
      .orderBy('issue_id');
    const rows = await (isSqlite(tx) ? query : query.forUpdate());
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

/** Decides every version against what is stored and what this page already applied. */
export const decideVersions: PageStep = async page => {
  const { result } = page;
  const stored = await loadIssueStates(page.tx, page.instance, page.issueIds);
  page.storedBefore = new Map(stored);
  for (const version of page.versions) {
    const id = version.issue.issueId;
    const current = stored.get(id);
    if (current && isOlder(version.issue, current)) {
      result.stale++;
      continue;
    }
    const unchanged = !!current && version.issue.contentHash === current.contentHash;
    if (!current) result.inserted++;
    else if (unchanged) result.unchanged++;
    else result.updated++;
    // Restored counts alongside updated/unchanged: a soft-deleted issue Jira still returns comes back.
    if (current?.deleted) {
      result.restored++;
      if (unchanged) page.toRestore.add(id);
    }
    if (!unchanged) page.toWrite.set(id, version);
    stored.set(id, {
      issueKey: version.issue.issueKey,
      updatedMs: version.issue.updatedMs,
      historyCount: Math.max(version.issue.historyCount, current?.historyCount ?? 0),
      lastHistoryId: version.issue.lastHistoryId ?? current?.lastHistoryId ?? null,
      contentHash: version.issue.contentHash,
      deleted: false,
    });
  }
};

/**
 * Inserts the histories (and their items) not stored yet, whatever the issue row's fate (a stale
 * version may still bring some: histories are append-only), then reads the resulting totals.
 */
export const insertHistories: PageStep = async page => {
  const { tx, instance } = page;
  const incoming = new Map<string, { issueId: string; history: HistoryRecord }>();
  for (const { issue, histories } of page.versions) {
    for (const history of histories) incoming.set(history.historyId, { issueId: issue.issueId, history });
  }
  if (incoming.size) {
    // Histories are written with their issue's row, so an issue without a row has none stored (a concurrent writer's are ignored on conflict).
    const mayExist = [...incoming.entries()].filter(([, h]) => page.storedBefore.has(h.issueId)).map(([historyId]) => historyId);
    const existing = new Set<string>();
    for (const ids of chunk(mayExist, IDS_PER_STATEMENT)) {
      const rows = await tx(T.histories).select('history_id').where({ instance }).whereIn('history_id', ids);
      for (const row of rows) existing.add(idOf(row.history_id));
    }
    const fresh = [...incoming.values()]
      .filter(h => !existing.has(h.history.historyId))
      .sort((a, b) => compareIds(a.history.historyId, b.history.historyId));
    const historyRows = fresh.map(({ issueId, history }) => [
      instance, history.historyId, issueId, history.authorAccountId, history.authorName, history.createdMs, history.createdRaw,
    ]);
    const itemRows = fresh.flatMap(({ issueId, history }) =>
      history.items.map((item, index) => [
        instance, history.historyId, index, issueId, item.field, item.fieldtype, item.fieldId,
        item.fromValue, item.fromString, item.toValue, item.toString,
      ]),
    );
    // Ignore on conflict: another replica may have stored the same history since the lookup.
    await bulkWrite(tx, HISTORIES, historyRows, { key: ['instance', 'history_id'], ignore: true });
    await bulkWrite(tx, ITEMS, itemRows, { key: ['instance', 'history_id', 'item_index'], ignore: true });
    page.result.historiesWritten = fresh.length;
  }
  for (const ids of chunk(page.issueIds, IDS_PER_STATEMENT)) {
    const rows: Array<Record<string, unknown>> = await tx(T.histories)
      .select('issue_id')
      .count({ count: '*' })
      .max({ last_id: 'history_id' })
      .where({ instance })
      .whereIn('issue_id', ids)
      .groupBy('issue_id');
    for (const row of rows) page.historyTotals.set(idOf(row.issue_id), { count: Number(row.count), lastId: idOrNull(row.last_id) });
  }
};

/** Issue columns an update rewrites: identity and `first_synced_ms` stay. */
const ISSUE_MERGE_COLUMNS = [
  'issue_key', 'project_key', 'project_id', 'issue_type', 'status', 'status_category', 'priority',
  'summary', 'search_words', 'assignee_account_id', 'assignee_name', 'reporter_account_id', 'reporter_name', 'labels',
  'components', 'fix_versions', 'parent_id', 'parent_key', 'created_ms', 'updated_ms', 'resolved_ms',
  'custom_fields', 'raw_fields', 'content_hash', 'history_count', 'last_history_id', 'deleted_ms',
  'deleted_reason', 'synced_ms', 'issue_number', 'priority_seq', 'status_order',
];

/** Upserts the rows to write and records which ones won (the rest lost to a newer concurrent row). */
export const upsertIssues: PageStep = async page => {
  const { tx, nowMs } = page;
  const rows = [...page.toWrite.values()]
    .sort((a, b) => compareIds(a.issue.issueId, b.issue.issueId))
    .map(version => {
      const totals = page.historyTotals.get(version.issue.issueId);
      return valuesOf(ISSUES, {
        ...issueToRow(version.issue),
        history_count: totals?.count ?? 0,
        last_history_id: totals?.lastId ?? null,
        deleted_ms: null,
        deleted_reason: null,
        first_synced_ms: nowMs,
        synced_ms: nowMs,
      });
    });
  // The guard keeps a concurrent writer (another replica, a webhook) from being overtaken by an older version.
  const written = await bulkWrite(
    tx,
    ISSUES,
    rows,
    { key: ['instance', 'issue_id'], merge: ISSUE_MERGE_COLUMNS, where: '$table.updated_ms <= excluded.updated_ms' },
    'issue_id',
  );
  for (const id of written) page.won.add(idOf(id));
};

/** Rows not rewritten (unchanged, stale) may still have gained histories: keeps their totals true. */
export const keepHistoryTotals: PageStep = async page => {
  const { tx, instance } = page;
  for (const id of page.issueIds) {
    const before = page.storedBefore.get(id);
    if (!before || page.won.has(id)) continue;
    const total = page.historyTotals.get(id) ?? { count: 0, lastId: null };
    if (before.historyCount === total.count && before.lastHistoryId === total.lastId) continue;
    await tx(T.issues).where({ instance, issue_id: id }).update({ history_count: total.count, last_history_id: total.lastId });
  }
};

/** Soft-deleted issues that came back unchanged are live again. */
export const restoreUnchanged: PageStep = async page => {
  for (const ids of chunk([...page.toRestore], IDS_PER_STATEMENT)) {
    await page.tx(T.issues).where({ instance: page.instance }).whereIn('issue_id', ids).update({ deleted_ms: null, deleted_reason: null });
  }
};

/**
 * A moved issue's new key reaches the rows that point at it (links, parents): Jira does not
 * bump those issues' `updated`, so no sync would ever rewrite them.
 */
export const followMovedKeys: PageStep = async page => {
  const { tx, instance } = page;
  for (const id of page.won) {
    const before = page.storedBefore.get(id);
    const issue = page.toWrite.get(id)!.issue;
    if (!before || before.issueKey === issue.issueKey) continue;
    await tx(T.links).where({ instance, other_issue_id: issue.issueId }).update({ other_issue_key: issue.issueKey });
    await tx(T.issues).where({ instance, parent_id: issue.issueId }).update({ parent_key: issue.issueKey });
  }
};

/** The links of every row written are replaced by the version's. */
export const replaceLinks: PageStep = async page => {
  const { tx, instance } = page;
  const versions = [...page.won].sort(compareIds).map(id => page.toWrite.get(id)!);
  if (!versions.length) return;
  for (const ids of chunk(versions.map(v => v.issue.issueId), IDS_PER_STATEMENT)) {
    await tx(T.links).where({ instance }).whereIn('issue_id', ids).del();
  }
  const linkRows = versions.flatMap(({ issue, links }) => {
    const byId = new Map(links.map(link => [link.linkId, link]));
    return [...byId.values()].map(link => [
      instance, issue.issueId, link.linkId, link.linkType, link.direction, link.description, link.otherIssueId, link.otherIssueKey,
    ]);
  });
  await bulkWrite(tx, LINKS, linkRows);
};

/** Every version read by the sync, stale ones included, proves the sync still sees the issue. */
export const claimScopes: PageStep = async page => {
  const { tx, syncId, instance, nowMs } = page;
  if (syncId === null || !page.issueIds.length) return;
  const scopeRows = [...page.issueIds].sort(compareIds).map(issueId => [syncId, instance, issueId, nowMs]);
  await bulkWrite(tx, SCOPES, scopeRows, { key: ['sync_id', 'instance', 'issue_id'], merge: ['seen_ms'] });
};

/** The sync's checkpoint, committed with the data it covers. */
export const commitCheckpoint: PageStep = async page => {
  if (page.state) await upsertState(page.tx, page.state, page.nowMs);
};

/** The steps of a page write, in order. */
export const PAGE_STEPS: readonly PageStep[] = [
  decideVersions,
  insertHistories,
  upsertIssues,
  keepHistoryTotals,
  restoreUnchanged,
  followMovedKeys,
  replaceLinks,
  claimScopes,
  commitCheckpoint,
];
