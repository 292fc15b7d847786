/**
 * Complete changelogs with the fewest calls. An embedded changelog is trusted only when it holds
 * all `total` histories; otherwise the rest comes from (Cloud) `POST /rest/api/3/changelog/bulkfetch`,
 * batched across search pages up to 1000 issues a call, or `GET issue/{id}/changelog?startAt=N`
 * when only a few new histories of a long changelog are missing; (Data Center) the per-issue
 * `issue/{id}?expand=changelog`. An issue whose stored history count is known gets only its new
 * histories (`historiesFrom`), straight from the embedded ones when they cover the gap.
 *
 * Measured on the simulator's default data (Cloud, 1,000 issues, long-tail histories: 21,505
 * histories, 926 issues with any, 58 with more than 40, the longest 1,453), a full read with the
 * sync's 15 default fields (changelog.sim.test.ts prints these numbers):
 *
 *   strategy                                      calls  (search + bulk + serverInfo)   bytes
 *   search with expand=changelog (pages of 50),     23    (20 + 2 + 1)                 15.37 MB
 *     bulkfetch only the 58 truncated
 *   search without (pages of 100),                   14    (10 + 3 + 1)                 14.04 MB
 *     bulkfetch all 926 in one 1000-issue batch
 *   lower bound from the truth                       13    (10 pages + 3 bulk calls: 21,505 histories at ≤10,000 a call)
 *
 * Embedding halves the page size and re-sends 40 histories of every truncated issue, so a full
 * read searches WITHOUT expand and batches bulkfetch across pages: 14 calls, ratio 1.077 to the
 * bound (1.0 without the one-off serverInfo). An incremental read of 5 edited issues (two of them
 * with 1,000+ histories) is the opposite case: WITH expand it costs 1 call and 67 KB (the new
 * histories are in the embedded 40, `historiesFrom` set), without it 3 calls and 248 KB. Hence
 * the default `expandOnSearch: 'auto'`: embed when the JQL has an `updated >=` bound (an
 * incremental sweep), not otherwise. Data Center embeds full changelogs in the search: 10 pages
 * of 100 for the same data, no changelog call.
 */
import { compareIds } from '../lib/ids';
import type { IssuePage, JiraDeployment, JiraHistory, JiraIssue, StoredHistoryState } from './types';
import type { RawIssue, RawPage } from './search';
import type { JiraTransport } from './transport';
import { readJiraTime } from './time';

/** The enhanced search embeds at most this many histories (newest), whatever `total` says. */
export const CLOUD_EMBEDDED_HISTORY_LIMIT = 40;
export const BULKFETCH_MAX_ISSUES = 1000;
export const BULKFETCH_MAX_HISTORIES = 10_000;
export const CHANGELOG_PAGE_SIZE = 100;
/** Known histories worth one extra call per new page not to re-read them (~250 KB at ~600 B a history). */
export const LONG_KNOWN_HISTORY = 400;

export interface ChangelogOptions {
  deployment: JiraDeployment;
  storedHistories?: (issueIds: string[]) => Promise<Map<string, StoredHistoryState>>;
  signal?: AbortSignal;
  context?: string;
  /** Issues waiting for a bulk changelog fetch before it is sent (≤ 1000). */
  batchIssues: number;
  /** Issues held back (in order) while a batch fills: bounds memory. */
  maxBufferedIssues: number;
  /** Fetch new histories per issue (`startAt`) when at most this many pages are needed and the known part is large. */
  perIssueMaxPages: number;
}

/** What still has to be fetched for one issue. */
type Need =
  | { kind: 'none' }
  | { kind: 'bulk'; dropFirst: number }
  | { kind: 'page'; startAt: number }
  | { kind: 'dc-issue' };

interface Pending {
  issue: JiraIssue;
  /** The history count the search reported (undefined when the search embedded none). */
  reportedTotal?: number;
  stored?: StoredHistoryState;
  need: Need;
}

export class IncompleteChangelogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncompleteChangelogError';
  }
}

