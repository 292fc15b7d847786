/** Rows as the store reads and writes them; times are epoch milliseconds, ids decimal strings. */

export interface HistoryItemRecord {
  field: string;
  fieldtype: string | null;
  fieldId: string | null;
  fromValue: string | null;
  fromString: string | null;
  toValue: string | null;
  toString: string | null;
}

export interface HistoryRecord {
  historyId: string;
  authorAccountId: string | null;
  authorName: string | null;
  createdMs: number;
  createdRaw: string;
  items: HistoryItemRecord[];
}

export interface LinkRecord {
  linkId: string;
  linkType: string;
  direction: 'inward' | 'outward';
  description: string | null;
  otherIssueId: string;
  otherIssueKey: string | null;
}

export interface IssueRecord {
  instance: string;
  issueId: string;
  issueKey: string;
  projectKey: string;
  projectId: string | null;
  issueType: string | null;
  status: string | null;
  statusCategory: 'new' | 'indeterminate' | 'done' | null;
  priority: string | null;
  summary: string | null;
  assigneeAccountId: string | null;
  assigneeName: string | null;
  reporterAccountId: string | null;
  reporterName: string | null;
  labels: string[];
  components: string[];
  fixVersions: string[];
  parentId: string | null;
  parentKey: string | null;
  createdMs: number;
  updatedMs: number;
  resolvedMs: number | null;
  customFields: Record<string, unknown>;
  rawFields: Record<string, unknown>;
  /** sha256 over everything above except sync bookkeeping: equal hash → nothing to write. */
  contentHash: string;
  historyCount: number;
  lastHistoryId: string | null;
}

/** One complete issue version to apply: the row, its histories (all, or only new ones), its links. */
export interface IssueVersion {
  issue: IssueRecord;
  /** Histories to add (append-only; existing ids are left alone). */
  histories: HistoryRecord[];
  links: LinkRecord[];
}

export interface SyncStateRecord {
  syncId: string;
  instance: string;
  watermarkMs: number | null;
  resumePoint: unknown | null;
  lastFullMs: number | null;
  lastReconcileMs: number | null;
  specHash: string | null;
  fieldsHash: string | null;
  /** Jira field ids the last complete sweep fetched. */
  fetchedFields?: string[] | null;
  /** Scope JQL of the last complete sweep: when it changes, the next run is a full one. */
  scopeJql?: string | null;
}

/** A change to a sync's state: only the given fields change. */
export type SyncStateUpdate = Partial<SyncStateRecord> & { syncId: string; instance: string };

/** A page to apply: its versions and, for a sweep, the checkpoint committed with them. */
export interface PageWriteInput {
  /** The sync that read the page; null = keep rows current without claiming them (no scope change). */
  syncId: string | null;
  instance: string;
  versions: IssueVersion[];
  state?: SyncStateUpdate;
  nowMs: number;
}

export interface PageWriteResult {
  inserted: number;
  updated: number;
  unchanged: number;
  /** Versions older than what is stored, ignored (monotonic writes). */
  stale: number;
  restored: number;
  historiesWritten: number;
}

export interface RunCounters {
  issuesRead: number;
  issuesInserted: number;
  issuesUpdated: number;
  issuesUnchanged: number;
  issuesDeleted: number;
  issuesRestored: number;
  historiesWritten: number;
  deadLetters: number;
  apiCalls: number;
  apiRetries: number;
  apiBytes: number;
  rateLimitWaitMs: number;
}

export type RunOutcome = 'running' | 'succeeded' | 'failed' | 'aborted';

export interface RunRecord extends RunCounters {
  runId: string;
  syncId: string;
  strategy: string;
  trigger: string;
  startedMs: number;
  endedMs: number | null;
  outcome: RunOutcome;
  error: string | null;
  details: unknown | null;
}

export interface DeadLetterRecord {
  deadLetterId: string;
  syncId: string;
  instance: string;
  issueId: string;
  issueKey: string | null;
  error: string;
  payload: unknown;
  attempts: number;
  firstFailedMs: number;
  lastFailedMs: number;
  resolvedMs: number | null;
}

