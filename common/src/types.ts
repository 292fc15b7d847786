/*
 * The read API's shapes, written from the backend's src/service/openapi.yaml (the contract).
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
  trigger?: string;
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
  sort?: 'updated' | 'created' | 'key';
  order?: 'asc' | 'desc';
}