/**
 * Oldest first, each id once (pages may overlap when histories are added while reading): by
 * `created`, then id. When any history's time cannot be read the list is ordered by id alone
 * (Jira's ids grow with creation), never by a made-up time; the transform then refuses that
 * history by name, so the issue goes to the dead letters instead of storing a guess.
 */
export function orderHistories(histories: JiraHistory[]): JiraHistory[] {
  const byId = new Map<string, JiraHistory>();
  for (const h of histories) byId.set(String(h.id), { ...h, id: String(h.id) });
  const keyed = [...byId.values()].map(history => ({ history, at: readJiraTime(history.created) }));
  const allTimed = keyed.every(k => k.at !== undefined);
  keyed.sort((a, b) => (allTimed && a.at !== b.at ? a.at! - b.at! : compareIds(a.history.id, b.history.id)));
  return keyed.map(k => k.history);
}

/** Plans the cheapest way to make one searched issue complete. */
export function planIssue(raw: RawIssue, stored: StoredHistoryState | undefined, options: Pick<ChangelogOptions, 'deployment' | 'perIssueMaxPages'>): Pending {
  const embedded = orderHistories(raw.changelog?.histories ?? []);
  const total = raw.changelog ? raw.changelog.total ?? embedded.length : undefined;
  const issue: JiraIssue = { id: String(raw.id), key: raw.key, fields: raw.fields ?? {}, histories: embedded, historyTotal: total ?? 0 };
  const base = { issue, reportedTotal: total, stored };

  if (total === undefined) {
    // Nothing embedded: only a changelog call can tell.
    if (options.deployment === 'datacenter') return { ...base, need: { kind: 'dc-issue' } };
    // A long known history: its own call from startAt beats re-reading it all in a bulk fetch.
    if (stored && stored.historyCount >= LONG_KNOWN_HISTORY) return { ...base, need: { kind: 'page', startAt: stored.historyCount } };
    return { ...base, need: { kind: 'bulk', dropFirst: stored ? stored.historyCount : 0 } };
  }
  if (embedded.length >= total) {
    // Complete already; hand on only what is new when it continues the stored history.
    const known = stored?.historyCount ?? 0;
    const lastKnown = embedded[known - 1];
    if (known > 0 && known <= embedded.length && (!stored?.lastHistoryId || lastKnown.id === String(stored.lastHistoryId))) {
      issue.histories = embedded.slice(known);
      issue.historiesFrom = known;
    }
    return { ...base, need: { kind: 'none' } };
  }

  if (options.deployment === 'datacenter') return { ...base, need: { kind: 'dc-issue' } };

  if (stored && stored.historyCount <= total) {
    const missing = total - stored.historyCount;
    // The embedded ones are the newest: they cover the gap when there are enough of them and the
    // one just before the gap is the last one stored (histories are append-only).
    if (missing <= embedded.length) {
      const before = embedded[embedded.length - missing - 1];
      if (!stored.lastHistoryId || !before || before.id === String(stored.lastHistoryId)) {
        if (before || missing === embedded.length) {
          issue.histories = embedded.slice(embedded.length - missing);
          issue.historiesFrom = stored.historyCount;
          issue.historyTotal = total;
          return { ...base, need: { kind: 'none' } };
        }
      }
    }
    const pages = Math.ceil(missing / CHANGELOG_PAGE_SIZE);
    // A few pages from startAt beat re-reading a long known history in a bulk fetch.
    if (pages <= options.perIssueMaxPages && stored.historyCount >= pages * LONG_KNOWN_HISTORY) {
      return { ...base, need: { kind: 'page', startAt: stored.historyCount } };
    }
    return { ...base, need: { kind: 'bulk', dropFirst: stored.historyCount } };
  }
  return { ...base, need: { kind: 'bulk', dropFirst: 0 } };
}

interface BulkResponse {
  issueChangeLogs?: Array<{ issueId: string; changeHistories?: JiraHistory[] }>;
  nextPageToken?: string | null;
}

interface ChangelogPageResponse {
  startAt?: number;
  maxResults?: number;
  total?: number;
  isLast?: boolean;
  values?: JiraHistory[];
}

