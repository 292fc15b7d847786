import type { Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import { startJiraSimulator, type JiraSimulator, type SimulatorOptions, type TruthIssue } from '../../dev/simulator';
import { createJiraClient } from '../../src/jira';
import { KnexSyncStore } from '../../src/store';
import { storeDatabase } from '../../src/store/testFixtures';
import { SyncEngine } from '../../src/sync';
import type { JiraClient } from '../../src/jira/types';
import type { SyncDefinition } from '../../src/spec/types';
import type { JiraInstanceConfig } from '../../src/config/types';
import { resolveFieldMappings } from '../../src/jira/fields';
import { fastSleep, simInstanceConfig } from './factories';
import { differencesFromTruth } from './truth';

// test/browser imports it from here.
export { simInstanceAppConfig } from './factories';

const quietJiraLogger = { info() {}, warn() {}, error() {}, debug() {} };

export interface Harness {
  sim: JiraSimulator;
  knex: Knex;
  store: KnexSyncStore;
  client: JiraClient;
  engine: SyncEngine;
  /** Differences between the database and the simulator's truth for a sync's scope. */
  differences(sync: SyncDefinition, options?: { filter?: (issue: TruthIssue) => boolean }): Promise<string>;
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
  const client = createJiraClient({ config: simInstanceConfig(sim, options.instance), logger: quietJiraLogger, sleep: fastSleep });
  const engine = new SyncEngine({ store, clientFor: () => client, logger, now: options.now });
  return {
    sim,
    knex,
    store,
    client,
    engine,
    async differences(sync, { filter } = {}) {
      const mappings = resolveFieldMappings(sync.customFields, await client.fields());
      return differencesFromTruth(knex, sim, { syncId: sync.id, filter, mappings });
    },
    async close() {
      await sim.close();
    },
  };
}
