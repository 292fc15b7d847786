import {
  ALL_FIELD_IDS, CUSTOM_FIELDS, DATA_CENTER_SPRINT_SCHEMA, LINK_TYPES, NAVIGABLE_FIELD_IDS, STATUS_CATEGORIES, SYSTEM_FIELDS, USERS, customFieldById, projectId,
  type SimOption, type SimSprint, type SimStatus, type SimUser,
} from './catalog';
import type { SearchView, SimComment, SimData, SimHistory, SimIssue } from './store';
import { jiraTimestamp } from './time';

/** Turns neutral simulator values into Jira REST shapes: Cloud v3 (ADF, accountIds) or Data Center v2 (names). */

export interface RenderContext {
  data: SimData;
  baseUrl: string;
  apiVersion: '2' | '3';
  deployment: 'cloud' | 'datacenter';
  timeZone: string;
}

/** The field ids a `fields` parameter asks for (Jira semantics: `*all`, `*navigable`, `-name`, several params). */
export function selectFields(requested: string[] | undefined, fallback: 'none' | 'navigable' | 'all'): string[] {
  const list = (requested ?? []).flatMap(f => f.split(',')).map(f => f.trim()).filter(Boolean);
  const chosen = new Set<string>();
  if (!list.some(f => !f.startsWith('-'))) {
    // Only exclusions (or nothing): they apply to the default set.
    if (fallback === 'all') ALL_FIELD_IDS.forEach(x => chosen.add(x));
    if (fallback === 'navigable') NAVIGABLE_FIELD_IDS.forEach(x => chosen.add(x));
  }
  for (const f of list) {
    if (f === '*all') ALL_FIELD_IDS.forEach(x => chosen.add(x));
    else if (f === '*navigable') NAVIGABLE_FIELD_IDS.forEach(x => chosen.add(x));
    else if (!f.startsWith('-') && f !== 'id') chosen.add(f);
  }
  for (const f of list) if (f.startsWith('-')) chosen.delete(f.slice(1));
  return [...chosen];
}

const userUrl = (user: SimUser, ctx: RenderContext) =>
  ctx.deployment === 'cloud' ? `${ctx.baseUrl}/rest/api/${ctx.apiVersion}/user?accountId=${user.accountId}` : `${ctx.baseUrl}/rest/api/2/user?username=${ctx.data.nameOf(user)}`;

export function renderUser(user: SimUser | null, ctx: RenderContext) {
  if (!user) return null;
  const avatarUrls = Object.fromEntries(['48x48', '24x24', '16x16', '32x32'].map(size => [size, `${ctx.baseUrl}/avatar/${user.key}?s=${size}`]));
  if (ctx.deployment === 'datacenter') {
    return { self: userUrl(user, ctx), name: ctx.data.nameOf(user), key: user.key, emailAddress: user.emailAddress, avatarUrls, displayName: user.displayName, active: true, timeZone: 'UTC' };
  }
  return { self: userUrl(user, ctx), accountId: user.accountId, emailAddress: user.emailAddress, avatarUrls, displayName: user.displayName, active: true, timeZone: 'UTC', accountType: 'atlassian' };
}

/** Rich text: Atlassian Document Format on v3, wiki text on v2. */
function richText(text: string | null, ctx: RenderContext) {
  if (text === null) return null;
  if (ctx.apiVersion === '2') return text;
  return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
}

const userName = (accountId: string | null, ctx: RenderContext) => {
  if (accountId === null) return null;
  const user = USERS.find(u => u.accountId === accountId);
  return user ? ctx.data.nameOf(user) : accountId;
};

/**
 * A history as Jira renders it. `created` is a timestamp string, or epoch ms where the simulator
 * is set to (`epochHistoryTimes`) in `changelog/bulkfetch` (`source: 'bulkfetch'`) and on Data Center.
 */
