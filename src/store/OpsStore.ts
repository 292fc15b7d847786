/** What an alert is about: one sync, or one Jira instance (e.g. its access token). */
export interface AlertSubject {
  subjectType: 'sync' | 'instance';
  subjectId: string;
}

/** One incident slot: at most one incident per subject and kind is open at a time. */
export interface IncidentKey extends AlertSubject {
  kind: string;
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
  openIncident(input: IncidentKey & { message: string; nowMs: number }): Promise<boolean>;
  /** True when this caller won the right to send the opening notice of an open, unnoticed incident. */
  claimIncidentNotice(input: IncidentKey & { nowMs: number }): Promise<boolean>;
  /** Gives a claimed notice back after sending failed, so a later evaluation retries. */
  releaseIncidentNotice(input: IncidentKey & { claimedMs: number }): Promise<void>;
  /** Resolves an open incident; returns it when this call resolved it (the caller sends the recovery notice). */
  resolveIncident(input: IncidentKey & { nowMs: number }): Promise<AlertIncidentRecord | undefined>;
  markRecoverySent(input: IncidentKey & { nowMs: number }): Promise<void>;
  listIncidents(subject?: AlertSubject, options?: { openOnly?: boolean }): Promise<AlertIncidentRecord[]>;
  startCompletenessCheck(input: { syncId: string; nowMs: number }): Promise<string>;
  finishCompletenessCheck(input: { checkId: string; result: CompletenessCheckResult; nowMs: number }): Promise<void>;
  /** Newest first. */
  listCompletenessChecks(syncId: string, limit: number): Promise<CompletenessCheckRecord[]>;
  /** Live issues the sync sees, per project, created before `createdBeforeMs`. */
  countScopeIssuesByProject(input: { syncId: string; instance: string; createdBeforeMs: number }): Promise<Map<string, number>>;
}
