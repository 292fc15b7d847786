/**
 * Paging a JQL search, one interface over both deployments:
 * - Cloud: `POST /rest/api/3/search/jql` with `nextPageToken` (the old search answers 410 there).
 * - Data Center: `POST /rest/api/2/search` with a moving JQL bound. Each page asks for
 *   `updated >= <minute of the last issue seen>` ordered by `updated ASC, key ASC`, skipping what it
 *   has already read; so the offset stays tiny (never past the 10,000 result window) and an issue
 *   edited between pages, which jumps to the end of the order, cannot shift an unread one out of
 *   the next page (the classic offset-paging loss).
 * Both de-duplicate: an issue already delivered comes again only in a newer version.
 */
import type { JiraHistory } from './types';
import type { JiraTransport } from './transport';
import { jiraTimeAt } from './serverClock';
import { jqlEpochMinute, parseJiraTime } from './time';

/** An issue as the search returns it, changelog possibly embedded and truncated. */
export interface RawIssue {
  id: string;
  key: string;
  fields: Record<string, unknown>;
  changelog?: { startAt?: number; maxResults?: number; total?: number; histories?: JiraHistory[] };
}

export interface RawPage {
  issues: RawIssue[];
  isLast: boolean;
  /** First page only: a lower bound of Jira's clock when the search ran (see serverClock.ts). */
  searchedAtJiraMs?: number;
}

export interface RawSearchRequest {
  jql: string;
  fields: string[];
  pageSize: number;
  expandChangelog: boolean;
  signal?: AbortSignal;
  context?: string;
  /** Stamp the first page with Jira's clock (`searchedAtJiraMs`); may cost a serverInfo call. */
  stampJiraTime?: boolean;
}

/** Largest startAt an OpenSearch-backed Data Center accepts (`max_result_window`). */
export const DC_RESULT_WINDOW = 10_000;

interface CloudSearchResponse {
  issues?: RawIssue[];
  isLast?: boolean;
  nextPageToken?: string;
}

interface DcSearchResponse {
  issues?: RawIssue[];
  startAt?: number;
  maxResults?: number;
  total?: number;
}

/** Splits `... ORDER BY ...` off a JQL query. */
export function splitOrderBy(jql: string): { where: string; orderBy?: string } {
  // The last ORDER BY is the top-level one; quoted text containing "order by" is rare enough.
  let index = -1;
  const re = /\border\s+by\b/gi;
  for (let m = re.exec(jql); m; m = re.exec(jql)) index = m.index;
  if (index < 0) return { where: jql.trim() };
  return { where: jql.slice(0, index).trim(), orderBy: jql.slice(index).replace(/^order\s+by\s+/i, '').trim() };
}

function updatedMsOf(issue: RawIssue): number | undefined {
  const updated = issue.fields?.updated;
  if (updated === undefined || updated === null) return undefined;
  try {
    return parseJiraTime(updated);
  } catch {
    return undefined;
  }
}

const KEYSET_ORDER = /^updated(\s+asc)?(\s*,\s*(key|issuekey|id)(\s+asc)?)?$/i;

/** Remembers which version of each issue was delivered, so none is delivered twice. */
export class DeliveredVersions {
  private readonly seen = new Map<string, number>();

  /** True when this issue (in this version or a newer one) went out already. */
  isDuplicate(issue: RawIssue): boolean {
    const updated = updatedMsOf(issue) ?? Number.NEGATIVE_INFINITY;
    const previous = this.seen.get(String(issue.id));
    return previous !== undefined && previous >= updated;
  }

  mark(issue: RawIssue): void {
    this.seen.set(String(issue.id), updatedMsOf(issue) ?? Number.NEGATIVE_INFINITY);
  }

  /** Forgets issues last updated before `ms`: a query bounded at `ms` can return them only after an edit. */
  forgetBefore(ms: number): void {
    for (const [id, updated] of this.seen) if (updated < ms) this.seen.delete(id);
  }

  get size(): number {
    return this.seen.size;
  }
}

export async function* searchCloud(transport: JiraTransport, request: RawSearchRequest): AsyncGenerator<RawPage> {
  let nextPageToken: string | undefined;
  const delivered = new DeliveredVersions();
  const { orderBy } = splitOrderBy(request.jql);
  // Ordered by updated, an issue older than the page can come back only in a newer version: forget it.
  const byUpdated = !!orderBy && KEYSET_ORDER.test(orderBy);
  for (let firstPage = true; ; firstPage = false) {
    const sentAt = performance.now();
    const timed = await transport.timedRequest<CloudSearchResponse>('POST', '/rest/api/3/search/jql', {
      body: {
        jql: request.jql,
        fields: request.fields,
        maxResults: request.pageSize,
        ...(request.expandChangelog ? { expand: 'changelog' } : {}),
        ...(nextPageToken ? { nextPageToken } : {}),
      },
      signal: request.signal,
      context: request.context,
    });
    const response = timed.body;
    const stamp = firstPage && request.stampJiraTime ? { searchedAtJiraMs: await jiraTimeAt(transport, sentAt, timed, request) } : {};
    const issues = (response.issues ?? []).filter(issue => !delivered.isDuplicate(issue));
    issues.forEach(issue => delivered.mark(issue));
    const first = response.issues?.length ? updatedMsOf(response.issues[0]) : undefined;
    if (byUpdated && first !== undefined) delivered.forgetBefore(first - 3 * 3_600_000);
    const isLast = !response.nextPageToken || response.isLast === true;
    yield { issues, isLast, ...stamp };
    if (isLast) return;
    nextPageToken = response.nextPageToken;
  }
}

