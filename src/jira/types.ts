/** Shapes the Jira client hands to the sync engine. The engine sees complete issues only. */

export interface JiraUserRef {
  accountId?: string;
  /** Data Center users have a key (stable) and a name (changes on rename) instead of an accountId: see `jiraUserId`. */
  name?: string;
  key?: string;
  displayName?: string;
  emailAddress?: string;
}

export interface JiraHistoryItem {
  field: string;
  fieldtype?: string;
  fieldId?: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

export interface JiraHistory {
  id: string;
  author?: JiraUserRef;
  /** Exactly as Jira wrote it: "2022-06-09T16:29:31.871-0700", or epoch ms (`changelog/bulkfetch`). */
  created: string | number;
  items: JiraHistoryItem[];
}

/** An issue with every requested field and its complete changelog, oldest history first. */
export interface JiraIssue {
  id: string;
  key: string;
  fields: Record<string, unknown>;
  histories: JiraHistory[];
  /**
   * When set, `histories` holds only histories after the ones already stored (the client fetched
   * from startAt = knownHistoryCount); `historyTotal` is the full count in Jira.
   */
  historiesFrom?: number;
  historyTotal: number;
}

export interface JiraField {
  id: string;
  key?: string;
  name: string;
  custom: boolean;
  clauseNames?: string[];
  schema?: { type?: string; items?: string; system?: string; custom?: string; customId?: number };
}

export type JiraDeployment = 'cloud' | 'datacenter';

/** What the client knows of an issue already stored, so it fetches only new histories. */
export interface StoredHistoryState {
  historyCount: number;
  lastHistoryId?: string;
}

export interface SearchOptions {
  jql: string;
  /** Field ids to return (the client adds what it needs: updated, created, project). */
  fields: string[];
  pageSize?: number;
  signal?: AbortSignal;
  /** Looked up per page: issues already stored, so only their new histories are fetched. */
  storedHistories?: (issueIds: string[]) => Promise<Map<string, StoredHistoryState>>;
  /** Who is asking, e.g. `sync "platform"`: prefixed to error messages. */
  context?: string;
}

export interface IssuePage {
  issues: JiraIssue[];
  isLast: boolean;
  /**
   * First page of a search only: a lower bound of Jira's own clock when the search ran, from the
   * response's `Date` header (or serverInfo). A sweep anchors the next one's overlap to it.
   */
  searchedAtJiraMs?: number;
}

/** Per-call counters, summed per run. */
export interface ApiCounters {
  calls: number;
  retries: number;
  bytes: number;
  rateLimitWaitMs: number;
  byEndpoint: Record<string, { calls: number; bytes: number; statuses: Record<string, number> }>;
}

export interface JiraClient {
  readonly instance: string;
  deployment(): Promise<JiraDeployment>;
  /**
   * The searching user's IANA time zone (`myself`), cached like the field catalogue. JQL bounds
   * never depend on it: they are epoch milliseconds (`jqlEpochMinute`).
   */
  timeZone(): Promise<string>;
  fields(): Promise<JiraField[]>;
  /** Pages of complete issues for a JQL query; memory stays flat. */
  searchIssues(options: SearchOptions): AsyncIterable<IssuePage>;
  /** Only ids: the cheapest census, for deletion reconciliation. */
  searchIds(options: { jql: string; signal?: AbortSignal; context?: string }): AsyncIterable<string[]>;
  approximateCount(jql: string): Promise<number | undefined>;
  /** Complete issues by id (bulk where the deployment can); missing ids are absent from the result. */
  getIssues(ids: string[], options: Pick<SearchOptions, 'fields' | 'signal' | 'storedHistories' | 'context'>): Promise<JiraIssue[]>;
  counters(): ApiCounters;
  resetCounters(): void;
  /** Starts a run: drops per-run caches (fields, time zone) and re-reads token files. */
  beginRun?(): void;
  /** The instance's circuit breaker, for health reporting. */
  breakerState?(): 'closed' | 'open' | 'half-open';
}
