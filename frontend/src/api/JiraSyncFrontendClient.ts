import { ResponseError } from '@backstage/errors';
import { JiraSyncClient, type EntityName, type JiraSyncClientOptions } from '@jira-sync/backstage-plugin-jira-sync-common';
import type {
  ChartPeriod,
  CumulativeFlow,
  CycleTimeChart,
  EntityIssueFacets,
  EntityIssueListQuery,
  EntityIssuesWithProgress,
  IssueChangelogPage,
  IssueDetail,
  JiraSyncFrontendApi,
  ThroughputChart,
  TimeInStatusChart,
} from './contract';

type Params = Record<string, string | number | string[] | undefined>;

/** {@link JiraSyncFrontendApi} over HTTP: the common client's routes plus the tab's. @public */
export class JiraSyncFrontendClient extends JiraSyncClient implements JiraSyncFrontendApi {
  private readonly options: JiraSyncClientOptions;

  constructor(options: JiraSyncClientOptions) {
    super(options);
    this.options = options;
  }

  listEntityIssues(entity: EntityName, query: EntityIssueListQuery = {}): Promise<EntityIssuesWithProgress> {
    return this.read(`${entityPath(entity)}/issues`, { ...query });
  }

  getEntityIssueFacets(entity: EntityName): Promise<EntityIssueFacets> {
    return this.read(`${entityPath(entity)}/issues/facets`, {});
  }

  getEntityCumulativeFlow(entity: EntityName, query: ChartPeriod & { by?: 'category' | 'status' } = {}): Promise<CumulativeFlow> {
    return this.read(`${entityPath(entity)}/charts/cumulative-flow`, { ...query });
  }

  getEntityCycleTime(entity: EntityName, query: ChartPeriod = {}): Promise<CycleTimeChart> {
    return this.read(`${entityPath(entity)}/charts/cycle-time`, { ...query });
  }

  getEntityThroughput(entity: EntityName, query: ChartPeriod = {}): Promise<ThroughputChart> {
    return this.read(`${entityPath(entity)}/charts/throughput`, { ...query });
  }

  getEntityTimeInStatus(entity: EntityName, query: ChartPeriod = {}): Promise<TimeInStatusChart> {
    return this.read(`${entityPath(entity)}/charts/time-in-status`, { ...query });
  }

  getIssue(keyOrId: string, options: { instance?: string } = {}): Promise<IssueDetail> {
    return this.read(`/issues/${encodeURIComponent(keyOrId)}`, { ...options });
  }

  getIssueChangelog(keyOrId: string, options: { instance?: string; limit?: number; cursor?: string } = {}): Promise<IssueChangelogPage> {
    return this.read(`/issues/${encodeURIComponent(keyOrId)}/changelog`, { ...options });
  }

  private async read<T>(path: string, params: Params): Promise<T> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      // Lists go comma-separated (any-of); empty ones are no filter.
      const text = Array.isArray(value) ? value.join(',') : value;
      if (text !== undefined && text !== '') search.set(name, String(text));
    }
    const baseUrl = await this.options.discoveryApi.getBaseUrl('jira-sync');
    const fetchApi = this.options.fetchApi ?? { fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init) };
    const query = search.toString();
    const response = await fetchApi.fetch(`${baseUrl}${path}${query ? `?${query}` : ''}`);
    if (!response.ok) throw await toResponseError(response);
    return (await response.json()) as T;
  }
}

// The contract's error body is `{error}`; ResponseError parses only bodies that also have `response`.
async function toResponseError(response: Response): Promise<ResponseError> {
  const text = await response.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const completed = body && typeof body.error?.message === 'string' ? JSON.stringify({ response: { statusCode: response.status }, ...body }) : text;
  return ResponseError.fromResponse(
    new Response(completed, {
      status: response.status,
      statusText: response.statusText,
      headers: { 'Content-Type': body ? 'application/json' : 'text/plain' },
    }),
  );
}

// Entity names may hold characters that are special in a path, so each part is encoded.
function entityPath({ kind, namespace, name }: EntityName): string {
  return `/entities/${[kind, namespace, name].map(encodeURIComponent).join('/')}`;
}
