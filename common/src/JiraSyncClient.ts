import { ResponseError } from '@backstage/errors';
import type { JiraSyncApi } from './JiraSyncApi';
import type {
  EntityIssues,
  EntityIssuesQuery,
  EntityName,
  FlowMetrics,
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

// Entity names may hold characters that are special in a path (e.g. ':' or '/'), so each part is encoded.
function entityPath({ kind, namespace, name }: EntityName): string {
  return `/entities/${[kind, namespace, name].map(encodeURIComponent).join('/')}`;
}
