import { fieldCatalogue, renderHistory, renderIssue, renderUser, selectFields, type ChangelogMode, type RenderContext } from '../data/render';
import type { SimIssue } from '../data/store';
import { jiraTimestamp } from '../data/time';
import type { SimulatorState } from '../runtime/state';
import { HttpError, jiraError } from './errors';
import { cloudSearch, dataCenterSearch, listOf, type SearchParams } from './search';

/** The REST resources: Cloud v3 (and v2 aliases) or Data Center v2, each answering 404 where the other deployment's API lives. */

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Issues in the body, for the latency model. */
  issues?: number;
}

export const REMOVED_SEARCH =
  'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046';
const ISSUE_NOT_FOUND = 'Issue does not exist or you do not have permission to see it.';
const notFound = (what: string) => jiraError(404, what);

function parseJsonBody(raw: string): Record<string, unknown> {
  if (!raw) return {};
  try {
    const body = JSON.parse(raw);
    if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // Falls through to Jira's answer for an unreadable body.
  }
  throw jiraError(400, 'Invalid request payload. Refer to the REST API documentation and try again.');
}

type JsonKind = 'string' | 'integer' | 'boolean' | 'string[]' | 'integer[]';

/** Request body property types of the Cloud POST resources, as the OpenAPI document declares them. */
const BODY_TYPES: Record<string, Record<string, JsonKind>> = {
  'search/jql': { jql: 'string', nextPageToken: 'string', maxResults: 'integer', fields: 'string[]', expand: 'string', properties: 'string[]', fieldsByKeys: 'boolean', reconcileIssues: 'integer[]', failFast: 'boolean' },
  'search/approximate-count': { jql: 'string' },
  'issue/bulkfetch': { issueIdsOrKeys: 'string[]', fields: 'string[]', expand: 'string[]', properties: 'string[]', fieldsByKeys: 'boolean' },
  'changelog/bulkfetch': { issueIdsOrKeys: 'string[]', fieldIds: 'string[]', maxResults: 'integer', nextPageToken: 'string' },
};

const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const integral = (v: unknown) => (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^-?\d+$/.test(v));
const KIND_CHECKS: Record<JsonKind, (v: unknown) => boolean> = {
  string: scalar,
  integer: integral,
  boolean: v => typeof v === 'boolean' || v === 'true' || v === 'false',
  'string[]': v => Array.isArray(v) && v.every(scalar),
  'integer[]': v => Array.isArray(v) && v.every(integral),
};

/**
 * Jira binds bodies with Jackson: scalars coerce (50 and "50" alike) but an array where a string is
 * declared (`expand` on search/jql) or a string where an array is (`fields`) is a 400, not a guess.
 */
function checkBodyTypes(resource: string, body: Record<string, unknown>) {
  const types = BODY_TYPES[resource];
  if (!types) return;
  for (const [name, kind] of Object.entries(types)) {
    const value = body[name];
    if (value !== undefined && value !== null && !KIND_CHECKS[kind](value)) {
      throw jiraError(400, `Invalid request payload. Refer to the REST API documentation and try again. '${name}' must be ${kind === 'string[]' || kind === 'integer[]' ? `an array of ${kind.slice(0, -2)}s` : `a ${kind}`}.`);
    }
  }
}

function searchParams(method: string, url: URL, body: Record<string, unknown>): SearchParams {
  if (method === 'POST') return body as SearchParams;
  const q = url.searchParams;
  const all = (name: string) => (q.getAll(name).length ? q.getAll(name) : undefined);
  return {
    jql: q.get('jql') ?? undefined,
    nextPageToken: q.get('nextPageToken') ?? undefined,
    startAt: q.get('startAt') ?? undefined,
    maxResults: q.get('maxResults') ?? undefined,
    fields: all('fields'),
    expand: all('expand'),
    reconcileIssues: all('reconcileIssues')?.flatMap(v => v.split(',')),
  };
}

