import { CUSTOM_FIELDS, projectId, renderUser, type SimData, type SimHistory, type SimIssue } from './model';
import { jiraTimestamp } from './time';

/** Turns simulator issues into Jira REST shapes: field selection, changelogs, the field catalogue. */

export const SYSTEM_FIELDS = [
  'summary', 'status', 'issuetype', 'project', 'priority', 'assignee', 'reporter', 'labels',
  'components', 'fixVersions', 'parent', 'created', 'updated', 'resolutiondate', 'issuelinks',
];
const ALL_FIELDS = [...SYSTEM_FIELDS, ...Object.values(CUSTOM_FIELDS).map(f => f.id)];

/** The field ids a `fields` parameter asks for (Jira semantics: `*all`, `*navigable`, `-name`). */
export function selectFields(requested: string[] | undefined, defaultAll: boolean): string[] {
  const list = (requested ?? []).flatMap(f => f.split(',')).map(f => f.trim()).filter(Boolean);
  if (!list.length) return defaultAll ? ALL_FIELDS : [];
  const chosen = new Set<string>();
  for (const f of list) {
    if (f === '*all' || f === '*navigable') ALL_FIELDS.forEach(x => chosen.add(x));
    else if (!f.startsWith('-') && f !== 'id' && f !== 'key') chosen.add(f);
  }
  for (const f of list) if (f.startsWith('-')) chosen.delete(f.slice(1));
  return [...chosen];
}

export interface RenderContext {
  data: SimData;
  baseUrl: string;
  apiVersion: '2' | '3';
  timeZone: string;
}

export function renderHistory(history: SimHistory, ctx: RenderContext) {
  return {
    id: String(history.id),
    author: renderUser(history.author, ctx.baseUrl),
    created: jiraTimestamp(history.createdMs, ctx.timeZone),
    items: history.items.map(item => ({
      field: item.field,
      fieldtype: item.fieldtype,
      ...(item.fieldId ? { fieldId: item.fieldId } : {}),
      from: item.from,
      fromString: item.fromString,
      to: item.to,
      toString: item.toString,
    })),
  };
}

/** All values of an issue as `fields=*all` returns them. */
export function renderAllFields(issue: Pick<SimIssue, 'projectKey' | 'createdMs' | 'updatedMs' | 'values'>, ctx: RenderContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of ALL_FIELDS) out[field] = renderField(issue, field, ctx);
  return out;
}

export function renderField(issue: Pick<SimIssue, 'projectKey' | 'createdMs' | 'updatedMs' | 'values'>, field: string, ctx: RenderContext): unknown {
  switch (field) {
    case 'project':
      return {
        self: `${ctx.baseUrl}/rest/api/${ctx.apiVersion}/project/${projectId(issue.projectKey)}`,
        id: projectId(issue.projectKey),
        key: issue.projectKey,
        name: `${issue.projectKey[0]}${issue.projectKey.slice(1).toLowerCase()} project`,
        projectTypeKey: 'software',
        simplified: false,
      };
    case 'created':
      return jiraTimestamp(issue.createdMs, ctx.timeZone);
    case 'updated':
      return jiraTimestamp(issue.updatedMs, ctx.timeZone);
    default:
      return field in issue.values ? ctx.data.renderValue(field, issue.values[field], ctx.timeZone, ctx.baseUrl) : undefined;
  }
}

export type ChangelogMode = { kind: 'none' } | { kind: 'newest'; max: number } | { kind: 'full' };

/** An issue bean: id, key, self, the selected fields and optionally an embedded changelog. */
export function renderIssue(issue: SimIssue, fields: string[], changelog: ChangelogMode, ctx: RenderContext, view = issue) {
  const bean: Record<string, unknown> = {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: String(issue.id),
    self: `${ctx.baseUrl}/rest/api/${ctx.apiVersion}/issue/${issue.id}`,
    key: view.key,
  };
  if (fields.length) {
    const out: Record<string, unknown> = {};
    for (const field of fields) {
      const value = renderField(view, field, ctx);
      if (value !== undefined) out[field] = value;
    }
    bean.fields = out;
  }
  if (changelog.kind !== 'none') {
    const total = ctx.data.historyCount(issue);
    if (changelog.kind === 'full') {
      const histories = ctx.data.histories(issue).map(h => renderHistory(h, ctx));
      bean.changelog = { startAt: 0, maxResults: total, total, histories };
    } else {
      const start = Math.max(0, total - changelog.max);
      const histories = ctx.data
        .historySlice(issue, start, changelog.max)
        .reverse()
        .map(h => renderHistory(h, ctx));
      bean.changelog = { startAt: 0, maxResults: histories.length, total, histories };
    }
  }
  return bean;
}

/** GET /field: system fields and the custom fields of every type. */
export function fieldCatalogue(): unknown[] {
  const system: Array<[string, string, Record<string, unknown>, string[]]> = [
    ['summary', 'Summary', { type: 'string', system: 'summary' }, ['summary']],
    ['status', 'Status', { type: 'status', system: 'status' }, ['status']],
    ['issuetype', 'Issue Type', { type: 'issuetype', system: 'issuetype' }, ['issuetype', 'type']],
    ['project', 'Project', { type: 'project', system: 'project' }, ['project']],
    ['priority', 'Priority', { type: 'priority', system: 'priority' }, ['priority']],
    ['assignee', 'Assignee', { type: 'user', system: 'assignee' }, ['assignee']],
    ['reporter', 'Reporter', { type: 'user', system: 'reporter' }, ['reporter']],
    ['labels', 'Labels', { type: 'array', items: 'string', system: 'labels' }, ['labels']],
    ['components', 'Components', { type: 'array', items: 'component', system: 'components' }, ['component']],
    ['fixVersions', 'Fix versions', { type: 'array', items: 'version', system: 'fixVersions' }, ['fixVersion']],
    ['parent', 'Parent', { type: 'issuelink', system: 'parent' }, ['parent']],
    ['created', 'Created', { type: 'datetime', system: 'created' }, ['created', 'createdDate']],
    ['updated', 'Updated', { type: 'datetime', system: 'updated' }, ['updated', 'updatedDate']],
    ['resolutiondate', 'Resolved', { type: 'datetime', system: 'resolutiondate' }, ['resolutiondate', 'resolved']],
    ['issuelinks', 'Linked Issues', { type: 'array', items: 'issuelinks', system: 'issuelinks' }, ['issueLink']],
  ];
  return [
    ...system.map(([id, name, schema, clauseNames]) => ({
      id, key: id, name, custom: false, orderable: true, navigable: true, searchable: true, clauseNames, schema,
    })),
    ...Object.values(CUSTOM_FIELDS).map(f => ({
      id: f.id,
      key: f.id,
      name: f.name,
      custom: true,
      orderable: true,
      navigable: true,
      searchable: true,
      clauseNames: [`cf[${f.schema.customId}]`, f.name],
      schema: f.schema,
      untranslatedName: f.name,
    })),
  ];
}