/** The write side used by the engine and the webhook path: every method is idempotent. */
export interface SyncStore {
  /**
   * Applies a page in ONE transaction together with the sync's checkpoint: upserts keyed by
   * (instance, issue id), newer-wins (updated, then last history id), content-hash skip,
   * records that `syncId` sees these issues, restores soft-deleted ones.
   * `syncId` null = a webhook write (no scope change, no checkpoint).
   */
  writePage(input: PageWriteInput): Promise<PageWriteResult>;
  storedHistoryStates(instance: string, issueIds: string[]): Promise<Map<string, { historyCount: number; lastHistoryId?: string; updatedMs: number; contentHash: string }>>;
  getState(syncId: string): Promise<SyncStateRecord | undefined>;
  saveState(state: Partial<SyncStateRecord> & { syncId: string; instance: string }, nowMs: number): Promise<void>;
  /** Ids this sync has seen and that are not soft-deleted. */
  scopeIssueIds(syncId: string, instance: string): Promise<string[]>;
  /**
   * Removes `goneIds` from the sync's scope; those that no other sync sees are soft-deleted with
   * `reason`. One transaction. Returns how many were soft-deleted. With `deletedInJira`, links of
   * other issues to them go too: Jira drops those without bumping the other issues' `updated`.
   */
  removeFromScope(input: { syncId: string; instance: string; goneIds: string[]; reason: string; nowMs: number; deletedInJira?: boolean }): Promise<{ deleted: number }>;
  /** Soft-deletes one issue wherever it is, and other issues' links to it (webhook `jira:issue_deleted`). */
  softDeleteIssue(input: { instance: string; issueId: string; reason: string; nowMs: number }): Promise<boolean>;
  startRun(input: { syncId: string; strategy: string; trigger: string; nowMs: number }): Promise<string>;
  finishRun(input: { runId: string; outcome: RunOutcome; counters: RunCounters; error?: string; details?: unknown; nowMs: number }): Promise<void>;
  listRuns(syncId: string, limit: number): Promise<RunRecord[]>;
  addDeadLetter(input: { syncId: string; instance: string; issueId: string; issueKey?: string; error: string; payload: unknown; nowMs: number }): Promise<void>;
  resolveDeadLetter(input: { syncId: string; instance: string; issueId: string; nowMs: number }): Promise<void>;
  listDeadLetters(syncId: string, options?: { includeResolved?: boolean }): Promise<DeadLetterRecord[]>;
  /** Dead letters of a sync not yet resolved, without reading their payloads. */
  countDeadLetters(syncId: string): Promise<number>;
  saveFields(instance: string, fields: Array<{ id: string; name: string; custom: boolean; schema?: unknown; clauseNames?: string[] }>, nowMs: number): Promise<void>;
  /** Records a webhook delivery; false if this exact delivery was seen before. */
  recordWebhookEvent(input: { instance: string; eventKey: string; webhookEvent: string; issueId: string | null; eventMs: number | null; outcome: string; nowMs: number }): Promise<boolean>;
}

/** Stored field catalogue entry of an instance (Jira's `/field`), as saved by `saveFields`. */
export interface FieldRecord {
  id: string;
  name: string;
  custom: boolean;
  schema?: { type?: string; items?: string; system?: string; custom?: string; customId?: number };
  clauseNames?: string[];
}

/** Local re-projection of mapped custom fields from stored raw fields (no Jira calls). */
export interface ReprojectionStore {
  /** Full stored records (raw fields included) of the given ids; unknown ids are left out. */
  getIssueRecords(instance: string, issueIds: string[]): Promise<IssueRecord[]>;
  /** Replaces mapped custom fields and the content hash of stored issues, one transaction. */
  updateCustomFields(instance: string, updates: Array<{ issueId: string; customFields: Record<string, unknown>; contentHash: string }>): Promise<void>;
  loadFields(instance: string): Promise<FieldRecord[]>;
}

/** Rotated OAuth refresh tokens, persisted before use because Jira invalidates the previous one. */
export interface OAuthTokenStore {
  loadRefreshToken(instance: string): Promise<string | undefined>;
  saveRefreshToken(instance: string, refreshToken: string, nowMs: number): Promise<void>;
}

export type StatusCategory = 'new' | 'indeterminate' | 'done';

/** Which stored issues a read-side query covers; every given criterion must hold. */
export interface IssueFilter {
  instance?: string;
  projectKeys?: string[];
  keys?: string[];
  status?: string;
  /** One category, or several (e.g. "open" = new + indeterminate). */
  statusCategory?: StatusCategory | StatusCategory[];
  issueType?: string;
  assigneeAccountId?: string;
  /** Exact element of the issue's labels. */
  label?: string;
  /** Exact element of the issue's component names. */
  component?: string;
  /** A mapped custom field equals `value`, or holds it as an element when it is an array (compared as text). */
  customField?: { alias: string; value: string | number | boolean };
  updatedSinceMs?: number;
  /** Case-insensitive substring of the summary. */
  text?: string;
  includeDeleted?: boolean;
}

export type IssueSort = 'updated' | 'created' | 'key';

export interface IssuePageRequest {
  sort?: IssueSort;
  order?: 'asc' | 'desc';
  /** Default 50, capped at 500. */
  limit?: number;
  /** Opaque `nextCursor` of the previous page, valid only with the same filter, sort and order. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** Absent on the last page. */
  nextCursor?: string;
}

/** An issue as listed: everything but the raw Jira fields, plus sync bookkeeping. */
export interface IssueListItem extends Omit<IssueRecord, 'rawFields'> {
  deletedMs: number | null;
  deletedReason: string | null;
  firstSyncedMs: number;
  syncedMs: number;
}

export interface IssueDetailRecord extends IssueListItem {
  rawFields: Record<string, unknown>;
  links: LinkRecord[];
}

export interface StatusCategoryCounts {
  new: number;
  indeterminate: number;
  done: number;
  /** All matching issues, including those without a category. */
  total: number;
}

/** One changed field of one history, with the history's time: the raw material of flow metrics. */
export interface FieldChangeRecord extends HistoryItemRecord {
  issueId: string;
  historyId: string;
  createdMs: number;
}