export function route(state: SimulatorState, method: string, url: URL, rawBody: string): Reply {
  const m = /^\/rest\/api\/(2|3|latest)\/(.*?)\/?$/.exec(url.pathname);
  if (!m) throw notFound(`No resource at ${url.pathname}.`);
  const version = m[1] === '3' ? '3' : '2';
  const resource = m[2];
  const cloud = state.deployment === 'cloud';
  // Data Center has no REST v3; Cloud serves both.
  if (!cloud && version === '3') throw notFound(`No resource at ${url.pathname}.`);
  const ctx: RenderContext = { data: state.data, baseUrl: state.url, apiVersion: version, deployment: state.deployment, timeZone: state.timeZone };
  const body = method === 'POST' ? parseJsonBody(rawBody) : {};
  if (method === 'POST' && cloud) checkBodyTypes(resource, body);
  const onlyOn = (deployment: 'cloud' | 'datacenter') => {
    if (state.deployment !== deployment) throw notFound(`No resource at ${url.pathname}.`);
  };
  const methods = (...allowed: string[]) => {
    if (!allowed.includes(method)) throw new HttpError(405, { errorMessages: [`Method ${method} is not allowed here.`], errors: {} }, { Allow: allowed.join(', ') });
  };

  switch (resource) {
    case 'serverInfo':
      methods('GET');
      return { status: 200, body: serverInfo(state) };
    case 'myself':
      methods('GET');
      return { status: 200, body: myself(state, ctx) };
    case 'field':
      methods('GET');
      return { status: 200, body: fieldCatalogue(state.deployment) };
    case 'search':
      methods('GET', 'POST');
      if (cloud) throw new HttpError(410, { errorMessages: [REMOVED_SEARCH], errors: {} });
      return dataCenterSearch(state, ctx, searchParams(method, url, body));
    case 'search/jql':
      methods('GET', 'POST');
      onlyOn('cloud');
      return cloudSearch(state, ctx, searchParams(method, url, body));
    case 'search/approximate-count': {
      methods('POST');
      onlyOn('cloud');
      const query = state.compile(typeof body.jql === 'string' ? body.jql : '');
      if (!query.where) throw jiraError(400, 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.');
      return { status: 200, body: { count: state.search(query, []).length } };
    }
    case 'issue/bulkfetch':
      methods('POST');
      onlyOn('cloud');
      return bulkFetch(state, ctx, body);
    case 'changelog/bulkfetch':
      methods('POST');
      onlyOn('cloud');
      return changelogBulkFetch(state, ctx, body);
    default:
      break;
  }

  const issuePath = /^issue\/([^/]+)(\/changelog)?$/.exec(resource);
  if (issuePath) {
    methods('GET');
    const issue = state.visible(decodeURIComponent(issuePath[1]));
    if (!issue) throw notFound(ISSUE_NOT_FOUND);
    if (issuePath[2]) {
      onlyOn('cloud');
      return changelogPage(state, ctx, issue, url);
    }
    const fields = selectFields(listOf(url.searchParams.getAll('fields')), 'all');
    const expand = listOf(url.searchParams.getAll('expand')) ?? [];
    // Cloud embeds the newest 100 histories, newest first; Data Center the full changelog, oldest first.
    let changelog: ChangelogMode = { kind: 'none' };
    if (expand.includes('changelog')) changelog = cloud ? { kind: 'newest', max: 100 } : { kind: 'full' };
    return { status: 200, body: renderIssue(issue, fields, changelog, ctx), issues: 1 };
  }
  throw notFound(`No resource at ${url.pathname}.`);
}

function serverInfo(state: SimulatorState) {
  const cloud = state.deployment === 'cloud';
  return {
    baseUrl: state.url,
    displayUrl: state.url,
    version: cloud ? '1001.0.0-SNAPSHOT' : '9.12.4',
    versionNumbers: cloud ? [1001, 0, 0] : [9, 12, 4],
    // Data Center reports "Server" here too.
    deploymentType: cloud ? 'Cloud' : 'Server',
    buildNumber: cloud ? 100280 : 912004,
    buildDate: cloud ? '2026-11-01T00:00:00.000+0000' : '2024-01-15T00:00:00.000+0000',
    serverTime: jiraTimestamp(state.clock.now(), state.timeZone),
    scmInfo: 'a1b2c3d4e5f6',
    serverTitle: 'Jira simulator',
    ...(cloud ? {} : { serverTimeZone: 'UTC' }),
  };
}

function myself(state: SimulatorState, ctx: RenderContext) {
  const user = renderUser(state.currentUser, ctx)!;
  const common = { timeZone: state.timeZone, locale: 'en_US', groups: { size: 1, items: [] }, applicationRoles: { size: 1, items: [] }, expand: 'groups,applicationRoles' };
  return { ...user, ...common };
}

function bulkFetch(state: SimulatorState, ctx: RenderContext, body: Record<string, unknown>): Reply {
  const wanted = Array.isArray(body.issueIdsOrKeys) ? body.issueIdsOrKeys.map(String) : [];
  if (!wanted.length || wanted.length > 100) throw jiraError(400, 'issueIdsOrKeys must contain between 1 and 100 issue ids or keys.');
  const fields = selectFields(listOf(body.fields), 'navigable');
  const expand = listOf(body.expand) ?? [];
  const seen = new Set<number>();
  const issues: unknown[] = [];
  const issueErrors: Array<{ id: string; errorMessage: string }> = [];
  for (const idOrKey of wanted) {
    // As documented: issues that do not exist or cannot be seen are left out (not in issueErrors), moved keys resolve.
    const issue = state.visible(idOrKey);
    if (!issue || seen.has(issue.id)) continue;
    seen.add(issue.id);
    // Retriable per-issue failures are listed by id in issueErrors: the caller must fetch those again.
    if (state.faults.issueError()) issueErrors.push({ id: String(issue.id), errorMessage: 'The issue could not be retrieved due to a temporary error. Try again.' });
    else issues.push(renderIssue(issue, fields, expand.includes('changelog') ? { kind: 'newest', max: 40 } : { kind: 'none' }, ctx));
  }
  return { status: 200, body: { issues, issueErrors }, issues: issues.length };
}

/** GET issue/{id}/changelog: a page of histories, oldest first, at most 100. */
function changelogPage(state: SimulatorState, ctx: RenderContext, issue: SimIssue, url: URL): Reply {
  const total = state.data.historyCountOf(issue);
  const number = (name: string, fallback: number) => {
    const raw = url.searchParams.get(name);
    const n = raw === null ? fallback : Number(raw);
    if (!Number.isInteger(n) || n < 0) throw jiraError(400, `The value '${raw}' is invalid for the parameter '${name}'.`);
    return n;
  };
  const startAt = number('startAt', 0);
  const maxResults = Math.min(100, Math.max(1, number('maxResults', 100)));
  const values = state.data.historySlice(issue, startAt, maxResults).map(h => renderHistory(h, ctx));
  const base = `${state.url}/rest/api/${ctx.apiVersion}/issue/${issue.key}/changelog`;
  const isLast = startAt + values.length >= total;
  return {
    status: 200,
    body: {
      self: `${base}?maxResults=${maxResults}&startAt=${startAt}`,
      ...(isLast ? {} : { nextPage: `${base}?maxResults=${maxResults}&startAt=${startAt + values.length}` }),
      maxResults,
      startAt,
      total,
      isLast,
      values,
    },
  };
}

interface ChangelogToken {
  ids: string;
  issue: number;
  history: number;
}

/** POST changelog/bulkfetch: complete changelogs of up to 1000 issues, oldest first; maxResults counts histories. */
function changelogBulkFetch(state: SimulatorState, ctx: RenderContext, body: Record<string, unknown>): Reply {
  const wanted = Array.isArray(body.issueIdsOrKeys) ? body.issueIdsOrKeys.map(String) : [];
  if (!wanted.length || wanted.length > 1000) throw jiraError(400, 'issueIdsOrKeys must contain between 1 and 1000 issue ids or keys.');
  const fieldIds = body.fieldIds === undefined ? undefined : listOf(body.fieldIds);
  if (fieldIds && fieldIds.length > 10) throw jiraError(400, 'fieldIds must contain at most 10 field ids.');
  const rawMax = Number(body.maxResults ?? 1000);
  if (!Number.isInteger(rawMax) || rawMax < 1 || rawMax > 10_000) throw jiraError(400, 'maxResults must be between 1 and 10000.');
  const maxResults = rawMax;
  const idsKey = wanted.join(',');
  let position = { issue: 0, history: 0 };
  if (body.nextPageToken) {
    let token: ChangelogToken;
    try {
      token = JSON.parse(Buffer.from(String(body.nextPageToken), 'base64url').toString('utf8'));
    } catch {
      throw jiraError(400, 'Invalid nextPageToken.');
    }
    if (token.ids !== idsKey) throw jiraError(400, 'Invalid nextPageToken.');
    position = { issue: token.issue, history: token.history };
  }
  const seen = new Set<number>();
  const issues = wanted.map(w => state.visible(w)).filter((i): i is SimIssue => !!i && !seen.has(i.id) && !!seen.add(i.id));
  const out: Array<{ issueId: string; changeHistories: unknown[] }> = [];
  let budget = maxResults;
  let i = position.issue;
  let h = position.history;
  while (i < issues.length && budget > 0) {
    const issue = issues[i];
    const total = state.data.historyCountOf(issue);
    const take = Math.min(budget, total - h);
    const histories = state.data
      .historySlice(issue, h, take)
      .map(history => (fieldIds ? { ...history, items: history.items.filter(item => fieldIds.includes(item.fieldId ?? item.field)) } : history))
      .filter(history => history.items.length > 0)
      .map(history => renderHistory(history, ctx, 'bulkfetch'));
    if (histories.length) out.push({ issueId: String(issue.id), changeHistories: histories });
    budget -= take;
    h += take;
    if (h >= total) {
      i++;
      h = 0;
    }
  }
  const done = i >= issues.length;
  const next = Buffer.from(JSON.stringify({ ids: idsKey, issue: i, history: h } satisfies ChangelogToken)).toString('base64url');
  return { status: 200, body: { issueChangeLogs: out, ...(done ? {} : { nextPageToken: next }) }, issues: out.length };
}
