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
  /** Jira's clock when the last complete sweep's first search ran: the next incremental sweep starts its overlap before it. */
  lastSweepJiraStartMs?: number | null;
}

/** A change to a sync's state: only the given fields change. */
export type SyncStateUpdate = Partial<SyncStateRecord> & { syncId: string; instance: string };

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
  /** Who asked for a manual run (user entity ref or service subject); null for scheduled runs. */
  triggeredBy?: string | null;
  startedMs: number;
  endedMs: number | null;
  outcome: RunOutcome;
  error: string | null;
  details: unknown | null;
  /** Jira's approximate count of the run's issues when it started; null when not asked or unknown. */
  issuesExpected?: number | null;
  /** When the live `issuesRead` was last written while running; null before the first page. */
  progressMs?: number | null;
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
/** Stored field catalogue entry of an instance (Jira's `/field`), as saved by `saveFields`. */
export interface FieldRecord {
  id: string;
  name: string;
  custom: boolean;
  schema?: { type?: string; items?: string; system?: string; custom?: string; customId?: number };
  clauseNames?: string[];
}
export type StatusCategory = 'new' | 'indeterminate' | 'done';
