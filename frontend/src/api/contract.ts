/*
 * The Issue 20 read API (entity issue filters, facets, charts, sync progress, issue detail and
 * changelog) as the backend's contract defines it. Kept here until the common package carries
 * these types and client methods; the shapes are the contract's, names included.
 */
import type {
  EntityIssues,
  EntityName,
  Issue,
  JiraSyncApi,
  JiraUser,
  StatusCategory,
  SyncStatus,
} from '@jira-sync/backstage-plugin-jira-sync-common';

/** A running run's live progress, or null when no run is running. @public */
export interface SyncProgress {
  runId: string;
  startedAt: string;
  issuesRead: number;
  issuesExpected: number | null;
  ratePerSecond: number | null;
  etaSeconds: number | null;
}

/** A sync's status with its running run's progress. @public */
export type SyncStatusWithProgress = SyncStatus & { progress?: SyncProgress | null };

/** How the entity issue list can be sorted. @public */
export type EntityIssueSort = 'updated' | 'created' | 'priority' | 'status' | 'key';

/** The entity issue list's filters; each list matches any of its values. @public */
export interface EntityIssueListQuery {
  statusCategory?: StatusCategory[];
  type?: string[];
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

/** A chart's period: ISO dates (YYYY-MM-DD), both optional (the backend defaults to the last 12 weeks). @public */
export interface ChartPeriod {
  from?: string;
  to?: string;
}

/** @public */
export interface CumulativeFlow {
  from: string;
  to: string;
  by: 'category' | 'status';
  series: Array<{ key: string; label: string; category: StatusCategory | null }>;
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
  statuses: Array<{
    status: string;
    category: StatusCategory | null;
    issues: number;
    medianHours: number | null;
    p85Hours: number | null;
    totalHours: number;
  }>;
}

/** GET /issues/:keyOrId. @public */
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

/** @public */
export interface IssueChangelogPage {
  items: IssueHistory[];
  nextCursor?: string;
}

/** The entity issue list's answer, its syncs with progress. @public */
export type EntityIssuesWithProgress = Omit<EntityIssues, 'syncs'> & { syncs?: SyncStatusWithProgress[] };

/** Everything the card and the Jira tab read. @public */
export interface JiraSyncFrontendApi extends JiraSyncApi {
  listEntityIssues(entity: EntityName, query?: EntityIssueListQuery): Promise<EntityIssuesWithProgress>;
  getEntityIssueFacets(entity: EntityName): Promise<EntityIssueFacets>;
  getEntityCumulativeFlow(entity: EntityName, query?: ChartPeriod & { by?: 'category' | 'status' }): Promise<CumulativeFlow>;
  getEntityCycleTime(entity: EntityName, query?: ChartPeriod): Promise<CycleTimeChart>;
  getEntityThroughput(entity: EntityName, query?: ChartPeriod): Promise<ThroughputChart>;
  getEntityTimeInStatus(entity: EntityName, query?: ChartPeriod): Promise<TimeInStatusChart>;
  getIssue(keyOrId: string, options?: { instance?: string }): Promise<IssueDetail>;
  getIssueChangelog(keyOrId: string, options?: { instance?: string; limit?: number; cursor?: string }): Promise<IssueChangelogPage>;
}
