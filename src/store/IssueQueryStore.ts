import type {
  HistoryRecord,
  IssueRecord,
  LinkRecord,
  StatusCategory,
} from './records';

/** An issue attribute access can be narrowed by; `projectKey` values are compared upper-cased. */
export type IssueAccessField = 'projectKey' | 'label' | 'component' | 'issueType' | 'instance';

/** One criterion of an access scope: the issue's `field` equals (or, for labels and components, holds) one of `values`. */
export interface IssueAccessCriterion {
  field: IssueAccessField;
  values: string[];
}

/**
 * The issues a caller may read: a tree of criteria, the shape of a permission framework
 * PermissionCriteria (an empty anyOf matches nothing, an empty allOf everything).
 */
export type IssueAccessScope =
  | IssueAccessCriterion
  | { allOf: IssueAccessScope[] }
  | { anyOf: IssueAccessScope[] }
  | { not: IssueAccessScope };

/** Which stored issues a read-side query covers; every given criterion must hold. */
export interface IssueFilter {
  /** The caller's access scope from a conditional permission decision; absent = every issue. */
  access?: IssueAccessScope;
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
  /** Any of these is an exact element of the issue's component names (none given: no issue). */
  components?: string[];
  /** A caller's narrowing within a selection: each list matches any of its values, every list must match. */
  anyOf?: IssueAnyOfFilter;
  /** A mapped custom field equals `value`, or holds it as an element when it is an array (compared as text). */
  customField?: { alias: string; value: string | number | boolean };
  updatedSinceMs?: number;
  /** Case-insensitive substring of the summary. */
  text?: string;
  includeDeleted?: boolean;
}

export interface IssueAnyOfFilter {
  issueTypes?: string[];
  assigneeAccountIds?: string[];
  labels?: string[];
  components?: string[];
}

/** The values an entity's filter menus offer, within its selection. */
export interface IssueFacets {
  types: string[];
  assignees: Array<{ accountId: string; displayName: string | null }>;
  labels: string[];
  components: string[];
  statuses: Array<{ name: string; category: StatusCategory }>;
}

/** `key` is natural order (project, then key number); `priority` desc is most urgent first; `status` is workflow order. */
export type IssueSort = 'updated' | 'created' | 'key' | 'priority' | 'status';

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

export interface FlowIssueRecord {
  instance: string;
  issueId: string;
  issueKey: string;
  projectKey: string;
  createdMs: number;
  resolvedMs: number | null;
  status: string | null;
  statusCategory: StatusCategory | null;
}

/** One status change of an issue: a `status` item of one of its histories. */
export interface StatusChangeRecord {
  instance: string;
  issueId: string;
  historyId: string;
  createdMs: number;
  fromString: string | null;
  toString: string | null;
}

/** The matching issues now in one status, split by whether they were updated since a time. */
export interface StatusGroupRecord {
  instance: string;
  status: string | null;
  statusCategory: StatusCategory | null;
  changedSince: boolean;
  issues: number;
  firstCreatedMs: number;
}

/** The read side used by the REST API and flow metrics. */
export interface IssueQueryStore {
  listIssues(filter: IssueFilter, page?: IssuePageRequest): Promise<Page<IssueListItem>>;
  /**
   * By numeric id or key (case-insensitive), soft-deleted ones included. Without an instance, the
   * live issue is preferred, then the first instance by name. Outside `access`, undefined.
   */
  getIssue(instance: string | undefined, keyOrId: string, access?: IssueAccessScope): Promise<IssueDetailRecord | undefined>;
  /** Oldest first, with items. Default limit 50, capped at 500. */
  listHistories(instance: string, issueId: string, page?: { cursor?: string; limit?: number }): Promise<Page<HistoryRecord>>;
  countByStatusCategory(filter: IssueFilter): Promise<StatusCategoryCounts>;
  /** The status changes of the matching issues, in no order: one statement, however many issues. */
  statusChanges(filter: IssueFilter): Promise<StatusChangeRecord[]>;
  issuesForFlow(filter: IssueFilter): Promise<FlowIssueRecord[]>;
  /** Counts per current status, with whether the issues were updated at or after `changedSinceMs`. */
  statusGroups(filter: IssueFilter, changedSinceMs: number): Promise<StatusGroupRecord[]>;
  /** Distinct types, assignees, labels, components and statuses of the matching issues, sorted. */
  issueFacets(filter: IssueFilter): Promise<IssueFacets>;
  /** Summaries of the given issues of one instance, by issue id (absent ones left out). */
  issueSummaries(instance: string, issueIds: string[]): Promise<Map<string, string | null>>;
}