export function renderHistory(history: SimHistory, ctx: RenderContext, source: 'bulkfetch' | 'other' = 'other') {
  const dc = ctx.deployment === 'datacenter';
  const epoch = ctx.data.epochHistoryTimes && (source === 'bulkfetch' || dc);
  return {
    id: String(history.id),
    author: renderUser(history.author, ctx),
    created: epoch ? history.createdMs : jiraTimestamp(history.createdMs, ctx.timeZone),
    items: history.items.map(item => {
      // Data Center user fields record user names where Cloud records accountIds.
      const users = dc && (item.fieldId === 'assignee' || item.fieldId === 'reporter' || item.fieldId === CUSTOM_FIELDS.reviewer.id);
      return {
        field: item.field,
        fieldtype: item.fieldtype,
        ...(item.fieldId && !dc ? { fieldId: item.fieldId } : {}),
        from: users ? userName(item.from, ctx) : item.from,
        fromString: item.fromString,
        to: users ? userName(item.to, ctx) : item.to,
        toString: item.toString,
      };
    }),
  };
}

type Renderable = Pick<SearchView, 'id' | 'projectKey' | 'createdMs' | 'updatedMs' | 'values'>;

/** All values of an issue as `fields=*all` returns them. */
export function renderAllFields(issue: Renderable, ctx: RenderContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of ALL_FIELD_IDS) out[field] = renderField(issue, field, ctx);
  return out;
}

const issueRef = (issue: SimIssue, ctx: RenderContext) => ({ id: String(issue.id), key: issue.key, self: `${ctx.baseUrl}/rest/api/${ctx.apiVersion}/issue/${issue.id}` });

function renderStatus(s: SimStatus, ctx: RenderContext) {
  const category = STATUS_CATEGORIES[s.category];
  return {
    self: `${ctx.baseUrl}/rest/api/${ctx.apiVersion}/status/${s.id}`,
    description: '',
    iconUrl: `${ctx.baseUrl}/images/icons/statuses/generic.png`,
    name: s.name,
    id: s.id,
    statusCategory: { self: `${ctx.baseUrl}/rest/api/${ctx.apiVersion}/statuscategory/${category.id}`, ...category },
  };
}

