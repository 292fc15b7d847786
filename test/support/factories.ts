/** Sync definitions and Jira instance configs for tests, with test-friendly defaults: the one place they are written. */
import type { SyncDefinition } from '../../src/spec/types';
import type { JiraInstanceConfig } from '../../src/config/types';

/** What a test knows of the simulator it talks to. */
export interface SimEndpoint {
  url: string;
  credentials: { email: string; apiToken: string };
}

const simAuth = (sim: SimEndpoint) => ({ type: 'basic' as const, email: sim.credentials.email, apiToken: sim.credentials.apiToken });

/** A sync definition with test-friendly defaults. */
export function syncDefinition(overrides: Partial<SyncDefinition> & Pick<SyncDefinition, 'id'>): SyncDefinition {
  return {
    instance: 'sim',
    projects: [],
    strategy: 'incremental',
    schedule: { frequency: { minutes: 30 }, timeout: { minutes: 10 } },
    fields: [
      'summary', 'status', 'issuetype', 'project', 'priority', 'assignee', 'reporter', 'labels',
      'components', 'fixVersions', 'parent', 'created', 'updated', 'resolutiondate', 'issuelinks',
    ],
    customFields: [],
    overlapMs: 10 * 60_000,
    reconcileEveryMs: 24 * 3600_000,
    maxDeleteShare: 0.2,
    pageSize: 100,
    ...overrides,
  };
}

/** A Jira instance as read from app-config; quick limits so tests never wait on them. */
export function instanceConfig(overrides: Partial<JiraInstanceConfig> & Pick<JiraInstanceConfig, 'name' | 'baseUrl'>): JiraInstanceConfig {
  return {
    auth: { type: 'bearer', token: 't' },
    rateLimit: { requestsPerSecond: 1000, concurrency: 4, maxAttempts: 8, requestTimeoutMs: 10_000 },
    ...overrides,
  };
}

/** The simulator as a configured instance named `sim`, with its API token. */
export function simInstanceConfig(sim: SimEndpoint, overrides: Partial<JiraInstanceConfig> = {}): JiraInstanceConfig {
  return instanceConfig({ name: 'sim', baseUrl: sim.url, auth: simAuth(sim), ...overrides });
}

/** The simulator as an entry of `jiraSync.instances` in app-config, for tests that start the plugin. */
export function simInstanceAppConfig(sim: SimEndpoint, extra: Record<string, unknown> = {}) {
  return { name: 'sim', baseUrl: sim.url, auth: simAuth(sim), ...extra };
}

/** Retries in tests wait a tenth of what they would in production. */
export const fastSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolvePromise, reject) => {
    const timer = setTimeout(resolvePromise, Math.ceil(ms / 10));
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason ?? new Error('aborted'));
    });
  });