export class ChangelogFetcher {
  constructor(private readonly transport: JiraTransport, private readonly apiBase: string) {}

  /** Complete histories of up to 1000 issues per call, oldest first. */
  async bulk(issueIds: string[], signal?: AbortSignal, context?: string): Promise<Map<string, JiraHistory[]>> {
    const out = new Map<string, JiraHistory[]>(issueIds.map(id => [id, []]));
    for (let i = 0; i < issueIds.length; i += BULKFETCH_MAX_ISSUES) {
      const chunk = issueIds.slice(i, i + BULKFETCH_MAX_ISSUES);
      let nextPageToken: string | undefined;
      do {
        const response = await this.transport.request<BulkResponse>('POST', '/rest/api/3/changelog/bulkfetch', {
          body: { issueIdsOrKeys: chunk, maxResults: BULKFETCH_MAX_HISTORIES, ...(nextPageToken ? { nextPageToken } : {}) },
          signal,
          context,
        });
        for (const log of response.issueChangeLogs ?? []) {
          const list = out.get(String(log.issueId));
          if (list) list.push(...(log.changeHistories ?? []));
        }
        nextPageToken = response.nextPageToken ?? undefined;
      } while (nextPageToken);
    }
    return out;
  }

  /** Histories from `startAt` on, 100 a page. */
  async fromStart(issueId: string, startAt: number, signal?: AbortSignal, context?: string): Promise<{ histories: JiraHistory[]; total: number }> {
    const histories: JiraHistory[] = [];
    let at = startAt;
    let total = startAt;
    for (;;) {
      const page = await this.transport.request<ChangelogPageResponse>('GET', `${this.apiBase}/issue/${issueId}/changelog`, {
        query: { startAt: at, maxResults: CHANGELOG_PAGE_SIZE },
        signal,
        context,
      });
      const values = page.values ?? [];
      histories.push(...values);
      total = page.total ?? at + values.length;
      at += values.length;
      if (page.isLast || values.length === 0 || at >= total) break;
    }
    return { histories, total };
  }

  /** Data Center: the whole changelog of one issue (the issue endpoint is not truncated there). */
  async dataCenterIssue(issueId: string, signal?: AbortSignal, context?: string): Promise<{ histories: JiraHistory[]; total: number } | undefined> {
    const issue = await this.transport.request<RawIssue>('GET', `${this.apiBase}/issue/${issueId}`, {
      query: { expand: 'changelog', fields: 'updated' },
      signal,
      context,
    });
    const histories = issue.changelog?.histories ?? [];
    return { histories, total: Math.max(issue.changelog?.total ?? histories.length, histories.length) };
  }
}

/**
 * Turns searched pages into pages of complete issues, in order. Issues needing a bulk fetch are
 * collected across pages until a batch is full (or the buffer cap or the end is reached), so one
 * bulk call serves up to 1000 issues.
 */
export async function* completePages(
  source: AsyncIterable<RawPage>,
  fetcher: ChangelogFetcher,
  options: ChangelogOptions,
): AsyncGenerator<IssuePage> {
  let buffered: Pending[][] = [];
  let bufferedIssues = 0;
  let bulkWaiting = 0;
  // The search's Jira time rides on the first page handed on, whichever raw page brought it.
  let searchedAtJiraMs: number | undefined;

  const flush = async (): Promise<IssuePage[]> => {
    const pages = buffered;
    buffered = [];
    bufferedIssues = 0;
    bulkWaiting = 0;
    await completeAll(pages.flat(), fetcher, options);
    const out: IssuePage[] = pages.map(page => ({ issues: page.map(p => p.issue), isLast: false }));
    if (out.length && searchedAtJiraMs !== undefined) {
      out[0].searchedAtJiraMs = searchedAtJiraMs;
      searchedAtJiraMs = undefined;
    }
    return out;
  };

  for await (const raw of source) {
    if (raw.searchedAtJiraMs !== undefined) searchedAtJiraMs = raw.searchedAtJiraMs;
    // Pages emptied by de-duplication carry nothing.
    if (!raw.issues.length && !raw.isLast) continue;
    const stored = options.storedHistories && raw.issues.length ? await options.storedHistories(raw.issues.map(i => String(i.id))) : undefined;
    const planned = raw.issues.map(issue => planIssue(issue, stored?.get(String(issue.id)), options));
    buffered.push(planned);
    bufferedIssues += planned.length;
    bulkWaiting += planned.filter(p => p.need.kind === 'bulk').length;
    const mustFlush = raw.isLast || bulkWaiting === 0 || bulkWaiting >= options.batchIssues || bufferedIssues >= options.maxBufferedIssues;
    if (!mustFlush) continue;
    const pages = await flush();
    if (raw.isLast && pages.length) pages[pages.length - 1].isLast = true;
    for (const page of pages) yield page;
    if (raw.isLast) return;
  }
  // The source ended without a last page (it should not): deliver what is held.
  if (buffered.length) {
    const pages = await flush();
    pages[pages.length - 1].isLast = true;
    for (const page of pages) yield page;
  }
}