/** One field of an issue in its REST shape; undefined for a field the issue does not have. */
export function renderField(issue: Renderable, field: string, ctx: RenderContext): unknown {
  const api = `${ctx.baseUrl}/rest/api/${ctx.apiVersion}`;
  const value = issue.values[field];
  switch (field) {
    case 'project':
      return {
        self: `${api}/project/${projectId(issue.projectKey)}`,
        id: projectId(issue.projectKey),
        key: issue.projectKey,
        name: `${issue.projectKey[0]}${issue.projectKey.slice(1).toLowerCase()} project`,
        projectTypeKey: 'software',
        simplified: false,
        avatarUrls: { '48x48': `${ctx.baseUrl}/avatar/project/${issue.projectKey}` },
      };
    case 'created':
      return jiraTimestamp(issue.createdMs, ctx.timeZone);
    case 'updated':
      return jiraTimestamp(issue.updatedMs, ctx.timeZone);
    case 'subtasks':
      return (ctx.data.subtasks.get(issue.id) ?? [])
        .map(id => ctx.data.issues.get(id)!)
        .filter(s => !s.deleted)
        .map(s => ({ ...issueRef(s, ctx), fields: { summary: s.values.summary, status: renderStatus(s.values.status as SimStatus, ctx), issuetype: renderField(s, 'issuetype', ctx) } }));
    case 'comment': {
      const comments = (value as SimComment[]).map(c => ({
        self: `${api}/issue/${issue.id}/comment/${c.id}`,
        id: String(c.id),
        author: renderUser(c.author, ctx),
        body: richText(c.body, ctx),
        created: jiraTimestamp(c.createdMs, ctx.timeZone),
        updated: jiraTimestamp(c.createdMs, ctx.timeZone),
      }));
      return { comments, self: `${api}/issue/${issue.id}/comment`, maxResults: comments.length, total: comments.length, startAt: 0 };
    }
    default:
      break;
  }
  if (!(field in issue.values)) return undefined;
  if (value === null || value === undefined) return field === 'labels' || field === 'components' || field === 'fixVersions' || field === 'issuelinks' ? [] : null;
  switch (field) {
    case 'status':
      return renderStatus(value as SimStatus, ctx);
    case 'description':
      return richText(value as string, ctx);
    case 'issuetype': {
      const t = value as { id: string; name: string; subtask: boolean };
      return { self: `${api}/issuetype/${t.id}`, id: t.id, description: '', name: t.name, subtask: t.subtask, hierarchyLevel: t.subtask ? -1 : 0 };
    }
    case 'priority':
      return { self: `${api}/priority/${(value as { id: string }).id}`, ...(value as object) };
    case 'resolution':
      return { self: `${api}/resolution/${(value as { id: string }).id}`, ...(value as object), description: 'Work has been completed on this issue.' };
    case 'assignee':
    case 'reporter':
    case CUSTOM_FIELDS.reviewer.id:
      return renderUser(value as SimUser, ctx);
    case CUSTOM_FIELDS.stakeholders.id:
      return (value as SimUser[]).map(u => renderUser(u, ctx));
    case 'components':
    case 'fixVersions':
      return (value as Array<{ id: string; name: string }>).map(v => ({ self: `${api}/${field === 'components' ? 'component' : 'version'}/${v.id}`, ...v }));
    case 'parent': {
      const parent = ctx.data.issues.get(value as number);
      if (!parent) return null;
      return { ...issueRef(parent, ctx), fields: { summary: parent.values.summary, status: renderStatus(parent.values.status as SimStatus, ctx), issuetype: renderField(parent, 'issuetype', ctx) } };
    }
    case 'issuelinks':
      return (value as Array<{ id: number; type: string; outward?: number; inward?: number }>).flatMap(link => {
        const other = ctx.data.issues.get((link.outward ?? link.inward)!);
        if (!other || other.deleted) return [];
        const names = LINK_TYPES[link.type];
        return [{
          id: String(link.id),
          self: `${api}/issueLink/${link.id}`,
          type: { id: names.id, name: link.type, inward: names.inward, outward: names.outward, self: `${api}/issueLinkType/${names.id}` },
          ...(link.outward !== undefined ? { outwardIssue: issueRef(other, ctx) } : { inwardIssue: issueRef(other, ctx) }),
        }];
      });
    case CUSTOM_FIELDS.team.id:
    case CUSTOM_FIELDS.severity.id:
      return { self: `${api}/customFieldOption/${(value as SimOption).id}`, value: (value as SimOption).value, id: (value as SimOption).id };
    case CUSTOM_FIELDS.area.id: {
      const v = value as SimOption;
      return {
        self: `${api}/customFieldOption/${v.id}`, value: v.value, id: v.id,
        ...(v.child ? { child: { self: `${api}/customFieldOption/${v.child.id}`, value: v.child.value, id: v.child.id } } : {}),
      };
    }
    case CUSTOM_FIELDS.platforms.id:
      return (value as SimOption[]).map(v => ({ self: `${api}/customFieldOption/${v.id}`, value: v.value, id: v.id }));
    case CUSTOM_FIELDS.sprint.id:
      if (ctx.deployment === 'datacenter') return (value as SimSprint[]).map(s => legacySprint(s, ctx));
      return (value as Array<Record<string, unknown>>).map(s => ({ ...s }));
    case 'resolutiondate':
    case CUSTOM_FIELDS.releasedAt.id:
      return jiraTimestamp(value as number, ctx.timeZone);
    default:
      return value;
  }
}

/** `2026-01-01T10:00:00.000-08:00`: legacy sprint strings write the offset with a colon. */
const legacyDate = (iso: string | undefined, ctx: RenderContext) =>
  iso === undefined ? '<null>' : jiraTimestamp(Date.parse(iso), ctx.timeZone).replace(/(\d{2})(\d{2})$/, '$1:$2');

