/**
 * `createJiraClient`: one client per Jira instance, wiring credentials, limiter, breaker and
 * transport to the search, changelog and field-catalogue parts. Knows no database.
 */
import type { JiraInstanceConfig } from '../config/types';
import { createCredentials, type OAuthTokenStore } from './auth';
import { CircuitBreaker } from './breaker';
import { ChangelogFetcher, completePages, type ChangelogOptions } from './changelog';
import { CounterSet } from './counters';
import { JiraRequestError } from './errors';
import { RateLimiter } from './limiter';
import { Redactor, type JiraLogger } from './redact';
import { searchCloud, searchDataCenter, splitOrderBy, type RawIssue, type RawPage } from './search';
import { realSleep, type Sleep } from './sleep';
import { jqlDateAtOrBeforeIn } from './time';
import { JiraTransport } from './transport';
import type { ApiCounters, IssuePage, JiraClient, JiraDeployment, JiraField, JiraIssue, SearchOptions } from './types';

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

/** Fields every issue needs, whatever the sync asked for. */
export const REQUIRED_FIELDS = ['updated', 'created', 'project'];
const DEFAULT_PAGE_SIZE = 100;
const CLOUD_ID_PAGE_SIZE = 5000;
const DC_ID_PAGE_SIZE = 1000;
const ISSUE_BULKFETCH_MAX = 100;

/** `updated >= "…"` (or `>`) in the query's WHERE part: an incremental sweep. */
export function hasUpdatedLowerBound(jql: string): boolean {
  return /\bupdated\s*>=?\s*/i.test(splitOrderBy(jql).where);
}

interface ServerInfo {
  deploymentType?: string;
}

