import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compareBy, evaluate, JqlError, parseJql, sortKey, validate, type EvalContext, type OrderBy, type Query } from './jql';
import type { SearchView, SimIssue } from './model';
import { fieldCatalogue, renderHistory, renderIssue, selectFields, type ChangelogMode, type RenderContext } from './render';
import type { SimulatorState } from './state';
import { HttpError, jiraError } from './errors';
import { jiraTimestamp } from './time';

/** The HTTP face of the simulator: Jira Cloud REST v3 or Data Center REST v2, with its limits and faults. */

const notFound = () => jiraError(404, 'Issue does not exist or you do not have permission to see it.');
const REMOVED_SEARCH =
  'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046';

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Issues in the body, for the latency model. */
  issues?: number;
}

/** Normalised endpoint names for the request log (ids and keys replaced). */
export function endpointOf(method: string, path: string): string {
  return `${method} ${path.replace(/\/issue\/[^/]+/, '/issue/{id}').replace(/\?.*$/, '')}`;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const unb64 = <T>(token: string): T => {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as T;
  } catch {
    throw jiraError(400, 'The provided next page token is invalid or expired.');
  }
};

export async function startServer(state: SimulatorState, port: number): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    handle(state, req, res).catch(error => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errorMessages: [String(error?.message ?? error)], errors: {} }));
      }
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve));
  const { port: actual } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${actual}` };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function handle(state: SimulatorState, req: IncomingMessage, res: ServerResponse) {
  const started = Date.now();
  const url = new URL(req.url ?? '/', 'http://simulator');
  const method = req.method ?? 'GET';
  const endpoint = endpointOf(method, url.pathname);
  const log = (status: number, bytes: number) =>
    state.requestLog.push({ method, path: url.pathname + url.search, endpoint, status, bytes, ms: Date.now() - started, at: Date.now() });
  const rawBody = method === 'POST' || method === 'PUT' ? await readBody(req) : '';

  const fault = state.faults.decide();
  if (fault.kind === 'reset') {
    log(0, 0);
    req.socket.destroy();
    return;
  }
  if (fault.kind === 'slow') await new Promise(r => setTimeout(r, fault.ms));

  let reply: Reply;
  try {
    const rate = state.rateLimiter.take(`${endpoint}`, Date.now());
    if (!rate.allowed) {
      throw new HttpError(429, { errorMessages: ['Rate limit exceeded.'] }, {
        ...rate.headers,
        'Retry-After': String(rate.retryAfterSeconds),
        'RateLimit-Reason': rate.reason,
      });
    }
    if (fault.kind === '429') {
      throw new HttpError(429, { errorMessages: ['Rate limit exceeded.'] }, {
        'Retry-After': '1',
        'X-RateLimit-Limit': '100',
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': new Date(Date.now() + 1000).toISOString(),
        'RateLimit-Reason': 'jira-burst-based',
      });
    }
    if (fault.kind === '5xx') {
      throw new HttpError(fault.status, { errorMessages: ['Internal server error (injected)'] }, fault.retryAfterSeconds ? { 'Retry-After': String(fault.retryAfterSeconds) } : {});
    }
    state.authenticate(req.headers.authorization);
    reply = route(state, method, url, rawBody);
    reply.headers = { ...rate.headers, ...reply.headers };
  } catch (error) {
    if (error instanceof HttpError) reply = { status: error.status, body: error.body, headers: error.headers };
    else if (error instanceof JqlError) reply = { status: 400, body: { errorMessages: [`Error in the JQL Query: ${error.message}`], errors: {} } };
    else throw error;
  }

  const latency = state.latency ? state.latency.fixedMs + state.latency.perIssueMs * (reply.issues ?? 0) : 0;
  if (latency > 0) await new Promise(r => setTimeout(r, latency));
  const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
  const bytes = Buffer.byteLength(text);
  const headers = { 'content-type': 'application/json;charset=UTF-8', 'content-length': String(bytes), ...reply.headers };
  log(reply.status, bytes);
  if (fault.kind === 'truncate' && bytes > 2) {
    // The promised length with half the body, then the connection dies: a truncated response.
    res.writeHead(reply.status, headers);
    res.write(text.slice(0, Math.floor(text.length / 2)));
    setImmediate(() => res.socket?.destroy());
    return;
  }
  res.writeHead(reply.status, headers);
  res.end(text);
}

function parseJsonBody(raw: string): Record<string, unknown> {
  if (!raw) return {};
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    throw jiraError(400, 'Invalid request payload. Refer to the REST API documentation and try again.');
  }
}

const list = (value: unknown): string[] | undefined =>
  value === undefined || value === null ? undefined : Array.isArray(value) ? value.map(String) : String(value).split(',');

function route(state: SimulatorState, method: string, url: URL, rawBody: string): Reply {
  const m = /^\/rest\/api\/(2|3|latest)\/(.*)$/.exec(url.pathname);
  if (!m) throw jiraError(404, 'Not found');
  const version = m[1] === '3' ? '3' : '2';
  const rest = m[2];
  const cloud = state.deployment === 'cloud';
  if (!cloud && version === '3') throw jiraError(404, 'Not found');
  const ctx: RenderContext = { data: state.data, baseUrl: state.url, apiVersion: version, timeZone: state.timeZone };
  const query = (name: string) => url.searchParams.get(name) ?? undefined;
  const body = method === 'POST' ? parseJsonBody(rawBody) : {};

  if (rest === 'serverInfo' && method === 'GET') {
    return {
      status: 200,
      body: {
        baseUrl: state.url,
        version: cloud ? '1001.0.0-SNAPSHOT' : '9.12.4',
        versionNumbers: cloud ? [1001, 0, 0] : [9, 12, 4],
        deploymentType: cloud ? 'Cloud' : 'DataCenter',
        buildNumber: cloud ? 100280 : 9120004,
        buildDate: '2026-11-01T00:00:00.000+0000',
        serverTime: jiraTimestamp(state.clock.now(), state.timeZone),
        scmInfo: 'a1b2c3d4',
        serverTitle: 'Jira simulator',
      },
    };
  }
  if (rest === 'myself' && method === 'GET') {
    const user = state.currentUser;
    return {
      status: 200,
      body: cloud
        ? { self: `${state.url}/rest/api/3/user?accountId=${user.accountId}`, accountId: user.accountId, accountType: 'atlassian', emailAddress: user.emailAddress, displayName: user.displayName, active: true, timeZone: state.timeZone, locale: 'en_US' }
        : { self: `${state.url}/rest/api/2/user?username=sync-bot`, key: 'JIRAUSER10000', name: 'sync-bot', emailAddress: user.emailAddress, displayName: user.displayName, active: true, timeZone: state.timeZone, locale: 'en_US' },
    };
  }
  if (rest === 'field' && method === 'GET') return { status: 200, body: fieldCatalogue() };

  if (rest === 'search') {
    if (cloud) throw new HttpError(410, { errorMessages: [REMOVED_SEARCH], errors: {} });
    return dcSearch(state, ctx, method === 'GET' ? Object.fromEntries(url.searchParams) : body);
  }
  if (rest === 'search/jql') {
    if (!cloud) throw jiraError(404, 'Not found');
    return cloudSearch(state, ctx, method === 'GET' ? Object.fromEntries(url.searchParams) : body);
  }
  if (rest === 'search/approximate-count' && method === 'POST') {
    if (!cloud) throw jiraError(404, 'Not found');
    const parsed = state.parse(String(body.jql ?? ''));
    return { status: 200, body: { count: state.search(parsed).length } };
  }
  if (rest === 'issue/bulkfetch' && method === 'POST') {
    if (!cloud) throw jiraError(404, 'Not found');
    const wanted = list(body.issueIdsOrKeys) ?? [];
    if (!wanted.length || wanted.length > 100) throw jiraError(400, 'issueIdsOrKeys must contain between 1 and 100 items.');
    const fields = selectFields(list(body.fields), true);
    const expand = list(body.expand) ?? [];
    const issues: unknown[] = [];
    const issueErrors: unknown[] = [];
    for (const idOrKey of wanted) {
      const issue = state.visible(idOrKey);
      if (!issue) issueErrors.push({ id: idOrKey, errorMessage: 'Issue does not exist or you do not have permission to see it.' });
      else issues.push(renderIssue(issue, fields, expand.includes('changelog') ? { kind: 'newest', max: 100 } : { kind: 'none' }, ctx));
    }
    return { status: 200, body: { expand: 'schema,names', issues, issueErrors }, issues: issues.length };
  }
  if (rest === 'changelog/bulkfetch' && method === 'POST') {
    if (!cloud) throw jiraError(404, 'Not found');
    return changelogBulkFetch(state, ctx, body);
  }
  const issuePath = /^issue\/([^/]+)(\/changelog)?$/.exec(rest);
  if (issuePath && method === 'GET') {
    const issue = state.visible(decodeURIComponent(issuePath[1]));
    if (!issue) throw notFound();
    if (issuePath[2]) {
      const total = state.data.historyCount(issue);
      const startAt = Math.max(0, Number(query('startAt') ?? 0));
      const maxResults = Math.min(100, Math.max(1, Number(query('maxResults') ?? 100)));
      const values = state.data.historySlice(issue, startAt, maxResults).map(h => renderHistory(h, ctx));
      return {
        status: 200,
        body: {
          self: `${state.url}/rest/api/${version}/issue/${issue.id}/changelog?maxResults=${maxResults}&startAt=${startAt}`,
          nextPage: startAt + values.length < total ? `${state.url}/rest/api/${version}/issue/${issue.id}/changelog?maxResults=${maxResults}&startAt=${startAt + values.length}` : undefined,
          maxResults,
          startAt,
          total,
          isLast: startAt + values.length >= total,
          values,
        },
      };
    }
    const fields = selectFields(list(query('fields')), true);
    const changelog: ChangelogMode = (query('expand') ?? '').split(',').includes('changelog')
      ? cloud ? { kind: 'newest', max: 100 } : { kind: 'full' }
      : { kind: 'none' };
    return { status: 200, body: renderIssue(issue, fields, changelog, ctx), issues: 1 };
  }
  throw jiraError(404, `No resource for ${method} ${url.pathname} in this simulator`);
}

interface CloudToken {
  jql: string;
  after: Array<number | string>;
}

/** Cloud enhanced search: keyset tokens, so edits between pages never lose or repeat untouched issues. */
function cloudSearch(state: SimulatorState, ctx: RenderContext, params: Record<string, unknown>): Reply {
  const jql = String(params.jql ?? '');
  if (!jql.trim()) throw jiraError(400, 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.');
  const parsed = state.parse(jql);
  const fields = selectFields(list(params.fields), false);
  const idsOnly = fields.length === 0;
  const expand = list(params.expand) ?? [];
  const many = (list(params.fields) ?? []).some(f => f === '*all' || f === '*navigable') || fields.length > 30;
  const cap = idsOnly && !expand.includes('changelog') ? 5000 : many || expand.includes('changelog') ? 50 : 100;
  const maxResults = Math.min(cap, Math.max(1, Number(params.maxResults ?? 50)));
  const orderBy: OrderBy[] = parsed.orderBy.length ? parsed.orderBy : [{ field: 'created', direction: 'desc' }];
  let after: CloudToken['after'] | undefined;
  if (params.nextPageToken) {
    const token = unb64<CloudToken>(String(params.nextPageToken));
    if (token.jql !== jql) throw jiraError(400, 'The provided next page token is invalid or expired.');
    after = token.after;
  }
  const matches = state.search(parsed, orderBy);
  const startIndex = after ? firstAfter(matches.map(m => m.view), orderBy, after) : 0;
  const page = matches.slice(startIndex, startIndex + maxResults);
  const isLast = startIndex + page.length >= matches.length;
  const issues = page.map(({ issue, view }) =>
    idsOnly && !expand.includes('changelog')
      ? { id: String(issue.id) }
      : renderIssue(issue, fields, expand.includes('changelog') ? { kind: 'newest', max: 40 } : { kind: 'none' }, ctx, view.hidden ? issue : issue),
  );
  const last = page[page.length - 1];
  return {
    status: 200,
    body: { issues, isLast, ...(isLast || !last ? {} : { nextPageToken: b64({ jql, after: sortKey(last.view, orderBy) }) }) },
    issues: issues.length,
  };
}

/** Index of the first view strictly after the remembered sort key. */
function firstAfter(views: SearchView[], orderBy: OrderBy[], after: Array<number | string>): number {
  const compare = (view: SearchView) => {
    const key = sortKey(view, orderBy);
    for (let i = 0; i < orderBy.length; i++) {
      const a = key[i];
      const b = after[i];
      const d = orderBy[i].field === 'key' ? compareKeyStrings(String(a), String(b)) : typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
      if (d !== 0) return orderBy[i].direction === 'asc' ? d : -d;
    }
    return (key[key.length - 1] as number) - (after[after.length - 1] as number);
  };
  let lo = 0;
  let hi = views.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compare(views[mid]) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function compareKeyStrings(a: string, b: string) {
  const [pa, na] = a.split('-');
  const [pb, nb] = b.split('-');
  return pa === pb ? Number(na) - Number(nb) : pa < pb ? -1 : 1;
}

/** Data Center search: offsets, a total, full changelogs, and the result window. */
function dcSearch(state: SimulatorState, ctx: RenderContext, params: Record<string, unknown>): Reply {
  const parsed = state.parse(String(params.jql ?? ''));
  const startAt = Math.max(0, Number(params.startAt ?? 0));
  const maxResults = Math.min(1000, Math.max(0, Number(params.maxResults ?? 50)));
  if (startAt + Math.min(maxResults, 1) > state.resultWindow) {
    throw jiraError(400, `Search limit exceeded: startAt + maxResults must not be greater than ${state.resultWindow} (index.max_result_window). Narrow the query.`);
  }
  const fields = selectFields(list(params.fields), true);
  const expand = list(params.expand) ?? [];
  const orderBy: OrderBy[] = parsed.orderBy.length ? parsed.orderBy : [{ field: 'key', direction: 'desc' }];
  const matches = state.search(parsed, orderBy);
  const page = matches.slice(startAt, Math.min(startAt + maxResults, state.resultWindow));
  const issues = page.map(({ issue }) => renderIssue(issue, fields, expand.includes('changelog') ? { kind: 'full' } : { kind: 'none' }, ctx));
  return { status: 200, body: { expand: 'names,schema', startAt, maxResults, total: matches.length, issues }, issues: issues.length };
}

interface ChangelogToken {
  ids: string;
  issue: number;
  history: number;
}

/** POST changelog/bulkfetch: complete changelogs of up to 1000 issues, oldest first, paged by histories. */
function changelogBulkFetch(state: SimulatorState, ctx: RenderContext, body: Record<string, unknown>): Reply {
  const wanted = list(body.issueIdsOrKeys) ?? [];
  if (!wanted.length || wanted.length > 1000) throw jiraError(400, 'issueIdsOrKeys must contain between 1 and 1000 items.');
  const fieldIds = list(body.fieldIds);
  if (fieldIds && fieldIds.length > 10) throw jiraError(400, 'fieldIds must contain at most 10 items.');
  const maxResults = Math.min(10_000, Math.max(1, Number(body.maxResults ?? 1000)));
  const idsKey = wanted.join(',');
  let position = { issue: 0, history: 0 };
  if (body.nextPageToken) {
    const token = unb64<ChangelogToken>(String(body.nextPageToken));
    if (token.ids !== idsKey) throw jiraError(400, 'The provided next page token is invalid or expired.');
    position = { issue: token.issue, history: token.history };
  }
  const issues = wanted.map(w => state.visible(w)).filter((i): i is SimIssue => !!i);
  const out: Array<{ issueId: string; changeHistories: unknown[] }> = [];
  let budget = maxResults;
  let i = position.issue;
  let h = position.history;
  while (i < issues.length && budget > 0) {
    const issue = issues[i];
    const total = state.data.historyCount(issue);
    const take = Math.min(budget, total - h);
    const slice = state.data.historySlice(issue, h, take);
    const histories = slice
      .map(history => (fieldIds ? { ...history, items: history.items.filter(item => fieldIds.includes(item.fieldId ?? item.field)) } : history))
      .filter(history => history.items.length > 0)
      .map(history => renderHistory(history, ctx));
    if (histories.length) out.push({ issueId: String(issue.id), changeHistories: histories });
    budget -= take;
    h += take;
    if (h >= total) {
      i++;
      h = 0;
    }
  }
  const done = i >= issues.length;
  return {
    status: 200,
    body: { issueChangeLogs: out, ...(done ? {} : { nextPageToken: b64({ ids: idsKey, issue: i, history: h }) }) },
    issues: out.length,
  };
}

export type { Query, EvalContext };
export { compareBy, evaluate, parseJql, validate };
