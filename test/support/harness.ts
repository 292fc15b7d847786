import type { Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import { startJiraSimulator, type JiraSimulator, type SimulatorOptions } from '../../dev/simulator';
import { createJiraClient } from '../../src/jira';
import { KnexIssueSnapshotReader, KnexSyncStore } from '../../src/store';
import { storeDatabase } from '../../src/store/testFixtures';
import { SyncEngine } from '../../src/sync';
import { compareWithJira, formatDifferences } from '../../src/sync/compare';
import type { JiraClient, JiraIssue } from '../../src/jira/types';
import type { SyncDefinition } from '../../src/spec/types';
import type { JiraInstanceConfig } from '../../src/config/types';
import { resolveFieldMappings } from '../../src/jira/fields';

const quietJiraLogger = { info() {}, warn() {}, error() {}, debug() {} };

/** Retries in tests wait a tenth of what they would in production. */
export const fastSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolvePromise, reject) => {
    const timer = setTimeout(resolvePromise, Math.ceil(ms / 10));
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason ?? new Error('aborted'));
    });
  });

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

export function instanceConfig(sim: JiraSimulator, overrides: Partial<JiraInstanceConfig> = {}): JiraInstanceConfig {
  return {
    name: 'sim',
    baseUrl: sim.url,
    auth: { type: 'basic', email: sim.credentials.email, apiToken: sim.credentials.apiToken },
    rateLimit: { requestsPerSecond: 1000, concurrency: 4, maxAttempts: 8, requestTimeoutMs: 10_000 },
    ...overrides,
  };
}

/** The simulator as an entry of `jiraSync.instances` in app-config, for tests that start the plugin. */
export function simInstanceAppConfig(sim: JiraSimulator, extra: Record<string, unknown> = {}) {
  return {
    name: 'sim',
    baseUrl: sim.url,
    auth: { type: 'basic', email: sim.credentials.email, apiToken: sim.credentials.apiToken },
    ...extra,
  };
}

export interface Harness {
  sim: JiraSimulator;
  knex: Knex;
  store: KnexSyncStore;
  client: JiraClient;
  engine: SyncEngine;
  /** Differences between the database and the simulator's truth for a sync's scope. */
  differences(sync: SyncDefinition, options?: { filter?: (issue: JiraIssue) => boolean }): Promise<string>;
  close(): Promise<void>;
}

/** Simulator + real client + real store + engine on one test database. */
export async function startHarness(
  knex: Knex,
  simOptions: SimulatorOptions,
  options: { instance?: Partial<JiraInstanceConfig>; now?: () => number } = {},
): Promise<Harness> {
  const store = await KnexSyncStore.create(storeDatabase(knex));
  const sim = await startJiraSimulator(simOptions);
  const logger = mockServices.logger.mock();
  const client = createJiraClient({ config: instanceConfig(sim, options.instance), logger: quietJiraLogger, sleep: fastSleep });
  const engine = new SyncEngine({ store, clientFor: () => client, logger, now: options.now });
  return {
    sim,
    knex,
    store,
    client,
    engine,
    async differences(sync, { filter } = {}) {
      const truth = sim.truth().filter(issue => !filter || filter(issue as unknown as JiraIssue));
      const mappings = resolveFieldMappings(sync.customFields, await client.fields());
      const jiraIssues: JiraIssue[] = truth.map(t => ({
        id: t.id,
        key: t.key,
        fields: t.fields,
        histories: t.histories,
        historyTotal: t.histories.length,
      }));
      const differences = await compareWithJira({
        instance: 'sim',
        reader: await KnexIssueSnapshotReader.create(storeDatabase(knex)),
        jiraIssues,
        mappings,
        complete: { syncId: sync.id },
      });
      return formatDifferences(differences);
    },
    async close() {
      await sim.close();
    },
  };
}

