import { createHash } from 'node:crypto';
import type { JiraHistory, JiraIssue, JiraUserRef } from '../jira/types';
import { coerceFieldValue, type ResolvedFieldMapping } from '../jira/fields';
import { parseJiraTime } from '../jira/time';
import { jiraUserId } from '../jira/users';
import type {
  HistoryRecord,
  IssueRecord,
  IssueVersion,
  LinkRecord,
} from '../store/types';

export type { ResolvedFieldMapping };

/** An issue that cannot be turned into a record; the engine sends it to the dead letters. */
export class IssueTransformError extends Error {
  constructor(readonly issueId: string, readonly issueKey: string | undefined, message: string) {
    super(`issue ${issueKey ?? issueId}: ${message}`);
    this.name = 'IssueTransformError';
  }
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => {
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? v : String(v);
};
const named = (v: unknown): string | null => (isObj(v) ? str(v.name) : null);

function namesOf(v: unknown, issue: string, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error(`field "${field}" should be a list, got ${typeof v}`);
  return v.map(item => {
    const name = typeof item === 'string' ? item : named(item);
    if (name === null) throw new Error(`field "${field}" of ${issue} holds an entry without a name`);
    return name;
  });
}

function requiredTime(fields: Obj, name: string): number {
  const value = fields[name];
  if (value === undefined || value === null) throw new Error(`field "${name}" is missing`);
  return parseJiraTime(value, `field "${name}"`);
}

function optionalTime(fields: Obj, name: string): number | null {
  const value = fields[name];
  return value === undefined || value === null ? null : parseJiraTime(value, `field "${name}"`);
}

const STATUS_CATEGORIES = new Set(['new', 'indeterminate', 'done']);

function statusCategoryOf(status: unknown): IssueRecord['statusCategory'] {
  const key = isObj(status) && isObj(status.statusCategory) ? status.statusCategory.key : undefined;
  return typeof key === 'string' && STATUS_CATEGORIES.has(key) ? (key as IssueRecord['statusCategory']) : null;
}

function linksOf(fields: Obj): LinkRecord[] {
  const raw = fields.issuelinks;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new Error('field "issuelinks" should be a list');
  return raw.map(link => {
    if (!isObj(link) || link.id === undefined) throw new Error('an issue link has no id');
    const type = isObj(link.type) ? link.type : {};
    const outward = isObj(link.outwardIssue) ? link.outwardIssue : undefined;
    const inward = isObj(link.inwardIssue) ? link.inwardIssue : undefined;
    const other = outward ?? inward;
    if (!other || other.id === undefined) throw new Error(`issue link ${String(link.id)} names no other issue`);
    return {
      linkId: String(link.id),
      linkType: str(type.name) ?? 'unknown',
      direction: outward ? 'outward' : 'inward',
      description: str(outward ? type.outward : type.inward),
      otherIssueId: String(other.id),
      otherIssueKey: str(other.key),
    };
  });
}

/** A history without a readable `created` is refused (the issue goes to the dead letters): no made-up time. */
export function toHistoryRecord(history: JiraHistory): HistoryRecord {
  return {
    historyId: String(history.id),
    authorAccountId: jiraUserId(history.author),
    authorName: history.author?.displayName ?? null,
    createdMs: parseJiraTime(history.created, `history ${String(history.id)}: created`),
    createdRaw: String(history.created),
    items: (history.items ?? []).map(item => ({
      field: item.field,
      fieldtype: item.fieldtype ?? null,
      fieldId: item.fieldId ?? null,
      fromValue: item.from ?? null,
      fromString: item.fromString ?? null,
      toValue: item.to ?? null,
      toString: item.toString ?? null,
    })),
  };
}

/** Stable JSON (sorted keys) so equal content always hashes equal. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObj(value)) {
    return `{${Object.keys(value)
      .sort()
      .filter(k => value[k] !== undefined)
      .map(k => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Projects the mapped custom fields out of the raw fields (also used for local re-projection). */
export function projectCustomFields(rawFields: Obj, mappings: ResolvedFieldMapping[]): Obj {
  const out: Obj = {};
  for (const mapping of mappings) {
    const raw = rawFields[mapping.fieldId];
    try {
      out[mapping.alias] = raw === undefined || raw === null ? null : coerceFieldValue(raw, mapping.type);
    } catch (e) {
      throw new Error(`custom field "${mapping.alias}" (${mapping.fieldId}) as ${mapping.type}: ${(e as Error).message}`);
    }
  }
  return out;
}

/**
 * The content hash covers the issue's fields; history bookkeeping is left out because the client
 * may hand over only new histories, and every new history bumps `updated` anyway.
 */
export function contentHashOf(record: Omit<IssueRecord, 'contentHash'>): string {
  const { historyCount: _count, lastHistoryId: _last, ...content } = record;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/**
 * Turns one complete Jira issue into the version the store applies. Throws IssueTransformError
 * for shapes it cannot read, so one bad issue never stops a page.
 */
export function toIssueVersion(instance: string, issue: JiraIssue, mappings: ResolvedFieldMapping[]): IssueVersion {
  try {
    if (!/^\d+$/.test(String(issue.id))) throw new Error(`id "${issue.id}" is not numeric`);
    const fields = issue.fields;
    if (!isObj(fields)) throw new Error('the issue has no fields object');
    const project = isObj(fields.project) ? fields.project : undefined;
    const projectKey = str(project?.key) ?? issue.key.split('-')[0];
    const parent = isObj(fields.parent) ? fields.parent : undefined;
    const histories = issue.histories.map(toHistoryRecord);
    const assignee = isObj(fields.assignee) ? (fields.assignee as JiraUserRef) : null;
    const reporter = isObj(fields.reporter) ? (fields.reporter as JiraUserRef) : null;
    const lastHistoryId = histories.length
      ? histories[histories.length - 1].historyId
      : null;

    const record: Omit<IssueRecord, 'contentHash'> = {
      instance,
      issueId: String(issue.id),
      issueKey: issue.key,
      projectKey,
      projectId: project?.id !== undefined ? String(project.id) : null,
      issueType: named(fields.issuetype),
      status: named(fields.status),
      statusCategory: statusCategoryOf(fields.status),
      priority: named(fields.priority),
      summary: str(fields.summary),
      assigneeAccountId: jiraUserId(assignee),
      assigneeName: assignee?.displayName ?? null,
      reporterAccountId: jiraUserId(reporter),
      reporterName: reporter?.displayName ?? null,
      labels: namesOf(fields.labels, issue.key, 'labels'),
      components: namesOf(fields.components, issue.key, 'components'),
      fixVersions: namesOf(fields.fixVersions, issue.key, 'fixVersions'),
      parentId: parent?.id !== undefined ? String(parent.id) : null,
      parentKey: str(parent?.key),
      createdMs: requiredTime(fields, 'created'),
      updatedMs: requiredTime(fields, 'updated'),
      resolvedMs: optionalTime(fields, 'resolutiondate'),
      customFields: projectCustomFields(fields, mappings),
      rawFields: fields,
      historyCount: issue.historyTotal,
      lastHistoryId,
    };
    return { issue: { ...record, contentHash: contentHashOf(record) }, histories, links: linksOf(fields) };
  } catch (e) {
    if (e instanceof IssueTransformError) throw e;
    throw new IssueTransformError(String(issue.id), issue.key, (e as Error).message);
  }
}
