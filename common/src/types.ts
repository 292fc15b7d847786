/*
 * The read API's shapes, written from the backend's src/schema/openapi.yaml (the contract).
 * Frontends and other plugins import these instead of the backend package.
 */

/** Jira's status category: to do, in progress, done. @public */
export type StatusCategory = 'new' | 'indeterminate' | 'done';

/** The card's status filter: `open` is new + indeterminate. @public */
export type StatusCategoryFilter = StatusCategory | 'open' | 'all';

/** @public */
export type JiraUser = {
  accountId?: string | null;
  displayName?: string | null;
} | null;

/** One synced issue. @public */
export interface Issue {
  instance: string;
  id: string;
  key: string;
  /** The issue in Jira (browse link). */
  url: string;
  projectKey: string;
  issueType?: string | null;
  status?: string | null;
  statusCategory?: StatusCategory | null;
  priority?: string | null;
  summary?: string | null;
  assignee?: JiraUser;
  reporter?: JiraUser;
  labels: string[];
  components: string[];
  fixVersions?: string[];
  parent?: { id: string; key?: string | null } | null;
  created: string;
  updated: string;
  resolved?: string | null;
  customFields: Record<string, unknown>;
  deleted?: { at: string; reason: string } | null;
}

/** @public */
export type SyncHealthStatus = 'healthy' | 'degraded' | 'failing' | 'stale' | 'unknown';

/** @public */
export interface SyncRun {
  runId: string;
  syncId: string;
  strategy: string;
  /** `schedule`, `manual` or `spec-change`. */
  trigger?: string;
  /** Who triggered a manual run (user entity ref or service subject); null otherwise. */
  triggeredBy?: string | null;
  startedAt: string;
  endedAt?: string | null;
  outcome: 'running' | 'succeeded' | 'failed' | 'aborted';
  error?: string | null;
  counters?: Record<string, number>;
}

/** A sync from the spec with its state and health. @public */
export interface SyncStatus {
  id: string;
  instance: string;
  strategy: string;
  projects?: string[];
  watermark?: string | null;
  lastFullRun?: string | null;
  lastReconciliation?: string | null;
  lastRun?: SyncRun | null;
  lastSuccessAt?: string | null;
  nextRunAt?: string | null;
  deadLetters?: number;
  issues?: number;
  health: { status: SyncHealthStatus; reason: string };
  /** failing / stale win over running; idle otherwise. */
  state?: 'running' | 'idle' | 'failing' | 'stale';
  reason?: string;
  /** The running run's live progress; null when no run is running. */
  progress?: SyncProgress | null;
}

/** A running run's live progress, written on every page by the replica running it. @public */
export interface SyncProgress {
  runId: string;
  startedAt: string;
  issuesRead: number;
  /** Jira's approximate count when a full sweep started; null otherwise. */
  issuesExpected: number | null;
  ratePerSecond: number | null;
  etaSeconds: number | null;
}

/** @public */
export interface IssueCounts {
  new: number;
  indeterminate: number;
  done: number;
  total: number;
}

/** The answer of GET /entities/:kind/:namespace/:name/issues. @public */
export interface EntityIssues {
  entityRef: string;
  selector: {
    projectKeys: string[];
    /** The entity's jira/component. */
    component?: string | null;
    /** Issues with any of these components are selected (jira/component, else jira.com/components); empty: not narrowed. */
    components?: string[];
    label?: string | null;
  };
  counts: IssueCounts;
  items: Issue[];
  nextCursor?: string;
  /** The syncs covering the entity's projects; empty when no sync covers them. */
  syncs?: SyncStatus[];
}

/** @public */
export interface DurationStats {
  count: number;
  meanHours?: number | null;
  medianHours?: number | null;
  p85Hours?: number | null;
}

/** The answer of GET /entities/:kind/:namespace/:name/metrics. @public */
export interface FlowMetrics {
  from: string;
  to: string;
  issues: number;
  cycleTime: DurationStats;
  leadTime: DurationStats;
  /** Issues done per ISO week, oldest first. */
  throughput: Array<{ weekStart: string; count: number }>;
  timeInStatus: Array<{ status: string; totalHours: number; meanHours: number; issues: number }>;
}

/** The entity a request is about. @public */
export interface EntityName {
  kind: string;
  namespace: string;
  name: string;
}

/** Query parameters of the entity issues route. @public */
export interface EntityIssuesQuery {
  statusCategory?: StatusCategoryFilter;
  q?: string;
  limit?: number;
  cursor?: string;
  sort?: EntityIssueSort;
  order?: 'asc' | 'desc';
}

/** How the entity issue list sorts: key in natural order, priority desc most urgent first, status in workflow order. @public */
export type EntityIssueSort = 'updated' | 'created' | 'key' | 'priority' | 'status';

/** The entity issue list's filters; each list matches any of its values, all lists must match. @public */
export interface EntityIssueListQuery {
  /** Any of these categories (the backend also takes open and all). */
  statusCategory?: StatusCategory[];
  type?: string[];
  /** Assignee account ids. */
  assignee?: string[];
  label?: string[];
  component?: string[];
  q?: string;
  sort?: EntityIssueSort;
  order?: 'asc' | 'desc';
  limit?: number;
  cursor?: string;
}

/** GET .../issues/facets: the values the filters can take within the entity's selection. @public */
export interface EntityIssueFacets {
  types: string[];
  assignees: Array<{ accountId: string; displayName: string | null }>;
  labels: string[];
  components: string[];
  statuses: Array<{ name: string; category: StatusCategory }>;
}

/** A chart's period: ISO dates (YYYY-MM-DD, UTC days, both included); default the last 12 weeks, at most 2 years. @public */
export interface ChartPeriod {
  from?: string;
  to?: string;
}

/** @public */
export interface CumulativeFlow {
  from: string;
  to: string;
  by: 'category' | 'status';
  /** category null: the status's category is unknown (no issue is in it now). */
  series: Array<{ key: string; label: string; category: StatusCategory | null }>;
  /** One point a day: issues per series key at the end of the day. */
  points: Array<{ date: string; counts: Record<string, number> }>;
}

/** @public */
export interface CycleTimeChart {
  points: Array<{ issueId: string; key: string; summary: string | null; completedAt: string; cycleTimeDays: number }>;
  percentiles: { p50: number | null; p85: number | null; p95: number | null };
}

/** @public */
export interface ThroughputChart {
  weeks: Array<{ weekStart: string; completed: number }>;
}

/** @public */
export interface TimeInStatusChart {
  statuses: Array<{ status: string; category: StatusCategory | null; issues: number; medianHours: number | null; p85Hours: number | null; totalHours: number }>;
}

/** GET /issues/:keyOrId: one issue with its links and how many changelog entries it has. @public */
export type IssueDetail = Issue & {
  links: Array<Record<string, unknown>>;
  historyCount: number;
};

/** One changelog entry: who changed which fields when. @public */
export interface IssueHistory {
  id: string;
  author?: JiraUser;
  created: string;
  items: Array<{
    field: string;
    fieldtype?: string | null;
    fieldId?: string | null;
    from?: string | null;
    fromString?: string | null;
    to?: string | null;
    toString?: string | null;
  }>;
}

/** GET /issues/:keyOrId/changelog: one page, oldest first. @public */
export interface IssueChangelogPage {
  items: IssueHistory[];
  nextCursor?: string;
}