async function completeAll(pending: Pending[], fetcher: ChangelogFetcher, options: ChangelogOptions): Promise<void> {
  const { signal, context } = options;
  const bulk = pending.filter(p => p.need.kind === 'bulk');
  const singles = pending.filter(p => p.need.kind === 'page' || p.need.kind === 'dc-issue');

  const bulkResults = bulk.length ? await fetcher.bulk(bulk.map(p => p.issue.id), signal, context) : new Map<string, JiraHistory[]>();
  for (const p of bulk) applyFetched(p, bulkResults.get(p.issue.id) ?? [], 0, (p.need as { dropFirst: number }).dropFirst);

  // Per-issue calls go side by side; the limiter keeps them within the instance's budget.
  await Promise.all(
    singles.map(async p => {
      if (p.need.kind === 'page') {
        // One known history is re-read, to check it is the last one stored (append-only).
        const startAt = Math.max(0, p.need.startAt - 1);
        const { histories, total } = await fetcher.fromStart(p.issue.id, startAt, signal, context);
        if (!applyFetched(p, histories, startAt, p.need.startAt, total)) {
          const full = await fetcher.fromStart(p.issue.id, 0, signal, context);
          applyFetched(p, full.histories, 0, 0, full.total);
        }
      } else {
        const result = await fetcher.dataCenterIssue(p.issue.id, signal, context);
        applyFetched(p, result?.histories ?? [], 0, p.stored?.historyCount ?? 0, result?.total);
      }
    }),
  );
}

/**
 * Installs fetched histories: `offset` is where `fetched` starts in the full list; the first
 * `dropFirst` (known) histories are left out, and `historiesFrom` says so. False when the fetched
 * part starts after an offset and does not continue the stored history. Refuses a list shorter
 * than the count Jira reported: a truncated history is never handed on as whole.
 */
function applyFetched(p: Pending, fetched: JiraHistory[], offset: number, dropFirst: number, reportedByFetch?: number): boolean {
  const { issue, stored } = p;
  let histories = orderHistories(fetched);
  const fullCount = offset + histories.length;
  const expected = Math.max(p.reportedTotal ?? 0, reportedByFetch ?? 0);
  if (fullCount < expected) {
    throw new IncompleteChangelogError(`issue ${issue.key} (${issue.id}): Jira reported ${expected} histories but returned ${fullCount}`);
  }
  let from = offset;
  if (dropFirst > offset && dropFirst <= fullCount) {
    // Histories are append-only: the one just before the new ones must be the last one stored.
    const lastKnown = histories[dropFirst - offset - 1];
    if (!stored?.lastHistoryId || lastKnown.id === String(stored.lastHistoryId)) {
      histories = histories.slice(dropFirst - offset);
      from = dropFirst;
    } else if (offset > 0) {
      return false;
    }
  } else if (offset > 0) {
    return false;
  }
  issue.histories = histories;
  issue.historyTotal = fullCount;
  if (from > 0) issue.historiesFrom = from;
  else delete issue.historiesFrom;
  return true;
}
