import { ResponseError } from '@backstage/errors';
import type { JiraSyncApi } from './JiraSyncApi';
import type {
  ChartPeriod,
  CumulativeFlow,
  CycleTimeChart,
  EntityIssueFacets,
  EntityIssueListQuery,
  EntityIssues,
  EntityIssuesQuery,
  EntityName,
  FlowMetrics,
  IssueChangelogPage,
  IssueDetail,
  ThroughputChart,
  TimeInStatusChart,
} from './types';

/**
 * What the client needs: the frontend's discoveryApi and fetchApi fit, and so does a backend's
 * discovery service with a fetch that adds service credentials. @public
 */
export interface JiraSyncClientOptions {
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  /** Defaults to the global fetch (no credentials added). */
  fetchApi?: { fetch: typeof fetch };
}

/** {@link JiraSyncApi} over HTTP: finds the backend through discovery, calls it with the given fetch (the app's adds the user's token). @public */
export class JiraSyncClient implements JiraSyncApi {
  private readonly discoveryApi: JiraSyncClientOptions['discoveryApi'];
  private readonly fetchApi: { fetch: typeof fetch };

  constructor(options: JiraSyncClientOptions) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi ?? { fetch: (input, init) => fetch(input, init) };
  }

  async getEntityIssues(entity: EntityName, query: EntityIssuesQuery = {}): Promise<EntityIssues> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params.set(name, String(value));
    }
    return this.get<EntityIssues>(`${entityPath(entity)}/issues`, params);
  }

  async getEntityFlowMetrics(entity: EntityName, options: { weeks?: number } = {}): Promise<FlowMetrics> {
    const params = new URLSearchParams();
    if (options.weeks !== undefined) params.set('weeks', String(options.weeks));
    return this.get<FlowMetrics>(`${entityPath(entity)}/metrics`, params);
  }

  /** The entity issue list with list filters (each sent as a comma list). */
  async listEntityIssues(entity: EntityName, query: EntityIssueListQuery = {}): Promise<EntityIssues> {
    return this.get<EntityIssues>(`${entityPath(entity)}/issues`, queryParams(query));
  }

  async getEntityIssueFacets(entity: EntityName): Promise<EntityIssueFacets> {
    return this.get<EntityIssueFacets>(`${entityPath(entity)}/issues/facets`, new URLSearchParams());
  }

  async getEntityCumulativeFlow(entity: EntityName, query: ChartPeriod & { by?: 'category' | 'status' } = {}): Promise<CumulativeFlow> {
    return this.get<CumulativeFlow>(`${entityPath(entity)}/charts/cumulative-flow`, queryParams(query));
  }

  async getEntityCycleTime(entity: EntityName, query: ChartPeriod = {}): Promise<CycleTimeChart> {
    return this.get<CycleTimeChart>(`${entityPath(entity)}/charts/cycle-time`, queryParams(query));
  }

  async getEntityThroughput(entity: EntityName, query: ChartPeriod = {}): Promise<ThroughputChart> {
    return this.get<ThroughputChart>(`${entityPath(entity)}/charts/throughput`, queryParams(query));
  }

  async getEntityTimeInStatus(entity: EntityName, query: ChartPeriod = {}): Promise<TimeInStatusChart> {
    return this.get<TimeInStatusChart>(`${entityPath(entity)}/charts/time-in-status`, queryParams(query));
  }

  async getIssue(keyOrId: string, options: { instance?: string } = {}): Promise<IssueDetail> {
    return this.get<IssueDetail>(`/issues/${encodeURIComponent(keyOrId)}`, queryParams(options));
  }

  async getIssueChangelog(keyOrId: string, options: { instance?: string; limit?: number; cursor?: string } = {}): Promise<IssueChangelogPage> {
    return this.get<IssueChangelogPage>(`/issues/${encodeURIComponent(keyOrId)}/changelog`, queryParams(options));
  }

  private async get<T>(path: string, params: URLSearchParams): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('jira-sync');
    const search = params.toString();
    const response = await this.fetchApi.fetch(`${baseUrl}${path}${search ? `?${search}` : ''}`);
    if (!response.ok) {
      throw await toResponseError(response);
    }
    return (await response.json()) as T;
  }
}

/**
 * A ResponseError carrying the server's message. The contract's error body is `{error}`, while
 * ResponseError only parses bodies that also have `response`, so that part is filled in first.
 */
async function toResponseError(response: Response): Promise<ResponseError> {
  const text = await response.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const completed =
    body && typeof body.error?.message === 'string'
      ? JSON.stringify({ response: { statusCode: response.status }, ...body })
      : text;
  return ResponseError.fromResponse(
    new Response(completed, {
      status: response.status,
      statusText: response.statusText,
      headers: { 'Content-Type': body ? 'application/json' : 'text/plain' },
    }),
  );
}

/** Query values as parameters: lists joined by commas, empty values and empty lists left out. */
function queryParams(query: object): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(',') : String(value);
    if (text !== '') params.set(name, text);
  }
  return params;
}

// Entity names may hold characters that are special in a path (e.g. ':' or '/'), so each part is encoded.
function entityPath({ kind, namespace, name }: EntityName): string {
  return `/entities/${[kind, namespace, name].map(encodeURIComponent).join('/')}`;
}