/** Data Center's Sprint value: `com.atlassian.greenhopper.service.sprint.Sprint@1a2b[id=…,rapidViewId=…,…]`. */
export function legacySprint(s: SimSprint, ctx: RenderContext): string {
  const pairs = [
    `id=${s.id}`, `rapidViewId=${s.boardId}`, `state=${s.state.toUpperCase()}`, `name=${s.name}`,
    `startDate=${legacyDate(s.startDate, ctx)}`, `endDate=${legacyDate(s.endDate, ctx)}`, `completeDate=${legacyDate(s.completeDate, ctx)}`,
    `activatedDate=${legacyDate(s.startDate, ctx)}`, `sequence=${s.id}`, `goal=${s.goal === '' ? '<null>' : s.goal}`,
    'autoStartStop=false', 'synced=false', 'incompleteIssuesDestinationId=<null>',
  ];
  return `com.atlassian.greenhopper.service.sprint.Sprint@${(s.id * 7919).toString(16)}[${pairs.join(',')}]`;
}

export type ChangelogMode = { kind: 'none' } | { kind: 'newest'; max: number } | { kind: 'full' };

/** An issue bean: id, key, self, the selected fields and optionally an embedded changelog. */
export function renderIssue(issue: SimIssue, fields: string[], changelog: ChangelogMode, ctx: RenderContext, view: SearchView = issue) {
  const bean: Record<string, unknown> = {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: String(issue.id),
    self: `${ctx.baseUrl}/rest/api/${ctx.apiVersion}/issue/${issue.id}`,
    key: view.key,
  };
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    if (field === 'key') continue;
    const value = renderField(view, field, ctx);
    if (value !== undefined) out[field] = value;
  }
  bean.fields = out;
  if (changelog.kind !== 'none') {
    // The version of the issue being rendered decides how many histories it has (a lagging index shows fewer).
    const total = Math.min(view.historyCount, ctx.data.historyCountOf(issue));
    if (changelog.kind === 'full') {
      const histories = ctx.data.historySlice(issue, 0, total).map(h => renderHistory(h, ctx));
      bean.changelog = { startAt: 0, maxResults: total, total, histories };
    } else {
      const start = Math.max(0, total - changelog.max);
      const histories = ctx.data.historySlice(issue, start, total - start).reverse().map(h => renderHistory(h, ctx));
      bean.changelog = { startAt: 0, maxResults: changelog.max, total, histories };
    }
  }
  return bean;
}

/** A custom field's schema as this deployment writes it (Data Center's Sprint holds strings). */
const customSchema = (f: { id: string; schema: object }, deployment: 'cloud' | 'datacenter') =>
  deployment === 'datacenter' && f.id === CUSTOM_FIELDS.sprint.id ? { ...DATA_CENTER_SPRINT_SCHEMA } : { ...f.schema };

/** `names` and `schema` expansions for a set of fields. */
export function namesAndSchema(fields: string[], deployment: 'cloud' | 'datacenter' = 'cloud') {
  const names: Record<string, string> = {};
  const schema: Record<string, unknown> = {};
  for (const f of fields) {
    const system = SYSTEM_FIELDS.find(s => s.id === f);
    const custom = customFieldById.get(f);
    if (system) {
      names[f] = system.name;
      schema[f] = system.schema;
    } else if (custom) {
      names[f] = custom.name;
      schema[f] = customSchema(custom, deployment);
    }
  }
  return { names, schema };
}

/** GET /field: system fields and the custom fields of every type. */
export function fieldCatalogue(deployment: 'cloud' | 'datacenter'): unknown[] {
  return [
    ...SYSTEM_FIELDS.map(f => ({
      id: f.id, ...(deployment === 'cloud' ? { key: f.id } : {}), name: f.name, custom: false, orderable: true, navigable: f.navigable, searchable: true, clauseNames: f.clauseNames, schema: f.schema,
    })),
    ...Object.values(CUSTOM_FIELDS).map(f => ({
      id: f.id,
      ...(deployment === 'cloud' ? { key: f.id } : {}),
      name: f.name,
      custom: true,
      orderable: true,
      navigable: true,
      searchable: true,
      clauseNames: [`cf[${f.schema.customId}]`, f.name],
      schema: customSchema(f, deployment),
    })),
  ];
}
