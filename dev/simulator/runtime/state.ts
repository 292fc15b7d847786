import { compareBy, evaluate, parseJql, validate, type EvalContext, type OrderBy, type Query } from './jql';
import { Faults, RateLimiter } from './limits';
import type { SearchView, SimData, SimIssue, SimUser } from './model';
import { HttpError } from './errors';

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
}

export interface SimClock {
  now(): number;
  advance(ms: number): void;
  freeze(atMs?: number): void;
  unfreeze(): void;
}

/** Real time by default; tests freeze it or move it forward. */
export function createClock(options: { startMs?: number; frozen?: boolean } = {}): SimClock {
  let offset = options.startMs !== undefined ? options.startMs - Date.now() : 0;
  let frozenAt: number | undefined = options.frozen ? options.startMs ?? Date.now() : undefined;
  return {
    now: () => frozenAt ?? Date.now() + offset,
    advance(ms) {
      if (frozenAt !== undefined) frozenAt += ms;
      else offset += ms;
    },
    freeze(atMs) {
      frozenAt = atMs ?? frozenAt ?? Date.now() + offset;
    },
    unfreeze() {
      if (frozenAt !== undefined) offset = frozenAt - Date.now();
      frozenAt = undefined;
    },
  };
}

/** Everything the HTTP handlers read: data, clock, who is asking, limits, faults and the log. */
export class SimulatorState {
  url = '';
  readonly faults = new Faults();
  readonly rateLimiter = new RateLimiter();
  readonly requestLog: RequestLogEntry[] = [];
  readonly tokens = new Map<string, { expiresAtMs?: number; revoked?: boolean }>();
  visibleProjects: Set<string> | null = null;
  /** Bumped on every change, so cached search results are never stale. */
  version = 0;
  private searchCache?: { key: string; result: Array<{ issue: SimIssue; view: SearchView }> };
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

  /** Basic (email + API token) or Bearer; expired, revoked or wrong credentials are a 401. */
  authenticate(header: string | undefined) {
    const unauthorized = (message: string) =>
      new HttpError(401, { errorMessages: [message], errors: {} }, { 'WWW-Authenticate': 'OAuth realm="jira", Basic realm="jira"' });
    let token: string | undefined;
    if (header?.startsWith('Basic ')) {
      const [email, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
      if (email === this.credentials.email) token = rest.join(':');
    } else if (header?.startsWith('Bearer ')) {
      token = header.slice(7);
    }
    const entry = token === undefined ? undefined : this.tokens.get(token);
    if (!entry || entry.revoked) throw unauthorized('Client must be authenticated to access this resource.');
    if (entry.expiresAtMs !== undefined && this.clock.now() >= entry.expiresAtMs) throw unauthorized('The access token has expired.');
  }

  evalContext(): EvalContext {
    return {
      timeZone: this.timeZone,
      nowMs: this.clock.now(),
      currentUser: this.currentUser,
      resolveKey: key => this.data.resolve(key)?.id,
      keyOfId: id => this.data.issues.get(id)?.key,
    };
  }

  parse(jql: string): Query {
    const query = parseJql(jql);
    validate(query, this.evalContext());
    return query;
  }

  /** What search sees of an issue: its previous version while the index lags. */
  searchView(issue: SimIssue): SearchView {
    if (issue.indexed && this.clock.now() < issue.indexed.visibleAtMs) return issue.indexed.snapshot;
    return issue;
  }

  /** Issues matching a query, in order, as the (possibly lagging) index sees them. */
  search(query: Query, orderBy: OrderBy[] = query.orderBy): Array<{ issue: SimIssue; view: SearchView }> {
    const ctx = this.evalContext();
    // Paging re-runs the same query: reuse the sorted result while nothing changed (not while the index lags).
    const key = JSON.stringify([query, orderBy, this.version, [...(this.visibleProjects ?? [])], Math.floor(ctx.nowMs / 60_000), ctx.timeZone]);
    const cacheable = this.faults.config.searchIndexLagMs <= 0;
    if (cacheable && this.searchCache?.key === key) return this.searchCache.result;
    const out: Array<{ issue: SimIssue; view: SearchView }> = [];
    for (const issue of this.data.issues.values()) {
      if (issue.deleted) continue;
      const view = this.searchView(issue);
      if (view.hidden || !this.canSee(view.projectKey)) continue;
      if (evaluate(query.where, view, ctx)) out.push({ issue, view });
    }
    const compare = compareBy(orderBy);
    out.sort((a, b) => compare(a.view, b.view));
    if (cacheable) this.searchCache = { key, result: out };
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

  /** Before a change: keep what search sees until the index catches up. */
  beforeChange(issue: SimIssue, isNew = false) {
    this.version++;
    const lag = this.faults.config.searchIndexLagMs;
    if (lag <= 0) return;
    const visibleAtMs = this.clock.now() + lag;
    if (isNew) {
      issue.indexed = { snapshot: { ...issue, hidden: true }, visibleAtMs };
    } else if (!issue.indexed || this.clock.now() >= issue.indexed.visibleAtMs) {
      issue.indexed = {
        snapshot: { id: issue.id, key: issue.key, projectKey: issue.projectKey, createdMs: issue.createdMs, updatedMs: issue.updatedMs, values: structuredClone(issue.values) },
        visibleAtMs,
      };
    } else {
      issue.indexed.visibleAtMs = visibleAtMs;
    }
  }
}
