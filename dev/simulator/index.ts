import type { Server } from 'node:http';
import { SYNC_BOT } from './data/catalog';
import { renderAllFields, renderHistory, renderIssue, renderUser, type RenderContext } from './data/render';
import { SimData, type SimHistory, type SimIssue } from './data/store';
import { assertTimeZone } from './data/time';
import { startServer } from './http/server';
import { createClock, type SimClock } from './runtime/clock';
import type { FaultConfig, RateLimitConfig } from './runtime/limits';
import { SimulatorState, type RequestLogEntry } from './runtime/state';
import { WebhookSender, type WebhookOptions } from './webhooks/sender';

/**
 * A Jira simulator as demanding as Jira: Cloud REST v3 or Data Center REST v2, JQL read in the
 * user's time zone at minute precision, truncated embedded changelogs, keyset page tokens, rate
 * limits, faults, search index lag and signed webhooks.
 */

export interface SimulatorOptions {
  /** Default 1. */
  seed?: number;
  /** Default 3 (ALPHA, BETA, GAMMA, ...). */
  projects?: number;
  /** Default 1000 in total. */
  issues?: number;
  deployment?: 'cloud' | 'datacenter';
  /** Default 0 (a free port) on 127.0.0.1. */
  port?: number;
  /** The searching user's IANA zone; default America/Los_Angeles. */
  timeZone?: string;
  /** Default real time; data is generated in the past before "now". */
  clock?: { startMs?: number; frozen?: boolean };
  latency?: { fixedMs: number; perIssueMs: number };
  /** longTail (default): most issues a few histories, ~5% hundreds, a few over 1000; small: 0..5 each. */
  historyShape?: 'longTail' | 'small';
  /** Data Center's max_result_window; default 10,000. */
  resultWindow?: number;
  /** Histories' `created` as epoch ms in `changelog/bulkfetch` and Data Center changelogs, as Atlassian's bulkfetch example; default false. */
  epochHistoryTimes?: boolean;
}

/** An issue as a test sees it: API-shaped fields (`*all`). */
export interface SimIssueView {
  id: string;
  key: string;
  fields: Record<string, unknown>;
}

/** An issue as a correct sync ends up with it: every field, the complete changelog (oldest first) and its length. */
export interface TruthIssue {
  id: string;
  key: string;
  fields: Record<string, unknown>;
  histories: any[];
  /** The number of histories Jira reports for the issue: `histories.length`, as the changelog API's `total`. */
  historyTotal: number;
}

export interface JiraSimulator {
  url: string;
  credentials: { email: string; apiToken: string; pat: string };
  deployment: 'cloud' | 'datacenter';
  auth: {
    addToken(token: string, options?: { expiresAtMs?: number }): void;
    /** The token answers 401 from this simulator-clock time on. */
    expireTokenAt(token: string, atMs: number): void;
    revoke(token: string): void;
    /** The searching user sees only these projects (null: all). */
    restrictProjects(projectKeys: string[] | null): void;
  };
  clock: SimClock;
  data: {
    projects(): string[];
    /**
     * `indexDelayMs`: search (JQL and id-only alike) finds the new issue only that long after its
     * creation, whatever `searchIndexLagMs` says: an issue an incremental window misses for good
     * once newer edits moved the watermark past it, and a later census sees.
     */
    createIssue(input: { project: string; fields?: Record<string, unknown>; indexDelayMs?: number }): SimIssueView;
    /** One history with an item per changed field, `updated` bumped; `silent` changes values without either (drift). */
    updateIssue(idOrKey: string | number, changes: Record<string, unknown>, options?: { silent?: boolean }): SimIssueView;
    /** Deletes the issue and its sub-tasks. */
    deleteIssue(idOrKey: string | number): void;
    /** New key, same id, `project` and `Key` history items; the old key keeps resolving. */
    moveIssue(idOrKey: string | number, toProject: string): SimIssueView;
    /** Bumps `updated` without a history (Jira does that for comments). */
    addComment(idOrKey: string | number, body: string): SimIssueView;
    /** Data Center: renames a user (new `name`, same `key`); no issue changes, `updated` stays. */
    renameUser(currentName: string, newName: string): { key: string; name: string };
    setUserTimeZone(timeZone: string): void;
    get(idOrKey: string | number): SimIssueView | undefined;
    all(): SimIssueView[];
  };
  /** Every live issue with all fields and its complete changelog, oldest first: what a correct sync ends up with. */
  truth(): TruthIssue[];
  /** The history count of every live issue: what truth() holds, without rendering it (benchmarks at 200k issues). */
  historyCounts(): number[];
  faults: { set(config: Partial<FaultConfig>): void; reset(): void };
  rateLimit: { set(config: RateLimitConfig | null): void };
  latency: { set(latency: { fixedMs: number; perIssueMs: number } | null): void };
  requestLog: {
    entries(): RequestLogEntry[];
    countsByEndpoint(): Record<string, { calls: number; bytes: number }>;
    clear(): void;
  };
  webhooks: {
    subscribe(url: string, secret: string | null, options?: WebhookOptions): void;
    /** Waits until every delivery queued so far has been sent. */
    flush(): Promise<void>;
    unsubscribe(): void;
    /** Deliveries attempted so far. */
    deliveries(): ReadonlyArray<{ identifier: string; webhookEvent: string; status: number | 'failed'; retry: boolean }>;
  };
  close(): Promise<void>;
}

