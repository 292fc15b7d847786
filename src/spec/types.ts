import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';

/** How a sync keeps its copy fresh. */
export type SyncStrategy = 'full' | 'incremental' | 'webhook';

/** Declared type of a mapped custom field; decides how the raw Jira value is coerced. */
export type CustomFieldType =
  | 'string'
  | 'number'
  | 'date'
  | 'datetime'
  | 'option'
  | 'options'
  | 'user'
  | 'users'
  | 'labels'
  | 'sprint'
  | 'json';

/** A custom field mapping: exactly one of `fieldId` / `fieldName` is set. */
export interface CustomFieldMapping {
  alias: string;
  fieldId?: string;
  fieldName?: string;
  type: CustomFieldType;
}

/** One sync from the spec, with every default resolved. */
export interface SyncDefinition {
  id: string;
  instance: string;
  projects: string[];
  /** Extra JQL, ANDed with the project clause. */
  jql?: string;
  strategy: SyncStrategy;
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** Standard Jira field ids to fetch and keep in raw_fields (always includes the ones the data model needs). */
  fields: string[];
  customFields: CustomFieldMapping[];
  /** Incremental runs re-read from watermark minus this. */
  overlapMs: number;
  /** How often the id-only census for deletions runs. */
  reconcileEveryMs: number;
  /** The deletion guard: a reconciliation that would soft-delete more than this share is refused. */
  maxDeleteShare: number;
  /** Issues per search page requested from Jira. */
  pageSize: number;
}

export interface SyncSpec {
  syncs: SyncDefinition[];
  /** Where the spec came from (a file path or "app-config:jiraSync.spec.inline"), for messages. */
  source: string;
}

/** A located spec problem: every one is reported at once. */
export interface SpecProblem {
  file: string;
  line: number;
  column: number;
  /** Path inside the spec, e.g. "syncs[1].strategy". */
  path: string;
  message: string;
}
