/** Complete issues by id: bulk on Cloud (`issue/bulkfetch`, 100 a call), one request each on Data Center. */
import { ChangelogFetcher, completePages } from './changelog';
import { changelogOptions, withRequiredFields, type ChangelogSettings } from './completeIssues';
import { JiraRequestError } from './errors';
import type { InstanceCatalogue } from './instanceCatalogue';
import type { RawIssue, RawPage } from './search';
import type { JiraTransport } from './transport';
import type { JiraIssue, SearchOptions } from './types';

const ISSUE_BULKFETCH_MAX = 100;
/** Data Center has no bulk fetch: this many single-issue requests in flight at once. */
const DATA_CENTER_PARALLEL_GETS = 4;

interface IssueBulkFetchResponse {
  issues?: RawIssue[];
  issueErrors?: unknown[];
}

export class IssuesById {
  constructor(private readonly options: { transport: JiraTransport; catalogue: InstanceCatalogue; changelog: ChangelogSettings }) {}

  /** Missing ids (gone, or no longer visible) are absent from the result. */
  async getIssues(ids: string[], read: Pick<SearchOptions, 'fields' | 'signal' | 'storedHistories' | 'context'>): Promise<JiraIssue[]> {
    const { transport, catalogue } = this.options;
    const deployment = await catalogue.deployment();
    const base = await catalogue.apiBase();
    const fields = withRequiredFields(read.fields);
    const unique = [...new Set(ids.map(String))];
    const found: RawIssue[] = [];
    if (deployment === 'cloud') {
      for (let i = 0; i < unique.length; i += ISSUE_BULKFETCH_MAX) {
        const response = await transport.request<IssueBulkFetchResponse>('POST', '/rest/api/3/issue/bulkfetch', {
          body: { issueIdsOrKeys: unique.slice(i, i + ISSUE_BULKFETCH_MAX), fields, expand: ['changelog'] },
          signal: read.signal,
          context: read.context,
        });
        found.push(...(response.issues ?? []));
      }
    } else {
      // A few at a time, not one per id at once: a thousand queued requests would starve the instance's other work.
      const results: Array<RawIssue | undefined> = [];
      let next = 0;
      const worker = async () => {
        while (next < unique.length) {
          const index = next++;
          results[index] = await transport
            .request<RawIssue>('GET', `${base}/issue/${unique[index]}`, {
              query: { fields: fields.join(','), expand: 'changelog' },
              signal: read.signal,
              context: read.context,
            })
            .catch(e => {
              if (e instanceof JiraRequestError && e.status === 404) return undefined;
              throw e;
            });
        }
      };
      await Promise.all(Array.from({ length: Math.min(DATA_CENTER_PARALLEL_GETS, unique.length) }, worker));
      for (const r of results) if (r) found.push(r);
    }
    const source = (async function* singlePage() {
      yield { issues: found, isLast: true } as RawPage;
    })();
    const issues: JiraIssue[] = [];
    for await (const page of completePages(source, new ChangelogFetcher(transport, base), changelogOptions(this.options.changelog, deployment, read))) {
      issues.push(...page.issues);
    }
    return issues;
  }
}