export async function startJiraSimulator(options: SimulatorOptions = {}): Promise<JiraSimulator> {
  const deployment = options.deployment ?? 'cloud';
  const timeZone = options.timeZone ?? 'America/Los_Angeles';
  assertTimeZone(timeZone);
  const clock = createClock(options.clock);
  const seed = options.seed ?? 1;
  const data = new SimData(
    { seed, projects: options.projects ?? 3, issues: options.issues ?? 1000, historyShape: options.historyShape ?? 'longTail', nowMs: clock.now() - 60_000, epochHistoryTimes: options.epochHistoryTimes },
    () => clock.now(),
  );
  const credentials = { email: SYNC_BOT.emailAddress, apiToken: `sim-api-token-${seed}`, pat: `sim-pat-${seed}` };
  const state = new SimulatorState(data, clock, timeZone, deployment, options.resultWindow ?? 10_000, credentials, SYNC_BOT);
  state.latency = options.latency;
  const { server, url } = await startServer(state, options.port ?? 0);
  state.url = url;
  const webhooks = new WebhookSender();
  const apiVersion = deployment === 'cloud' ? '3' : '2';
  const ctx = (): RenderContext => ({ data, baseUrl: url, apiVersion, deployment, timeZone: state.timeZone });
  const view = (issue: SimIssue): SimIssueView => ({ id: String(issue.id), key: issue.key, fields: renderAllFields(issue, ctx()) });
  const mustFind = (idOrKey: string | number) => {
    const issue = data.resolve(idOrKey);
    if (!issue) throw new Error(`simulator: no issue ${idOrKey}`);
    return issue;
  };
  const emit = (webhookEvent: string, issueEventTypeName: string | undefined, issue: SimIssue, extra: Record<string, unknown> = {}) => {
    if (!webhooks.active) return;
    const bean = renderIssue(issue, Object.keys(renderAllFields(issue, ctx())), { kind: 'none' }, ctx());
    webhooks.enqueue({
      timestamp: clock.now(),
      webhookEvent,
      ...(issueEventTypeName ? { issue_event_type_name: issueEventTypeName } : {}),
      user: renderUser(state.currentUser, ctx()),
      issue: { id: bean.id, self: bean.self, key: bean.key, fields: bean.fields },
      ...extra,
    });
  };
  const emitWithoutIssue = (webhookEvent: string, extra: Record<string, unknown>) => {
    if (webhooks.active) webhooks.enqueue({ timestamp: clock.now(), webhookEvent, user: renderUser(state.currentUser, ctx()), ...extra });
  };
  const changelogOf = (history: SimHistory) => ({ changelog: { id: String(history.id), items: renderHistory(history, ctx()).items } });

  return {
    url,
    credentials,
    deployment,
    auth: {
      addToken: (token, o = {}) => state.tokens.set(token, { expiresAtMs: o.expiresAtMs }),
      expireTokenAt: (token, atMs) => state.tokens.set(token, { ...state.tokens.get(token), expiresAtMs: atMs }),
      revoke: token => state.tokens.set(token, { ...state.tokens.get(token), revoked: true }),
      restrictProjects: keys => {
        state.version++;
        state.visibleProjects = keys ? new Set(keys) : null;
      },
    },
    clock,
    data: {
      projects: () => [...data.projectKeys],
      createIssue({ project, fields = {}, indexDelayMs }) {
        const issue = data.create(project, fields, state.currentUser);
        state.beforeChange(issue, true, indexDelayMs);
        emit('jira:issue_created', 'issue_created', issue);
        return view(issue);
      },
      updateIssue(idOrKey, changes, o = {}) {
        const issue = mustFind(idOrKey);
        state.beforeChange(issue);
        const history = data.update(issue, changes, state.currentUser, o.silent);
        if (history) {
          // Jira names the event after the most telling change: a transition, then an assignment.
          const changed = (field: string) => history.items.some(i => i.field === field);
          let type = 'issue_updated';
          if (changed('status')) type = 'issue_generic';
          else if (changed('assignee')) type = 'issue_assigned';
          emit('jira:issue_updated', type, issue, changelogOf(history));
        }
        return view(issue);
      },
      deleteIssue(idOrKey) {
        const issue = mustFind(idOrKey);
        state.version++;
        for (const gone of data.delete(issue)) emit('jira:issue_deleted', 'issue_deleted', gone);
      },
      moveIssue(idOrKey, toProject) {
        const issue = mustFind(idOrKey);
        state.beforeChange(issue);
        const history = data.move(issue, toProject, state.currentUser);
        emit('jira:issue_updated', 'issue_moved', issue, changelogOf(history));
        return view(issue);
      },
      addComment(idOrKey, body) {
        const issue = mustFind(idOrKey);
        state.beforeChange(issue);
        const comment = data.comment(issue, body, state.currentUser);
        const rendered = (renderAllFields(issue, ctx()).comment as { comments: Array<{ id: string }> }).comments.find(c => c.id === String(comment.id));
        // Data Center's comment events carry no issue object: only the comment's self URL names the issue.
        if (deployment === 'datacenter') emitWithoutIssue('comment_created', { comment: rendered });
        else emit('comment_created', undefined, issue, { comment: rendered });
        emit('jira:issue_updated', 'issue_commented', issue, { comment: rendered });
        return view(issue);
      },
      renameUser(currentName, newName) {
        const user = data.renameUser(currentName, newName);
        state.version++;
        return { key: user.key, name: newName };
      },
      setUserTimeZone(zone) {
        assertTimeZone(zone);
        state.version++;
        state.timeZone = zone;
      },
      get(idOrKey) {
        const issue = data.resolve(idOrKey);
        return issue ? view(issue) : undefined;
      },
      all: () => data.live().map(view),
    },
    truth: () =>
      data.live().map(issue => {
        const histories = data.histories(issue).map(h => renderHistory(h, ctx()));
        return { id: String(issue.id), key: issue.key, fields: renderAllFields(issue, ctx()), histories, historyTotal: histories.length };
      }),
    historyCounts: () => data.live().map(issue => data.historyCountOf(issue)),
    faults: { set: f => state.faults.set(f), reset: () => state.faults.reset() },
    rateLimit: { set: c => state.rateLimiter.set(c) },
    latency: {
      set: l => {
        state.latency = l ?? undefined;
      },
    },
    requestLog: {
      entries: () => [...state.requestLog],
      countsByEndpoint: () => {
        const out: Record<string, { calls: number; bytes: number }> = {};
        for (const e of state.requestLog) {
          out[e.endpoint] ??= { calls: 0, bytes: 0 };
          out[e.endpoint].calls++;
          out[e.endpoint].bytes += e.bytes;
        }
        return out;
      },
      clear: () => {
        state.requestLog.length = 0;
      },
    },
    webhooks: {
      subscribe: (target, secret, o) => webhooks.subscribe(target, secret, o),
      flush: () => webhooks.flush(),
      unsubscribe: () => webhooks.unsubscribe(),
      deliveries: () => [...webhooks.sent],
    },
    close: () => closeServer(server, webhooks),
  };
}

async function closeServer(server: Server, webhooks: WebhookSender) {
  webhooks.cancel();
  await new Promise<void>(resolve => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export type { FaultConfig, RateLimitConfig, RequestLogEntry, SimClock, WebhookOptions };
