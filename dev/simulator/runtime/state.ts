import { compileJql, compareSortKeys, evaluate, sortKey, type EvalContext, type OrderBy, type Query } from '../jql/evaluate';
import type { SimUser } from '../data/catalog';
import type { SearchView, SimData, SimIssue } from '../data/store';
import { HttpError } from '../http/errors';
import type { SimClock } from './clock';
import { Faults, RateLimiter } from './limits';

export interface RequestLogEntry {
  method: string;
  path: string;
  /** Normalised, e.g. `GET /rest/api/3/issue/{id}/changelog`. */
  endpoint: string;
  status: number;
  bytes: number;
  ms: number;
  /** When the request arrived (epoch ms, real time). */
  at: number;
  /** Set when the request came before a Retry-After the simulator had announced had elapsed. */
  beforeRetryAfter?: boolean;
  /** The fault injected into this request, if any. */
  fault?: string;
}

export interface SearchHit {
  issue: SimIssue;
  view: SearchView;
  key: Array<number | string>;
}

interface TokenState {
  expiresAtMs?: number;
  revoked?: boolean;
}

/** Everything the HTTP handlers read: data, clock, who is asking, limits, faults and the log. */
export class SimulatorState {
  url = '';
  /** Set behind a proxy that rewrites Host: links are written with it instead of the request's address. */
  publicBaseUrl?: string;
  readonly faults = new Faults();
  readonly rateLimiter = new RateLimiter();
  readonly requestLog: RequestLogEntry[] = [];
  readonly tokens = new Map<string, TokenState>();
  visibleProjects: Set<string> | null = null;
  /** Bumped on every change, so cached search results are never stale. */
  version = 0;
  private searchCache?: { key: string; result: SearchHit[] };
  /** Until then some issue's index entry lags (a delayed one too), so search results change with time alone. */
  private indexLagsUntilMs = 0;
  latency?: { fixedMs: number; perIssueMs: number };

  constructor(
    readonly data: SimData,
    readonly clock: SimClock,
    public timeZone: string,
    readonly deployment: 'cloud' | 'datacenter',
    readonly resultWindow: number,
    readonly credentials: { email: string; apiToken: string; pat: string },
    readonly currentUser: SimUser,
  ) {
    this.tokens.set(credentials.apiToken, {});
    this.tokens.set(credentials.pat, {});
  }

  /** Basic (email + API token) or Bearer (PAT / OAuth access token); expired, revoked or wrong credentials are a 401. */
  authenticate(header: string | undefined) {
    const unauthorized = (message: string) =>
      new HttpError(401, { errorMessages: [message], errors: {} }, { 'WWW-Authenticate': 'OAuth realm="https%3A%2F%2Fsimulator.atlassian.net", Basic realm="protected-area"' });
    if (!header) throw unauthorized('You are not authenticated. Authentication required to perform this operation.');
    let token: string | undefined;
    if (/^basic /i.test(header)) {
      const [user, ...rest] = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8').split(':');
      const who = this.deployment === 'cloud' ? this.credentials.email : this.currentUser.name;
      if (user === who || user === this.credentials.email) token = rest.join(':');
    } else if (/^bearer /i.test(header)) {
      token = header.slice(7).trim();
    }
    const entry = token === undefined ? undefined : this.tokens.get(token);
    if (!entry || entry.revoked) throw unauthorized('Client must be authenticated to access this resource.');
    if (entry.expiresAtMs !== undefined && this.clock.now() >= entry.expiresAtMs) throw unauthorized('The provided token has expired.');
  }

  evalContext(): EvalContext {
    return {
      timeZone: this.timeZone,
      nowMs: this.clock.now(),
      currentUser: this.currentUser,
      projectKeys: this.data.projectKeys,
      resolveKey: key => this.data.resolve(key)?.id,
      keyOfId: id => this.data.issues.get(id)?.key,
    };
  }

  compile(jql: string): Query {
    return compileJql(jql, this.evalContext());
  }

  /** What search sees of an issue: its previous version while the index lags, unless reconciled. */
  searchView(issue: SimIssue, reconcile?: Set<number>): SearchView {
    if (issue.indexed && this.clock.now() < issue.indexed.visibleAtMs && !reconcile?.has(issue.id)) return issue.indexed.snapshot;
    return issue;
  }

  /** Issues matching a query, in order, as the (possibly lagging) index sees them. */
  search(query: Query, orderBy: OrderBy[], reconcile?: Set<number>): SearchHit[] {
    const ctx = this.evalContext();
    // Paging re-runs the same query: reuse the sorted result while nothing changed and time does not matter.
    const cacheable = this.faults.config.searchIndexLagMs <= 0 && this.clock.now() >= this.indexLagsUntilMs && !query.usesNow && !reconcile?.size;
    const cacheKey = JSON.stringify([query.where, orderBy, this.version, [...(this.visibleProjects ?? [])], ctx.timeZone]);
    if (cacheable && this.searchCache?.key === cacheKey) return this.searchCache.result;
    const out: SearchHit[] = [];
    for (const issue of this.data.issues.values()) {
      if (issue.deleted) continue;
      const view = this.searchView(issue, reconcile);
      if (view.hidden || !this.canSee(view.projectKey)) continue;
      if (evaluate(query.where, view, ctx)) out.push({ issue, view, key: sortKey(view, orderBy) });
    }
    out.sort((a, b) => compareSortKeys(a.key, b.key, orderBy));
    if (cacheable) this.searchCache = { key: cacheKey, result: out };
    return out;
  }

  canSee(projectKey: string) {
    return !this.visibleProjects || this.visibleProjects.has(projectKey);
  }

  /** An issue by id or key (old keys too) that the searching user may see. */
  visible(idOrKey: string): SimIssue | undefined {
    const issue = this.data.resolve(idOrKey);
    return issue && this.canSee(issue.projectKey) ? issue : undefined;
  }

  /** Before a change: keep what search sees until the index catches up (after `lagMs`, default the fault's lag). */
  beforeChange(issue: SimIssue, isNew = false, lagMs?: number) {
    this.version++;
    const lag = lagMs ?? this.faults.config.searchIndexLagMs;
    if (lag <= 0) return;
    const visibleAtMs = this.clock.now() + lag;
    this.indexLagsUntilMs = Math.max(this.indexLagsUntilMs, visibleAtMs);
    if (isNew) {
      issue.indexed = { snapshot: { ...issue, hidden: true }, visibleAtMs };
    } else if (!issue.indexed || this.clock.now() >= issue.indexed.visibleAtMs) {
      const values = { ...issue.values, issuelinks: [...(issue.values.issuelinks as unknown[])], comment: [...(issue.values.comment as unknown[])] };
      issue.indexed = {
        snapshot: { id: issue.id, key: issue.key, projectKey: issue.projectKey, createdMs: issue.createdMs, updatedMs: issue.updatedMs, values, historyCount: issue.historyCount },
        visibleAtMs,
      };
    } else {
      // Still lagging: the index keeps the version it had, and catches up later.
      issue.indexed.visibleAtMs = visibleAtMs;
    }
  }
}
