import type { Server } from 'node:http';
import { SimData, type SimIssue } from './model';
import { renderAllFields, renderHistory, renderIssue, type RenderContext } from './render';
import { startServer } from './server';
import { createClock, SimulatorState, type RequestLogEntry, type SimClock } from './state';
import type { FaultConfig, RateLimitConfig } from './limits';
import { WebhookSender, type WebhookOptions } from './webhooks';

/**
 * A Jira simulator as demanding as Jira: Cloud REST v3 or Data Center REST v2, JQL read in the
 * user's time zone at minute precision, truncated embedded changelogs, keyset page tokens, rate
 * limits, faults, search index lag and signed webhooks.
 */

export interface SimulatorOptions {
  seed?: number;
  projects?: number;
  issues?: number;
  deployment?: 'cloud' | 'datacenter';
  port?: number;
  /** The searching user's IANA zone. */
  timeZone?: string;
  clock?: { startMs?: number; frozen?: boolean };
  latency?: { fixedMs: number; perIssueMs: number };
  historyShape?: 'longTail' | 'small';
  /** Data Center's max_result_window. */
  resultWindow?: number;
}

/** An issue as a test sees it: API-shaped fields (`*all`). */
export interface SimIssueView {
  id: string;
  key: string;
  fields: Record<string, unknown>;
}

export interface JiraSimulator {
  url: string;
  credentials: { email: string; apiToken: string; pat: string };
  deployment: 'cloud' | 'datacenter';
  auth: {
    addToken(token: string, options?: { expiresAtMs?: number }): void;
    expireTokenAt(token: string, atMs: number): void;
    revoke(token: string): void;
    /** The searching user sees only these projects (null: all). */
    restrictProjects(projectKeys: string[] | null): void;
  };
  clock: SimClock;
  data: {
    projects(): string[];
    createIssue(input: { project: string; fields?: Record<string, unknown> }): SimIssueView;
    updateIssue(idOrKey: string | number, changes: Record<string, unknown>, options?: { silent?: boolean }): SimIssueView;
    deleteIssue(idOrKey: string | number): void;
    moveIssue(idOrKey: string | number, toProject: string): SimIssueView;
    setUserTimeZone(timeZone: string): void;
    get(idOrKey: string | number): SimIssueView | undefined;
    all(): SimIssueView[];
  };
  /** Every live issue with all fields and its complete changelog, oldest first. */
  truth(): Array<{ id: string; key: string; fields: Record<string, unknown>; histories: any[] }>;
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
    flush(): Promise<void>;
    unsubscribe(): void;
  };
  close(): Promise<void>;
}

export async function startJiraSimulator(options: SimulatorOptions = {}): Promise<JiraSimulator> {
  const clock = createClock(options.clock);
  const data = new SimData(
    {
      seed: options.seed ?? 1,
      projects: options.projects ?? 3,
      issues: options.issues ?? 1000,
      historyShape: options.historyShape ?? 'longTail',
      nowMs: clock.now() - 60_000,
    },
    () => clock.now(),
  );
  const credentials = { email: 'sync-bot@example.com', apiToken: `sim-api-token-${options.seed ?? 1}`, pat: `sim-pat-${options.seed ?? 1}` };
  const state = new SimulatorState(
    data,
    clock,
    options.timeZone ?? 'America/Los_Angeles',
    options.deployment ?? 'cloud',
    options.resultWindow ?? 10_000,
    credentials,
    { accountId: '5b10ac8d82e05b22cc7d9999', displayName: 'Sync Bot', emailAddress: credentials.email },
  );
  state.latency = options.latency;
  const { server, url } = await startServer(state, options.port ?? 0);
  state.url = url;
  const webhooks = new WebhookSender();
  const ctx = (): RenderContext => ({ data, baseUrl: url, apiVersion: state.deployment === 'cloud' ? '3' : '2', timeZone: state.timeZone });
  const view = (issue: SimIssue): SimIssueView => ({ id: String(issue.id), key: issue.key, fields: renderAllFields(issue, ctx()) });
  const mustFind = (idOrKey: string | number) => {
    const issue = data.resolve(idOrKey);
    if (!issue) throw new Error(`no issue ${idOrKey} in the simulator`);
    return issue;
  };
  const emit = (event: 'jira:issue_created' | 'jira:issue_updated' | 'jira:issue_deleted', issue: SimIssue, changelog?: { id: number; items: unknown[] }) => {
    if (!webhooks.active) return;
    webhooks.enqueue({
      timestamp: clock.now(),
      webhookEvent: event,
      issue_event_type_name: event === 'jira:issue_created' ? 'issue_created' : event === 'jira:issue_deleted' ? 'issue_deleted' : 'issue_generic',
      user: { accountId: state.currentUser.accountId, displayName: state.currentUser.displayName },
      issue: renderIssue(issue, Object.keys(renderAllFields(issue, ctx())), { kind: 'none' }, ctx()),
      ...(changelog ? { changelog: { id: String(changelog.id), items: changelog.items } } : {}),
    });
  };

  return {
    url,
    credentials,
    deployment: state.deployment,
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
      createIssue({ project, fields = {} }) {
        const issue = data.create(project, fields, state.currentUser);
        state.beforeChange(issue, true);
        emit('jira:issue_created', issue);
        return view(issue);
      },
      updateIssue(idOrKey, changes, o = {}) {
        const issue = mustFind(idOrKey);
        state.beforeChange(issue);
        const history = data.update(issue, changes, state.currentUser, o.silent);
        if (history) emit('jira:issue_updated', issue, { id: history.id, items: history.items });
        return view(issue);
      },
      deleteIssue(idOrKey) {
        const issue = mustFind(idOrKey);
        state.version++;
        issue.deleted = true;
        emit('jira:issue_deleted', issue);
      },
      moveIssue(idOrKey, toProject) {
        const issue = mustFind(idOrKey);
        state.beforeChange(issue);
        const history = data.move(issue, toProject, state.currentUser);
        emit('jira:issue_updated', issue, { id: history.id, items: history.items });
        return view(issue);
      },
      setUserTimeZone(timeZone) {
        state.version++;
        state.timeZone = timeZone;
      },
      get(idOrKey) {
        const issue = data.resolve(idOrKey);
        return issue ? view(issue) : undefined;
      },
      all: () => data.live().map(view),
    },
    truth: () =>
      data.live().map(issue => ({
        id: String(issue.id),
        key: issue.key,
        fields: renderAllFields(issue, ctx()),
        histories: data.histories(issue).map(h => renderHistory(h, ctx())),
      })),
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
    },
    close: () => closeServer(server, webhooks),
  };
}

async function closeServer(server: Server, webhooks: WebhookSender) {
  webhooks.unsubscribe();
  await new Promise<void>(resolve => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export type { FaultConfig, RateLimitConfig, RequestLogEntry, SimClock, WebhookOptions };