interface IssueBulkFetchResponse {
  issues?: RawIssue[];
  issueErrors?: unknown[];
}

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

  const changelogDefaults = {
    expandOnSearch: options.changelog?.expandOnSearch ?? 'auto',
    batchIssues: Math.min(1000, options.changelog?.batchIssues ?? 1000),
    maxBufferedIssues: options.changelog?.maxBufferedIssues ?? 2000,
    perIssueMaxPages: options.changelog?.perIssueMaxPages ?? 2,
  };

  let deploymentPromise: Promise<JiraDeployment> | undefined;
  let fieldsPromise: Promise<JiraField[]> | undefined;
  let timeZonePromise: Promise<string> | undefined;
  // The field catalogue and time zone rarely change: a run re-reads them only when this old, so a
  // run that finds nothing new costs one search call.
  const catalogueTtlMs = options.catalogueTtlMs ?? 15 * 60_000;
  let catalogueLoadedMs = -Infinity;

  /** Caches a promise but forgets a failed one, so the next call asks again. */
  const remember = <T>(get: () => Promise<T>, forget: () => void) =>
    get().catch(e => {
      forget();
      throw e;
    });

  const deployment = (): Promise<JiraDeployment> => {
    if (config.deployment) return Promise.resolve(config.deployment);
    deploymentPromise ??= remember(
      async () => {
        const info = await transport.request<ServerInfo>('GET', '/rest/api/2/serverInfo');
        const detected: JiraDeployment = info.deploymentType?.toLowerCase() === 'cloud' ? 'cloud' : 'datacenter';
        logger.info(`Jira instance ${instance}: ${info.deploymentType ?? 'unknown'} deployment, using the ${detected === 'cloud' ? 'Cloud' : 'Data Center'} API`);
        return detected;
      },
      () => {
        deploymentPromise = undefined;
      },
    );
    return deploymentPromise;
  };

  const apiBase = async () => ((await deployment()) === 'cloud' ? '/rest/api/3' : '/rest/api/2');

  const timeZone = (): Promise<string> => {
    timeZonePromise ??= remember(
      async () => {
        const me = await transport.request<{ timeZone?: string }>('GET', `${await apiBase()}/myself`);
        if (!me.timeZone) throw new Error(`Jira instance ${instance}: myself has no timeZone; JQL dates cannot be rendered safely`);
        // Validates the zone now rather than at the first bound.
        jqlDateAtOrBeforeIn(now(), me.timeZone);
        return me.timeZone;
      },
      () => {
        timeZonePromise = undefined;
      },
    );
    return timeZonePromise;
  };

  const fields = (): Promise<JiraField[]> => {
    fieldsPromise ??= remember(
      async () => transport.request<JiraField[]>('GET', `${await apiBase()}/field`),
      () => {
        fieldsPromise = undefined;
      },
    );
    return fieldsPromise;
  };

  /** See `expandOnSearch`: measured cheapest per kind of read (changelog.ts). */
  const embedChangelogs = (jql: string) => {
    const setting = changelogDefaults.expandOnSearch;
    return setting === 'auto' ? hasUpdatedLowerBound(jql) : setting;
  };

  const withRequiredFields = (wanted: string[]) => [...new Set([...wanted, ...REQUIRED_FIELDS])];

  const changelogOptions = (d: JiraDeployment, o: Pick<SearchOptions, 'storedHistories' | 'signal' | 'context'>): ChangelogOptions => ({
    deployment: d,
    storedHistories: o.storedHistories,
    signal: o.signal,
    context: o.context,
    batchIssues: changelogDefaults.batchIssues,
    maxBufferedIssues: changelogDefaults.maxBufferedIssues,
    perIssueMaxPages: changelogDefaults.perIssueMaxPages,
  });

  async function* searchIssues(search: SearchOptions): AsyncGenerator<IssuePage> {
    const d = await deployment();
    const request = {
      jql: search.jql,
      fields: withRequiredFields(search.fields),
      pageSize: search.pageSize ?? DEFAULT_PAGE_SIZE,
      // Data Center returns the full changelog with the search; Cloud embeds at most 40.
      expandChangelog: d === 'datacenter' || embedChangelogs(search.jql),
      signal: search.signal,
      context: search.context,
    };
    const source: AsyncIterable<RawPage> =
      d === 'cloud' ? searchCloud(transport, request) : searchDataCenter(transport, { ...request, timeZone });
    yield* completePages(source, new ChangelogFetcher(transport, await apiBase()), changelogOptions(d, search));
  }

  async function* searchIds(search: { jql: string; signal?: AbortSignal; context?: string }): AsyncGenerator<string[]> {
    const d = await deployment();
    const request = { jql: search.jql, fields: ['id'], expandChangelog: false, signal: search.signal, context: search.context };
    const source =
      d === 'cloud'
        ? searchCloud(transport, { ...request, pageSize: CLOUD_ID_PAGE_SIZE })
        : searchDataCenter(transport, { ...request, pageSize: DC_ID_PAGE_SIZE, timeZone });
    for await (const page of source) if (page.issues.length) yield page.issues.map(issue => String(issue.id));
  }

  async function approximateCount(jql: string): Promise<number | undefined> {
    const where = splitOrderBy(jql).where;
    if ((await deployment()) === 'cloud') {
      const response = await transport.request<{ count?: number }>('POST', '/rest/api/3/search/approximate-count', { body: { jql: where } });
      return typeof response.count === 'number' ? response.count : undefined;
    }
    const response = await transport.request<{ total?: number }>('POST', '/rest/api/2/search', {
      body: { jql: where, maxResults: 0, fields: ['id'] },
    });
    return typeof response.total === 'number' ? response.total : undefined;
  }

  async function getIssues(ids: string[], o: Pick<SearchOptions, 'fields' | 'signal' | 'storedHistories' | 'context'>): Promise<JiraIssue[]> {
    const d = await deployment();
    const base = await apiBase();
    const wantedFields = withRequiredFields(o.fields);
    const unique = [...new Set(ids.map(String))];
    const found: RawIssue[] = [];
    if (d === 'cloud') {
      for (let i = 0; i < unique.length; i += ISSUE_BULKFETCH_MAX) {
        const response = await transport.request<IssueBulkFetchResponse>('POST', '/rest/api/3/issue/bulkfetch', {
          body: { issueIdsOrKeys: unique.slice(i, i + ISSUE_BULKFETCH_MAX), fields: wantedFields, expand: ['changelog'] },
          signal: o.signal,
          context: o.context,
        });
        found.push(...(response.issues ?? []));
      }
    } else {
      const results = await Promise.all(
        unique.map(id =>
          transport
            .request<RawIssue>('GET', `${base}/issue/${id}`, {
              query: { fields: wantedFields.join(','), expand: 'changelog' },
              signal: o.signal,
              context: o.context,
            })
            .catch(e => {
              // Gone, or no longer visible: absent from the result.
              if (e instanceof JiraRequestError && e.status === 404) return undefined;
              throw e;
            }),
        ),
      );
      for (const r of results) if (r) found.push(r);
    }
    const pages: IssuePage[] = [];
    const source = (async function* singlePage() {
      yield { issues: found, isLast: true } as RawPage;
    })();
    for await (const page of completePages(source, new ChangelogFetcher(transport, base), changelogOptions(d, o))) pages.push(page);
    return pages.flatMap(p => p.issues);
  }

  return {
    instance,
    deployment,
    timeZone,
    fields,
    searchIssues,
    searchIds,
    approximateCount,
    getIssues,
    async jqlDateAtOrBefore(epochMs: number) {
      return jqlDateAtOrBeforeIn(epochMs, await timeZone());
    },
    counters: (): ApiCounters => counters.snapshot(),
    resetCounters: () => counters.reset(),
    beginRun() {
      if (now() - catalogueLoadedMs >= catalogueTtlMs) {
        fieldsPromise = undefined;
        timeZonePromise = undefined;
        catalogueLoadedMs = now();
      }
      credentials.beginRun();
    },
    breakerState: () => breaker.state,
  };
}
