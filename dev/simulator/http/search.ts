import { compareSortKeys, type OrderBy } from '../jql/evaluate';
import { namesAndSchema, renderIssue, selectFields, type RenderContext } from '../data/render';
import type { SimulatorState, SearchHit } from '../runtime/state';
import { jiraError } from './errors';
import type { Reply } from './routes';

/** Cloud enhanced search (keyset page tokens, no total) and Data Center search (offsets, total, result window). */

const DAY = 86_400_000;
const DEFAULT_ORDER: OrderBy[] = [{ field: 'created', direction: 'desc' }];

export interface SearchParams {
  jql?: unknown;
  nextPageToken?: unknown;
  startAt?: unknown;
  maxResults?: unknown;
  fields?: string[];
  expand?: string[];
  reconcileIssues?: unknown[];
}

export const listOf = (value: unknown): string[] | undefined =>
  value === undefined || value === null ? undefined : (Array.isArray(value) ? value.map(String) : [String(value)]).flatMap(v => v.split(',')).map(v => v.trim()).filter(Boolean);

function integer(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw jiraError(400, `The value '${String(value)}' is invalid for the parameter '${name}'.`);
  return n;
}

interface CloudToken {
  /** The JQL the token belongs to: another query cannot continue it. */
  jql: string;
  /** Sort values of the last issue returned (keyset), so edits between pages never shift the page. */
  after: Array<number | string>;
  expiresAtMs: number;
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function decodeToken<T>(token: string): T {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as T;
  } catch {
    throw jiraError(400, 'Invalid nextPageToken.');
  }
}

/** Index of the first hit strictly after a remembered sort key. */
function firstAfter(hits: SearchHit[], after: Array<number | string>, orderBy: OrderBy[]): number {
  let lo = 0;
  let hi = hits.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareSortKeys(hits[mid].key, after, orderBy) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Fields past which a page counts as heavy (Jira returns fewer issues "where a large number of fields are requested"). */
const MANY_FIELDS = 20;

/** The most issues a page with fields carries: 100, halved for `*all`/`*navigable`/many fields, halved again with changelogs. */
export function pageCap(requested: string[], fieldCount: number, withChangelog: boolean): number {
  const manyFields = fieldCount > MANY_FIELDS || requested.some(f => f === '*all' || f === '*navigable');
  return 100 / (manyFields ? 2 : 1) / (withChangelog ? 2 : 1);
}

/** GET|POST /rest/api/3/search/jql. */
export function cloudSearch(state: SimulatorState, ctx: RenderContext, params: SearchParams): Reply {
  const jql = typeof params.jql === 'string' ? params.jql : '';
  const query = state.compile(jql);
  if (!query.where) throw jiraError(400, 'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.');
  const requested = listOf(params.fields) ?? ['id'];
  const fields = selectFields(requested, 'none');
  const expand = listOf(params.expand) ?? [];
  const withChangelog = expand.includes('changelog');
  const idsOnly = fields.every(f => f === 'key') && !withChangelog;
  const cap = idsOnly ? 5000 : pageCap(requested, fields.length, withChangelog);
  const maxResults = Math.min(cap, Math.max(1, integer(params.maxResults, 'maxResults', 50)));
  const reconcile = new Set((params.reconcileIssues ?? []).map(Number));
  if (reconcile.size > 50) throw jiraError(400, 'reconcileIssues accepts at most 50 issue ids.');
  const orderBy = query.orderBy.length ? query.orderBy : DEFAULT_ORDER;

  let after: Array<number | string> | undefined;
  if (params.nextPageToken !== undefined && params.nextPageToken !== null && params.nextPageToken !== '') {
    const token = decodeToken<CloudToken>(String(params.nextPageToken));
    if (token.jql !== jql || !Array.isArray(token.after)) throw jiraError(400, 'Invalid nextPageToken.');
    if (state.clock.now() > token.expiresAtMs) throw jiraError(400, 'The nextPageToken has expired.');
    after = token.after;
  }
  const hits = state.search(query, orderBy, reconcile);
  const start = after ? firstAfter(hits, after, orderBy) : 0;
  const page = hits.slice(start, start + maxResults);
  const isLast = start + page.length >= hits.length;
  const issues = page.map(({ issue, view }) =>
    idsOnly
      ? { id: String(issue.id), ...(fields.includes('key') ? { key: view.key } : {}) }
      : renderIssue(issue, fields, withChangelog ? { kind: 'newest', max: 40 } : { kind: 'none' }, ctx, view),
  );
  const last = page[page.length - 1];
  const body: Record<string, unknown> = { issues, isLast };
  if (!isLast && last) body.nextPageToken = encode({ jql, after: last.key, expiresAtMs: state.clock.now() + 7 * DAY } satisfies CloudToken);
  if (expand.includes('names') || expand.includes('schema')) {
    const { names, schema } = namesAndSchema(fields);
    if (expand.includes('names')) body.names = names;
    if (expand.includes('schema')) body.schema = schema;
  }
  return { status: 200, body, issues: issues.length };
}

/** GET|POST /rest/api/2/search on Data Center: offsets, total, `*navigable` by default, full changelogs. */
export function dataCenterSearch(state: SimulatorState, ctx: RenderContext, params: SearchParams): Reply {
  const query = state.compile(typeof params.jql === 'string' ? params.jql : '');
  const startAt = integer(params.startAt, 'startAt', 0);
  const maxResults = Math.min(1000, integer(params.maxResults, 'maxResults', 50));
  if (startAt + maxResults > state.resultWindow) {
    throw jiraError(
      400,
      `Search limit exceeded: the search asked for results ${startAt} to ${startAt + maxResults}, past the index's result window of ${state.resultWindow} (max_result_window). Narrow the query (for example by a moving updated bound) instead of paging further.`,
    );
  }
  const fields = selectFields(listOf(params.fields), 'navigable');
  const expand = listOf(params.expand) ?? [];
  const orderBy = query.orderBy.length ? query.orderBy : DEFAULT_ORDER;
  const hits = state.search(query, orderBy);
  const page = hits.slice(startAt, startAt + maxResults);
  const issues = page.map(({ issue, view }) => renderIssue(issue, fields, expand.includes('changelog') ? { kind: 'full' } : { kind: 'none' }, ctx, view));
  const body: Record<string, unknown> = { expand: 'names,schema', startAt, maxResults, total: hits.length, issues };
  if (expand.includes('names')) body.names = namesAndSchema(fields).names;
  if (expand.includes('schema')) body.schema = namesAndSchema(fields, 'datacenter').schema;
  return { status: 200, body, issues: issues.length };
}
