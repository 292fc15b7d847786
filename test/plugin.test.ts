import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockServices, startTestBackend, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { startJiraSimulator, type JiraSimulator } from '../dev/simulator';
import jiraSyncPlugin from '../src';
import { simInstanceAppConfig } from './support/factories';
import { truthDifferences } from './support/truth';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

function writeSpec(text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'jira-sync-spec-'));
  const file = join(dir, 'jira-sync.yaml');
  writeFileSync(file, text);
  return file;
}

function jiraSyncConfig(sim: JiraSimulator, specPath: string) {
  return {
    jiraSync: {
      instances: [simInstanceAppConfig(sim, { webhookSecret: 'hook-secret' })],
      spec: { path: specPath },
    },
  };
}

describe.each(databases.eachSupportedId())('the plugin in a Backstage backend on %s', databaseId => {
  let sim: JiraSimulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('boots with a spec, runs its sync on the scheduler and stores exactly what Jira has', async () => {
    sim = await startJiraSimulator({ seed: 3, projects: 2, issues: 80, historyShape: 'small' });
    const [first] = sim.data.projects();
    const spec = writeSpec(`syncs:\n  - id: first-project\n    instance: sim\n    projects: [${first}]\n    strategy: incremental\n`);
    const knex = await databases.init(databaseId);
    const backend = await startTestBackend({
      features: [
        jiraSyncPlugin,
        mockServices.rootConfig.factory({ data: jiraSyncConfig(sim, spec) }),
        mockServices.database.factory({ knex }),
        mockServices.scheduler.factory({ includeInitialDelayedTasksOnStartup: true }),
        catalogServiceMock.factory({ entities: [] }),
      ],
    });
    try {
      // The mock scheduler runs every task once at start-up, before startTestBackend resolves.
      const runs = await knex('jira_sync_runs').where({ sync_id: 'first-project' });
      expect(runs).toHaveLength(1);
      expect(runs[0].outcome).toBe('succeeded');
      const truth = sim.truth().filter(i => (i.fields.project as { key: string }).key === first);
      const differences = await truthDifferences(knex, sim, { syncId: 'first-project', projects: [first] });
      expect(differences).toEqual([]);
      expect(Number(runs[0].issues_inserted)).toBe(truth.length);
    } finally {
      await backend.stop();
    }
  });

  it('refuses to start with a broken spec and says where the problem is', async () => {
    sim = await startJiraSimulator({ seed: 3, projects: 1, issues: 5, historyShape: 'small' });
    const spec = writeSpec('syncs:\n  - id: broken\n    instance: sim\n    projects: [A]\n    strategy: incremantal\n');
    const knex = await databases.init(databaseId);
    await expect(
      startTestBackend({
        features: [
          jiraSyncPlugin,
          mockServices.rootConfig.factory({ data: jiraSyncConfig(sim, spec) }),
          mockServices.database.factory({ knex }),
          catalogServiceMock.factory({ entities: [] }),
        ],
      }),
    ).rejects.toThrow(/jira-sync\.yaml:5:\d+.*syncs\[0\]\.strategy must be one of full, incremental, webhook; got 'incremantal'/s);
    // Nothing half-ran: no sync run was recorded.
    const hasRuns = await knex.schema.hasTable('jira_sync_runs');
    const runs = hasRuns ? await knex('jira_sync_runs') : [];
    expect(runs).toHaveLength(0);
  });
});
