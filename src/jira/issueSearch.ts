/** JQL searches of one instance: pages of complete issues, id-only censuses and approximate counts. */
import { ChangelogFetcher, completePages } from './changelog';
import { changelogOptions, withRequiredFields, type ChangelogSettings } from './completeIssues';
import type { InstanceCatalogue } from './instanceCatalogue';
import { searchCloud, searchDataCenter, splitOrderBy, type RawPage } from './search';
import type { JiraTransport } from './transport';
import type { IssuePage, SearchOptions } from './types';

const DEFAULT_PAGE_SIZE = 100;
const CLOUD_ID_PAGE_SIZE = 5000;
const DC_ID_PAGE_SIZE = 1000;

/** `updated >= "…"` (or `>`) in the query's WHERE part: an incremental sweep. */
export function hasUpdatedLowerBound(jql: string): boolean {
  return /\bupdated\s*>=?\s*/i.test(splitOrderBy(jql).where);
}

export class IssueSearch {
  constructor(
    private readonly options: {
      transport: JiraTransport;
      catalogue: InstanceCatalogue;
      changelog: ChangelogSettings;
      /**
       * Cloud: embed changelogs in the search (`expand=changelog`, pages of 50, at most 40 histories
       * each) and bulk-fetch only truncated ones, or not; 'auto' embeds for queries bounded below by
       * `updated` (incremental sweeps) and not for unbounded ones (full sweeps).
       */
      expandOnSearch: boolean | 'auto';
    },
  ) {}

  async *searchIssues(search: SearchOptions): AsyncGenerator<IssuePage> {
    const { transport, catalogue } = this.options;
    const deployment = await catalogue.deployment();
    const request = {
      jql: search.jql,
      fields: withRequiredFields(search.fields),
      pageSize: search.pageSize ?? DEFAULT_PAGE_SIZE,
      // Data Center returns the full changelog with the search; Cloud embeds at most 40.
      expandChangelog: deployment === 'datacenter' || this.embedChangelogs(search.jql),
      signal: search.signal,
      context: search.context,
      stampJiraTime: true,
    };
    const source: AsyncIterable<RawPage> = deployment === 'cloud' ? searchCloud(transport, request) : searchDataCenter(transport, request);
    yield* completePages(source, new ChangelogFetcher(transport, await catalogue.apiBase()), changelogOptions(this.options.changelog, deployment, search));
  }

  async *searchIds(search: { jql: string; signal?: AbortSignal; context?: string }): AsyncGenerator<string[]> {
    const { transport, catalogue } = this.options;
    const request = { jql: search.jql, fields: ['id'], expandChangelog: false, signal: search.signal, context: search.context };
    const source =
      (await catalogue.deployment()) === 'cloud'
        ? searchCloud(transport, { ...request, pageSize: CLOUD_ID_PAGE_SIZE })
        : searchDataCenter(transport, { ...request, pageSize: DC_ID_PAGE_SIZE });
    for await (const page of source) if (page.issues.length) yield page.issues.map(issue => String(issue.id));
  }

  async approximateCount(jql: string): Promise<number | undefined> {
    const { transport, catalogue } = this.options;
    const where = splitOrderBy(jql).where;
    if ((await catalogue.deployment()) === 'cloud') {
      const response = await transport.request<{ count?: number }>('POST', '/rest/api/3/search/approximate-count', { body: { jql: where } });
      return typeof response.count === 'number' ? response.count : undefined;
    }
    const response = await transport.request<{ total?: number }>('POST', '/rest/api/2/search', {
      body: { jql: where, maxResults: 0, fields: ['id'] },
    });
    return typeof response.total === 'number' ? response.total : undefined;
  }

  /** See `expandOnSearch`: measured cheapest per kind of read (changelog.ts). */
  private embedChangelogs(jql: string): boolean {
    const setting = this.options.expandOnSearch;
    return setting === 'auto' ? hasUpdatedLowerBound(jql) : setting;
  }
}
