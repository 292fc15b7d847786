/**
 * `createJiraClient`: one client per Jira instance, wiring credentials, limiter, breaker and
 * transport (one clock for all) to its pieces: the instance catalogue (deployment, time zone,
 * fields), JQL search and issues by id. Knows no database.
 */
import type { JiraInstanceConfig } from '../config/types';
import { createCredentials, type OAuthTokenStore } from './auth';
import { CircuitBreaker } from './breaker';
import type { ChangelogOptions } from './changelog';
import { CounterSet } from './counters';
import { InstanceCatalogue } from './instanceCatalogue';
import { IssueSearch } from './issueSearch';
import { IssuesById } from './issuesById';
import { RateLimiter } from './limiter';
import { Redactor, type JiraLogger } from './redact';
import { realSleep, type Sleep } from './sleep';
import { JiraTransport } from './transport';
import type { ApiCounters, JiraClient } from './types';

export interface CreateJiraClientOptions {
  config: JiraInstanceConfig;
  logger: JiraLogger;
  oauthTokenStore?: OAuthTokenStore;
  now?: () => number;
  sleep?: Sleep;
  /** Backoff for transient failures (defaults: 500 ms base, 30 s cap, 20 waits on 429 per request). */
  retry?: { baseDelayMs?: number; maxDelayMs?: number; maxRateLimitWaits?: number };
  /** Circuit breaker (defaults: opens after 10 consecutive failed attempts, 60 s cool-down). */
  breaker?: { failureThreshold?: number; coolDownMs?: number };
  /** Changelog strategy; the defaults are the measured cheapest (see changelog.ts). */
  changelog?: Partial<Pick<ChangelogOptions, 'batchIssues' | 'maxBufferedIssues' | 'perIssueMaxPages'>> & {
    /**
     * Cloud: embed changelogs in the search (`expand=changelog`, pages of 50, at most 40 histories
     * each) and bulk-fetch only truncated ones; or search without (pages of 100) and bulk-fetch
     * every changelog. 'auto' (default) embeds for queries bounded below by `updated` (incremental
     * sweeps: few issues, new histories mostly embedded) and not for unbounded ones (full sweeps).
     */
    expandOnSearch?: boolean | 'auto';
  };
  random?: () => number;
  /** How long a run may reuse the field catalogue and the user's time zone (default 15 minutes). */
  catalogueTtlMs?: number;
}

export { REQUIRED_FIELDS } from './completeIssues';

/** The client of one instance: the pieces below share its transport, catalogue and clock. */
export function createJiraClient(options: CreateJiraClientOptions): JiraClient & { beginRun(): void; breakerState(): 'closed' | 'open' | 'half-open' } {
  const { config } = options;
  const instance = config.name;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const redactor = new Redactor();
  const logger = redactor.logger(options.logger);
  const counters = new CounterSet();
  const credentials = createCredentials({
    instance,
    auth: config.auth,
    redactor,
    logger,
    oauthTokenStore: options.oauthTokenStore,
    now,
    requestTimeoutMs: config.rateLimit.requestTimeoutMs,
  });
  const limiter = new RateLimiter({
    requestsPerSecond: config.rateLimit.requestsPerSecond,
    concurrency: config.rateLimit.concurrency,
    now,
    sleep,
  });
  const breaker = new CircuitBreaker({
    failureThreshold: options.breaker?.failureThreshold ?? 10,
    coolDownMs: options.breaker?.coolDownMs ?? 60_000,
    now,
  });
  const transport = new JiraTransport({
    instance,
    baseUrl: config.baseUrl,
    credentials,
    limiter,
    breaker,
    counters,
    redactor,
    logger,
    maxAttempts: Math.max(1, config.rateLimit.maxAttempts),
    requestTimeoutMs: config.rateLimit.requestTimeoutMs,
    backoff: { baseDelayMs: options.retry?.baseDelayMs ?? 500, maxDelayMs: options.retry?.maxDelayMs ?? 30_000 },
    maxRateLimitWaits: options.retry?.maxRateLimitWaits ?? 20,
    nearLimitSlowDownMs: 60_000,
    now,
    sleep,
    random: options.random,
  });
  const catalogue = new InstanceCatalogue({
    instance,
    deployment: config.deployment,
    transport,
    logger,
    now,
    ttlMs: options.catalogueTtlMs ?? 15 * 60_000,
  });
  const changelog = {
    batchIssues: Math.min(1000, options.changelog?.batchIssues ?? 1000),
    maxBufferedIssues: options.changelog?.maxBufferedIssues ?? 2000,
    perIssueMaxPages: options.changelog?.perIssueMaxPages ?? 2,
  };
  const search = new IssueSearch({ transport, catalogue, changelog, expandOnSearch: options.changelog?.expandOnSearch ?? 'auto' });
  const byId = new IssuesById({ transport, catalogue, changelog });

  return {
    instance,
    deployment: () => catalogue.deployment(),
    timeZone: () => catalogue.timeZone(),
    fields: () => catalogue.fields(),
    searchIssues: request => search.searchIssues(request),
    searchIds: request => search.searchIds(request),
    approximateCount: jql => search.approximateCount(jql),
    getIssues: (ids, read) => byId.getIssues(ids, read),
    counters: (): ApiCounters => counters.snapshot(),
    resetCounters: () => counters.reset(),
    beginRun() {
      catalogue.refreshIfStale();
      credentials.beginRun();
    },
    breakerState: () => breaker.state,
  };
}
