import type { Knex } from 'knex';
import { issueNumber, prioritySeq, statusOrder } from './issueSort';
import { searchDocument } from './searchText';
import type {
  DeadLetterRecord,
  HistoryItemRecord,
  HistoryRecord,
  IssueListItem,
  IssueRecord,
  LinkRecord,
  RunRecord,
  SyncStateRecord,
} from './types';

/** Table names of the data model (migrations/20261125000000_init.js). */
export const T = {
  issues: 'jira_sync_issues',
  /** SQLite only: the FTS5 index of `jira_sync_issues.search_words` (migrations/20261202030000_issue_text_search.js). */
  issueSearch: 'jira_sync_issue_search',
  scopes: 'jira_sync_issue_scopes',
  histories: 'jira_sync_histories',
  items: 'jira_sync_history_items',
  links: 'jira_sync_issue_links',
  state: 'jira_sync_sync_state',
  runs: 'jira_sync_runs',
  deadLetters: 'jira_sync_dead_letters',
  fields: 'jira_sync_fields',
  webhookEvents: 'jira_sync_webhook_events',
  oauthTokens: 'jira_sync_oauth_tokens',
  /** Pending manual triggers (migrations/20261203080000_manual_trigger_requests.js). */
  triggerRequests: 'jira_sync_trigger_requests',
} as const;

type Row = Record<string, any>;

export const isSqlite = (knex: Knex) => /sqlite/i.test(String(knex.client.config.client));

/**
 * Rows per statement: SQLite turns a multi-row insert into a compound SELECT (at most 500 terms)
 * and allows 32766 variables; PostgreSQL allows 65535 parameters.
 */
export function rowsPerStatement(knex: Knex, columns: number): number {
  return isSqlite(knex) ? Math.min(500, Math.floor(30_000 / columns)) : Math.floor(60_000 / columns);
}

/** Ids per `where in (...)` list. */
export const IDS_PER_STATEMENT = 500;

export { chunk } from '../lib/chunk';

/** pg returns bigint as string, better-sqlite3 as number: ids leave the store as decimal strings. */
export const idOf = (value: unknown): string => String(value);
export const idOrNull = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
export const msOf = (value: unknown): number => Number(value);
export const msOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

export function parseJson<T>(text: unknown, fallback: T): T {
  if (text === null || text === undefined || text === '') return fallback;
  return JSON.parse(String(text)) as T;
}

export const jsonOrNull = (value: unknown): string | null =>
  value === null || value === undefined ? null : JSON.stringify(value);

/** Compares decimal id strings numerically (ids may exceed 2^53 in principle). */
export { compareIds } from '../lib/ids';

export function issueToRow(issue: IssueRecord): Row {
  return {
    instance: issue.instance,
    issue_id: issue.issueId,
    issue_key: issue.issueKey,
    project_key: issue.projectKey,
    project_id: issue.projectId,
    issue_type: issue.issueType,
    status: issue.status,
    status_category: issue.statusCategory,
    priority: issue.priority,
    summary: issue.summary,
    search_words: searchDocument(issue.summary),
    assignee_account_id: issue.assigneeAccountId,
    assignee_name: issue.assigneeName,
    reporter_account_id: issue.reporterAccountId,
    reporter_name: issue.reporterName,
    labels: JSON.stringify(issue.labels ?? []),
    components: JSON.stringify(issue.components ?? []),
    fix_versions: JSON.stringify(issue.fixVersions ?? []),
    parent_id: issue.parentId,
    parent_key: issue.parentKey,
    created_ms: issue.createdMs,
    updated_ms: issue.updatedMs,
    resolved_ms: issue.resolvedMs,
    custom_fields: JSON.stringify(issue.customFields ?? {}),
    raw_fields: JSON.stringify(issue.rawFields ?? {}),
    content_hash: issue.contentHash,
    history_count: issue.historyCount,
    last_history_id: issue.lastHistoryId,
    issue_number: issueNumber(issue.issueKey),
    priority_seq: prioritySeq((issue.rawFields as Record<string, unknown> | null)?.priority),
    status_order: statusOrder(issue.statusCategory, issue.status),
  };
}

/** Columns of an issue list item: everything but the raw fields, plus the sort keys a cursor holds. */
export const ISSUE_LIST_COLUMNS = [
  'instance', 'issue_id', 'issue_key', 'project_key', 'project_id', 'issue_type', 'status',
  'status_category', 'priority', 'summary', 'assignee_account_id', 'assignee_name',
  'reporter_account_id', 'reporter_name', 'labels', 'components', 'fix_versions', 'parent_id',
  'parent_key', 'created_ms', 'updated_ms', 'resolved_ms', 'custom_fields', 'content_hash',
  'history_count', 'last_history_id', 'deleted_ms', 'deleted_reason', 'first_synced_ms', 'synced_ms',
  'issue_number', 'priority_seq', 'status_order',
].map(c => `${T.issues}.${c}`);

