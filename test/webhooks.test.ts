import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { mockServices, startTestBackend, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { startJiraSimulator, type JiraSimulator } from '../dev/simulator';
import jiraSyncPlugin from '../src';
import { simInstanceAppConfig } from './support/factories';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const SECRET = 'webhook-secret-for-tests';

function specFile(projects: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'jira-sync-webhooks-'));
  const file = join(dir, 'spec.yaml');
  writeFileSync(file, `syncs:\n  - id: live\n    instance: sim\n    projects: [${projects.join(', ')}]\n    strategy: webhook\n`);
  return file;
}

describe.each(databases.eachSupportedId())('webhooks from the simulator into a running backend on %s', databaseId => {
  let sim: JiraSimulator;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let knex: Awaited<ReturnType<typeof databases.init>>;
  let webhookUrl: string;

  beforeEach(async () => {
    sim = await startJiraSimulator({ seed: 11, projects: 2, issues: 40, historyShape: 'small' });
    knex = await databases.init(databaseId);
    const [first] = sim.data.projects();
    backend = await startTestBackend({
      features: [
        jiraSyncPlugin,
        mockServices.rootConfig.factory({
          data: {
            jiraSync: {
              instances: [simInstanceAppConfig(sim, { webhookSecret: SECRET })],
              spec: { path: specFile([first]) },
            },
          },
        }),
        mockServices.database.factory({ knex }),
        mockServices.scheduler.factory({ includeInitialDelayedTasksOnStartup: true }),
        catalogServiceMock.factory({ entities: [] }),
      ],
    });
    const { port } = backend.server.address() as AddressInfo;
    webhookUrl = `http://127.0.0.1:${port}/api/jira-sync/webhook/sim`;
  });

  afterEach(async () => {
    await backend?.stop();
    await sim?.close();
  });

  const row = (id: string) => knex('jira_sync_issues').where({ instance: 'sim', issue_id: id }).first();

  it('applies signed deliveries: edits, creations and deletions reach the copy without a scheduled run', async () => {
    const [first, second] = sim.data.projects();
    sim.webhooks.subscribe(webhookUrl, SECRET);
    const target = sim.data.all().find(i => i.key.startsWith(`${first}-`))!;
    sim.clock.advance(1000);
    sim.data.updateIssue(target.id, { summary: 'changed through a webhook' });
    const created = sim.data.createIssue({ project: first, fields: { summary: 'born in Jira' } });
    const outside = sim.data.createIssue({ project: second, fields: { summary: 'not in any sync' } });
    // Jira deletes sub-tasks with their parent: pick an issue without any, so one event is expected.
    const parents = new Set(sim.data.all().map(i => (i.fields.parent as { id?: string } | null)?.id).filter(Boolean));
    const doomed = sim.data.all().find(i => i.key.startsWith(`${first}-`) && i.id !== target.id && !parents.has(i.id))!;
    sim.data.deleteIssue(doomed.id);
    await sim.webhooks.flush();

    expect((await row(target.id)).summary).toBe('changed through a webhook');
    expect((await row(created.id)).summary).toBe('born in Jira');
    expect(await row(outside.id)).toBeUndefined();
    expect((await row(doomed.id)).deleted_reason).toBe('deleted in Jira (webhook)');
    const outcomes = await knex('jira_sync_webhook_events').select('outcome');
    expect(outcomes.map(o => o.outcome).sort()).toEqual(['applied', 'applied', 'deleted', 'out-of-scope']);
  });

  it('duplicated, reordered and late deliveries never move an issue back to an older version', async () => {
    const [first] = sim.data.projects();
    sim.webhooks.subscribe(webhookUrl, SECRET, { duplicate: 1, reorder: true, delayMs: 300, seed: 5 });
    const target = sim.data.all().find(i => i.key.startsWith(`${first}-`))!;
    for (let n = 1; n <= 6; n++) {
      sim.clock.advance(1000);
      sim.data.updateIssue(target.id, { summary: `version ${n}` });
    }
    await sim.webhooks.flush();
    const stored = await row(target.id);
    expect(stored.summary).toBe('version 6');
    // Every delivery was doubled: twelve events arrived, six of them recognised as duplicates.
    const events = await knex('jira_sync_webhook_events').where({ instance: 'sim' });
    expect(events).toHaveLength(6);
    const histories = await knex('jira_sync_histories').where({ instance: 'sim', issue_id: target.id });
    expect(histories.length).toBe(sim.truth().find(t => t.id === target.id)!.histories.length);
  });

  it('refuses deliveries with a wrong or missing signature and stores nothing', async () => {
    const [first] = sim.data.projects();
    sim.webhooks.subscribe(webhookUrl, 'not-the-secret');
    const target = sim.data.all().find(i => i.key.startsWith(`${first}-`))!;
    const before = (await row(target.id)).summary;
    sim.clock.advance(1000);
    sim.data.updateIssue(target.id, { summary: 'forged' });
    await sim.webhooks.flush();
    expect((await row(target.id)).summary).toBe(before);
    expect(await knex('jira_sync_webhook_events')).toHaveLength(0);

    const unsigned = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(unsigned.status).toBe(401);
  });
});
