/** Per-call counters for one client: calls, retries, bytes and rate-limit waits by endpoint. */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ApiCounters } from './types';

/** `GET /rest/api/3/issue/{id}/changelog`: ids and keys in paths become placeholders. */
export function normalizeEndpoint(method: string, path: string): string {
  const pathOnly = path.split('?')[0];
  const parts = pathOnly.split('/');
  const segments = parts.map((segment, i) => {
    // `/rest/api/3`: a version, not an id.
    if (/^\d+$/.test(segment) && !['api', 'agile', 'auth'].includes(parts[i - 1])) return '{id}';
    if (/^[A-Z][A-Z0-9_]*-\d+$/.test(segment)) return '{key}';
    return segment;
  });
  return `${method.toUpperCase()} ${segments.join('/')}`;
}

export class CounterSet {
  private data: ApiCounters = CounterSet.empty();

  private static empty(): ApiCounters {
    return { calls: 0, retries: 0, bytes: 0, rateLimitWaitMs: 0, byEndpoint: {} };
  }

  /** One HTTP attempt; `status` is the HTTP status or a transport failure such as `ECONNRESET`. */
  call(endpoint: string, status: number | string, bytes: number): void {
    this.data.calls++;
    this.data.bytes += bytes;
    const entry = (this.data.byEndpoint[endpoint] ??= { calls: 0, bytes: 0, statuses: {} });
    entry.calls++;
    entry.bytes += bytes;
    entry.statuses[String(status)] = (entry.statuses[String(status)] ?? 0) + 1;
  }

  retry(): void {
    this.data.retries++;
  }

  waited(ms: number): void {
    this.data.rateLimitWaitMs += Math.max(0, Math.round(ms));
  }

  snapshot(): ApiCounters {
    return structuredClone(this.data);
  }

  reset(): void {
    this.data = CounterSet.empty();
  }
}

/** The counters of the work being done (a run), beside the instance's: concurrent work on one client is not counted into it. */
const workScope = new AsyncLocalStorage<CounterSet>();

/** Runs `work` with every Jira call it makes (however deep, on whichever client) also counted into `into`. */
export function countJiraCalls<T>(into: CounterSet, work: () => Promise<T>): Promise<T> {
  return workScope.run(into, work);
}

/** The counters of the calling work, if it opened a scope with `countJiraCalls`. */
export const workCounters = (): CounterSet | undefined => workScope.getStore();