export function issueListItemFromRow(row: Row): IssueListItem {
  return {
    instance: row.instance,
    issueId: idOf(row.issue_id),
    issueKey: row.issue_key,
    projectKey: row.project_key,
    projectId: idOrNull(row.project_id),
    issueType: row.issue_type ?? null,
    status: row.status ?? null,
    statusCategory: row.status_category ?? null,
    priority: row.priority ?? null,
    summary: row.summary ?? null,
    assigneeAccountId: row.assignee_account_id ?? null,
    assigneeName: row.assignee_name ?? null,
    reporterAccountId: row.reporter_account_id ?? null,
    reporterName: row.reporter_name ?? null,
    labels: parseJson(row.labels, []),
    components: parseJson(row.components, []),
    fixVersions: parseJson(row.fix_versions, []),
    parentId: idOrNull(row.parent_id),
    parentKey: row.parent_key ?? null,
    createdMs: msOf(row.created_ms),
    updatedMs: msOf(row.updated_ms),
    resolvedMs: msOrNull(row.resolved_ms),
    customFields: parseJson(row.custom_fields, {}),
    contentHash: row.content_hash,
    historyCount: Number(row.history_count),
    lastHistoryId: idOrNull(row.last_history_id),
    deletedMs: msOrNull(row.deleted_ms),
    deletedReason: row.deleted_reason ?? null,
    firstSyncedMs: msOf(row.first_synced_ms),
    syncedMs: msOf(row.synced_ms),
  };
}

export function issueRecordFromRow(row: Row): IssueRecord {
  const { deletedMs: _d, deletedReason: _r, firstSyncedMs: _f, syncedMs: _s, ...record } = issueListItemFromRow(row);
  return { ...record, rawFields: parseJson(row.raw_fields, {}) };
}

export function itemFromRow(row: Row): HistoryItemRecord {
  return {
    field: row.field,
    fieldtype: row.fieldtype ?? null,
    fieldId: row.field_id ?? null,
    fromValue: row.from_value ?? null,
    fromString: row.from_string ?? null,
    toValue: row.to_value ?? null,
    toString: row.to_string ?? null,
  };
}

/** A history row with its items (already mapped, in item order). */
export function historyFromRow(row: Row, items: HistoryItemRecord[]): HistoryRecord {
  return {
    historyId: idOf(row.history_id),
    authorAccountId: row.author_account_id ?? null,
    authorName: row.author_name ?? null,
    createdMs: msOf(row.created_ms),
    createdRaw: row.created_raw,
    items,
  };
}

export function linkFromRow(row: Row): LinkRecord {
  return {
    linkId: idOf(row.link_id),
    linkType: row.link_type,
    direction: row.direction,
    description: row.description ?? null,
    otherIssueId: idOf(row.other_issue_id),
    otherIssueKey: row.other_issue_key ?? null,
  };
}

export function stateFromRow(row: Row): SyncStateRecord {
  return {
    syncId: row.sync_id,
    instance: row.instance,
    watermarkMs: msOrNull(row.watermark_ms),
    resumePoint: parseJson(row.resume_point, null),
    lastFullMs: msOrNull(row.last_full_ms),
    lastReconcileMs: msOrNull(row.last_reconcile_ms),
    specHash: row.spec_hash ?? null,
    fieldsHash: row.fields_hash ?? null,
    fetchedFields: parseJson<string[] | null>(row.fetched_fields, null),
    scopeJql: row.scope_jql ?? null,
    lastSweepJiraStartMs: msOrNull(row.last_sweep_jira_start_ms),
  };
}

export function runFromRow(row: Row): RunRecord {
  return {
    runId: idOf(row.run_id),
    syncId: row.sync_id,
    strategy: row.strategy,
    trigger: row.trigger,
    triggeredBy: row.triggered_by ?? null,
    startedMs: msOf(row.started_ms),
    endedMs: msOrNull(row.ended_ms),
    outcome: row.outcome,
    error: row.error ?? null,
    details: parseJson(row.details, null),
    issuesExpected: row.issues_expected === null || row.issues_expected === undefined ? null : Number(row.issues_expected),
    progressMs: msOrNull(row.progress_ms),
    issuesRead: Number(row.issues_read),
    issuesInserted: Number(row.issues_inserted),
    issuesUpdated: Number(row.issues_updated),
    issuesUnchanged: Number(row.issues_unchanged),
    issuesDeleted: Number(row.issues_deleted),
    issuesRestored: Number(row.issues_restored),
    historiesWritten: Number(row.histories_written),
    deadLetters: Number(row.dead_letters),
    apiCalls: Number(row.api_calls),
    apiRetries: Number(row.api_retries),
    apiBytes: Number(row.api_bytes),
    rateLimitWaitMs: Number(row.rate_limit_wait_ms),
  };
}

export function deadLetterFromRow(row: Row): DeadLetterRecord {
  return {
    deadLetterId: idOf(row.dead_letter_id),
    syncId: row.sync_id,
    instance: row.instance,
    issueId: idOf(row.issue_id),
    issueKey: row.issue_key ?? null,
    error: row.error,
    payload: parseJson(row.payload, null),
    attempts: Number(row.attempts),
    firstFailedMs: msOf(row.first_failed_ms),
    lastFailedMs: msOf(row.last_failed_ms),
    resolvedMs: msOrNull(row.resolved_ms),
  };
}