export interface FlowIssueRecord {
  instance: string;
  issueId: string;
  issueKey: string;
  projectKey: string;
  createdMs: number;
  resolvedMs: number | null;
  status: string | null;
  statusCategory: StatusCategory | null;
  /** The `from` of the first status change, else the current status. */
  initialStatus: string | null;
}

/** The read side used by the REST API and flow metrics. */
export interface IssueQueryStore {
  listIssues(filter: IssueFilter, page?: IssuePageRequest): Promise<Page<IssueListItem>>;
  /**
   * By numeric id or key (case-insensitive), soft-deleted ones included. Without an instance, the
   * live issue is preferred, then the first instance by name.
   */
  getIssue(instance: string | undefined, keyOrId: string): Promise<IssueDetailRecord | undefined>;
  /** Oldest first, with items. Default limit 50, capped at 500. */
  listHistories(instance: string, issueId: string, page?: { cursor?: string; limit?: number }): Promise<Page<HistoryRecord>>;
  countByStatusCategory(filter: IssueFilter): Promise<StatusCategoryCounts>;
  /** History items whose field name or field id is in `fields`, per issue oldest first. */
  historiesForIssues(instance: string, issueIds: string[], fields: string[]): Promise<FieldChangeRecord[]>;
  issuesForFlow(filter: IssueFilter): Promise<FlowIssueRecord[]>;
}

/** Whole stored issues (row, every history, links) read back to compare them with Jira. */
export interface IssueSnapshotReader {
  getIssueRecords(instance: string, issueIds: string[]): Promise<Array<IssueRecord & { deletedMs: number | null }>>;
  getHistories(instance: string, issueIds: string[]): Promise<Map<string, HistoryRecord[]>>;
  getLinks(instance: string, issueIds: string[]): Promise<Map<string, LinkRecord[]>>;
  /** Ids of issues not soft-deleted (optionally only those a sync sees). */
  liveIssueIds(instance: string, syncId?: string): Promise<string[]>;
}

/** What an alert is about: one sync, or one Jira instance (e.g. its access token). */
export interface AlertSubject {
  subjectType: 'sync' | 'instance';
  subjectId: string;
}

export interface AlertIncidentRecord extends AlertSubject {
  kind: string;
  openedMs: number;
  message: string;
  /** When the opening notice was claimed for sending; null: not sent (no recipients, or sending failed). */
  noticeSentMs: number | null;
  resolvedMs: number | null;
  recoverySentMs: number | null;
  occurrences: number;
}

export interface CompletenessCount {
  /** Project key, or `*` for a sync scoped by JQL alone. */
  project: string;
  jira: number | null;
  stored: number;
}

export interface CompletenessCheckResult {
  outcome: 'succeeded' | 'failed' | 'skipped';
  sampled: number;
  compared: number;
  differing: number;
  missingInJira: number;
  countMismatches: number;
  repaired: number;
  unrepairedDrift: number;
  counts: CompletenessCount[];
  differences: Array<{ issueId: string; issueKey?: string; kind: string; detail: string }>;
  error?: string;
}

export interface CompletenessCheckRecord extends Omit<CompletenessCheckResult, 'outcome'> {
  /** `running` until the check finishes (or forever, if its replica died). */
  outcome: CompletenessCheckResult['outcome'] | 'running';
  checkId: string;
  syncId: string;
  startedMs: number;
  endedMs: number | null;
}

/**
 * Operations state: alert incidents and completeness checks. Every incident transition is a
 * conditional write that exactly one caller wins, so replicas never send a notice twice.
 */
export interface OpsStore {
  /** True when this call opened the incident (it was absent or resolved); false when it was already open. */
  openIncident(input: AlertSubject & { kind: string; message: string; nowMs: number }): Promise<boolean>;
  /** True when this caller won the right to send the opening notice of an open, unnoticed incident. */
  claimIncidentNotice(input: AlertSubject & { kind: string; nowMs: number }): Promise<boolean>;
  /** Gives a claimed notice back after sending failed, so a later evaluation retries. */
  releaseIncidentNotice(input: AlertSubject & { kind: string; claimedMs: number }): Promise<void>;
  /** Resolves an open incident; returns it when this call resolved it (the caller sends the recovery notice). */
  resolveIncident(input: AlertSubject & { kind: string; nowMs: number }): Promise<AlertIncidentRecord | undefined>;
  markRecoverySent(input: AlertSubject & { kind: string; nowMs: number }): Promise<void>;
  listIncidents(subject?: AlertSubject, options?: { openOnly?: boolean }): Promise<AlertIncidentRecord[]>;
  startCompletenessCheck(input: { syncId: string; nowMs: number }): Promise<string>;
  finishCompletenessCheck(input: { checkId: string; result: CompletenessCheckResult; nowMs: number }): Promise<void>;
  /** Newest first. */
  listCompletenessChecks(syncId: string, limit: number): Promise<CompletenessCheckRecord[]>;
  /** Live issues the sync sees, per project, created before `createdBeforeMs`. */
  countScopeIssuesByProject(input: { syncId: string; instance: string; createdBeforeMs: number }): Promise<Map<string, number>>;
}