/**
 * Data Center paging by a moving `updated` bound (see the module comment). A query with another
 * ORDER BY falls back to offset paging and stops with a clear error at the result window.
 */
export async function* searchDataCenter(transport: JiraTransport, request: RawSearchRequest): AsyncGenerator<RawPage> {
  const { where, orderBy } = splitOrderBy(request.jql);
  const keyset = !orderBy || KEYSET_ORDER.test(orderBy);
  const fields = keyset && !request.fields.includes('updated') ? [...request.fields, 'updated'] : request.fields;
  const delivered = new DeliveredVersions();
  let boundMs: number | undefined;
  let startAt = 0;
  let overlap = false;

  for (let first = true; ; first = false) {
    let jql = request.jql;
    if (keyset) {
      // Epoch ms: no time zone can shift the bound.
      const bound = boundMs === undefined ? '' : `updated >= ${jqlEpochMinute(boundMs)}`;
      const clauses = [where && `(${where})`, bound].filter(Boolean).join(' AND ');
      jql = `${clauses} ORDER BY updated ASC, key ASC`.trim();
    } else if (startAt >= DC_RESULT_WINDOW) {
      throw new Error(
        `${request.context ? `${request.context}: ` : ''}cannot page past ${DC_RESULT_WINDOW} results of a Data Center search ordered by "${orderBy}"; order by updated to page by a moving bound`,
      );
    }
    const sentAt = performance.now();
    const timed = await transport.timedRequest<DcSearchResponse>('POST', '/rest/api/2/search', {
      body: {
        jql,
        startAt,
        // One more than a page when the first one is a repeat (the step back below), so pages stay full.
        maxResults: request.pageSize + (overlap ? 1 : 0),
        fields,
        ...(request.expandChangelog ? { expand: ['changelog'] } : {}),
      },
      signal: request.signal,
      context: request.context,
    });
    const response = timed.body;
    const stamp = first && request.stampJiraTime ? { searchedAtJiraMs: await jiraTimeAt(transport, sentAt, timed, request) } : {};
    const page: RawIssue[] = response.issues ?? [];
    const total = response.total ?? 0;
    const fresh = page.filter(issue => !delivered.isDuplicate(issue));
    fresh.forEach(issue => delivered.mark(issue));
    const exhausted = page.length === 0 || startAt + page.length >= total;

    if (!keyset) {
      startAt += page.length;
      yield { issues: fresh, isLast: exhausted, ...stamp };
      if (exhausted) return;
      continue;
    }

    const lastUpdated = page.length ? updatedMsOf(page[page.length - 1]) : undefined;
    if (exhausted || lastUpdated === undefined) {
      yield { issues: fresh, isLast: true, ...stamp };
      return;
    }
    const boundMinute = Math.floor(lastUpdated / 60_000) * 60_000;
    const sameBound = boundMs !== undefined && Math.floor(boundMs / 60_000) * 60_000 === boundMinute;
    if (!fresh.length || sameBound) {
      // No progress past the minute (a dense minute, or a DST fold widening the bound): page on by offset.
      startAt += page.length - (fresh.length ? 1 : 0);
      overlap = fresh.length > 0;
    } else {
      // From the minute of the last issue seen: the ones already read in that minute sort first, so
      // skip them by offset. One step back tolerates one of them being edited (and moving to the
      // end of the order) meanwhile; the delivered set drops the repeat.
      boundMs = lastUpdated;
      startAt = Math.max(0, page.filter(issue => (updatedMsOf(issue) ?? 0) >= boundMinute).length - 1);
      overlap = true;
      delivered.forgetBefore(boundMinute - 3 * 3_600_000);
    }
    if (startAt >= DC_RESULT_WINDOW) {
      throw new Error(
        `${request.context ? `${request.context}: ` : ''}more than ${DC_RESULT_WINDOW} issues were updated within the minute ${new Date(boundMinute).toISOString()}; a Data Center search cannot page through them`,
      );
    }
    yield { issues: fresh, isLast: false, ...stamp };
  }
}
