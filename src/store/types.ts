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
  writePage(input: {
    syncId: string | null;
    instance: string;
    versions: IssueVersion[];
    state?: Partial<SyncStateRecord> & { syncId: string; instance: string };
    nowMs: number;
  }): Promise<PageWriteResult>;
  storedHistoryStates(instance: string, issueIds: string[]): Promise<Map<string, { historyCount: number; lastHistoryId?: string; updatedMs: number; contentHash: string }>>;
  getState(syncId: string): Promise<SyncStateRecord | undefined>;
  saveState(state: Partial<SyncStateRecord> & { syncId: string; instance: string }, nowMs: number): Promise<void>;
  /** Ids this sync has seen and that are not soft-deleted. */
  scopeIssueIds(syncId: string, instance: string): Promise<string[]>;
  /**
   * Removes `goneIds` from the sync's scope; those that no other sync sees are soft-deleted with
   * `reason`. One transaction. Returns how many were soft-deleted.
   */
  removeFromScope(input: { syncId: string; instance: string; goneIds: string[]; reason: string; nowMs: number }): Promise<{ deleted: number }>;
  /** Soft-deletes one issue wherever it is (webhook `jira:issue_deleted`). */
  softDeleteIssue(input: { instance: string; issueId: string; reason: string; nowMs: number }): Promise<boolean>;
  startRun(input: { syncId: string; strategy: string; trigger: string; nowMs: number }): Promise<string>;
  finishRun(input: { runId: string; outcome: RunOutcome; counters: RunCounters; error?: string; details?: unknown; nowMs: number }): Promise<void>;
  listRuns(syncId: string, limit: number): Promise<RunRecord[]>;
  addDeadLetter(input: { syncId: string; instance: string; issueId: string; issueKey?: string; error: string; payload: unknown; nowMs: number }): Promise<void>;
  resolveDeadLetter(input: { syncId: string; instance: string; issueId: string; nowMs: number }): Promise<void>;
  listDeadLetters(syncId: string, options?: { includeResolved?: boolean }): Promise<DeadLetterRecord[]>;
  saveFields(instance: string, fields: Array<{ id: string; name: string; custom: boolean; schema?: unknown; clauseNames?: string[] }>, nowMs: number): Promise<void>;
  /** Records a webhook delivery; false if this exact delivery was seen before. */
  recordWebhookEvent(input: { instance: string; eventKey: string; webhookEvent: string; issueId: string | null; eventMs: number | null; outcome: string; nowMs: number }): Promise<boolean>;
}
