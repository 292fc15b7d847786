import type {
  DeadLetterRecord,
  FieldRecord,
  IssueVersion,
  PageWriteResult,
  RunCounters,
  RunOutcome,
  RunRecord,
  SyncStateRecord,
  SyncStateUpdate,
} from './records';

/** A page to apply: its versions and, for a sweep, the checkpoint committed with them. */
export interface PageWriteInput {
  /** The sync that read the page; null = keep rows current without claiming them (no scope change). */
  syncId: string | null;
  instance: string;
  versions: IssueVersion[];
  state?: SyncStateUpdate;
  nowMs: number;
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
  storedHistoryStates(instance: string, issueIds: string[]): Promise<Map<string, StoredIssueVersion>>;
  getState(syncId: string): Promise<SyncStateRecord | undefined>;
  saveState(state: SyncStateUpdate, nowMs: number): Promise<void>;
  /** Ids of the syncs that currently see the issue (none for an issue not stored, or soft-deleted). */
  syncsSeeing(instance: string, issueId: string): Promise<string[]>;
  /** Ids this sync has seen and that are not soft-deleted. */
  scopeIssueIds(syncId: string, instance: string): Promise<string[]>;
  /** The same issues with their stored project key: the deletion guard judges each project. */
  scopeIssueProjects(syncId: string, instance: string): Promise<Map<string, string>>;
  /**
   * Removes `goneIds` from the sync's scope; those that no other sync sees are soft-deleted with
   * `reason`. One transaction. Returns how many were soft-deleted. With `deletedInJira`, links of
   * other issues to them go too: Jira drops those without bumping the other issues' `updated`.
   */
  removeFromScope(input: RemoveFromScopeInput): Promise<{ deleted: number }>;
  /** Soft-deletes one issue wherever it is, and other issues' links to it (webhook `jira:issue_deleted`). */
  softDeleteIssue(input: SoftDeleteInput): Promise<boolean>;
  /**
   * Starts a run; a `schedule` run claims (deletes) the sync's pending trigger requests in the same
   * transaction and is recorded as `manual` by the earliest requester.
   */
  startRun(input: StartRunInput): Promise<string>;
  /** A pending manual trigger, written before the scheduler is asked; returns its id. */
  addTriggerRequest(input: { syncId: string; actor: string; nowMs: number }): Promise<string>;
  /** Drops a pending trigger request that no run will claim (the trigger failed). */
  removeTriggerRequest(requestId: string): Promise<void>;
  finishRun(input: FinishRunInput): Promise<void>;
  /** A running run's live progress, for every replica to read; a finished run is left as it is. */
  recordRunProgress(input: RunProgressInput): Promise<void>;
  listRuns(syncId: string, limit: number): Promise<RunRecord[]>;
  addDeadLetter(input: DeadLetterInput): Promise<void>;
  resolveDeadLetter(input: DeadLetterKey & { nowMs: number }): Promise<void>;
  listDeadLetters(syncId: string, options?: { includeResolved?: boolean }): Promise<DeadLetterRecord[]>;
  /** The sync's waiting (unresolved) dead letter of one issue, without its payload; undefined if none. */
  getDeadLetter(syncId: string, issueId: string): Promise<Omit<DeadLetterRecord, 'payload'> | undefined>;
  /** Dead letters of a sync not yet resolved, without reading their payloads. */
  countDeadLetters(syncId: string): Promise<number>;
  saveFields(instance: string, fields: FieldRecord[], nowMs: number): Promise<void>;
  /** Records a webhook delivery; false if this exact delivery was seen before. */
  recordWebhookEvent(input: WebhookEventInput): Promise<boolean>;
}

/** What the store holds of an issue's version: enough to skip a stale delivery and fetch only new histories. */
export interface StoredIssueVersion {
  historyCount: number;
  lastHistoryId?: string;
  updatedMs: number;
  contentHash: string;
}

export interface RemoveFromScopeInput {
  syncId: string;
  instance: string;
  goneIds: string[];
  reason: string;
  nowMs: number;
  /** Gone from Jira (not merely out of scope): other issues' links to them go too. */
  deletedInJira?: boolean;
}

export interface SoftDeleteInput {
  instance: string;
  issueId: string;
  reason: string;
  nowMs: number;
}

export interface StartRunInput {
  syncId: string;
  /** The run's label as recorded, e.g. `full`, `incremental (resumed)`, `reproject`. */
  strategy: string;
  trigger: string;
  nowMs: number;
}

export interface FinishRunInput {
  runId: string;
  outcome: RunOutcome;
  counters: RunCounters;
  error?: string;
  details?: unknown;
  nowMs: number;
}

export interface RunProgressInput {
  runId: string;
  issuesRead: number;
  issuesExpected: number | null;
  nowMs: number;
}

export interface DeadLetterKey {
  syncId: string;
  instance: string;
  issueId: string;
}

export interface DeadLetterInput extends DeadLetterKey {
  issueKey?: string;
  error: string;
  payload: unknown;
  nowMs: number;
}

export interface WebhookEventInput {
  instance: string;
  /** sha256 of the delivery's body. */
  eventKey: string;
  webhookEvent: string;
  issueId: string | null;
  eventMs: number | null;
  outcome: string;
  nowMs: number;
}
