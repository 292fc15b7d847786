import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { startHarness, type Harness } from '../../test/support/harness';
import { syncDefinition } from '../../test/support/factories';
import type { JiraClient } from '../jira/types';
import { SyncEngine } from './SyncEngine';
import { WebhookProcessor } from './WebhookProcessor';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe.each(databases.eachSupportedId())('reconciliation racing a webhook on %s', databaseId => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('an issue created and stored by a webhook while the census runs is not taken for one that left the scope', async () => {
    h = await startHarness(await databases.init(databaseId), { seed: 71, projects: 1, issues: 40, historyShape: 'small' });
    const { sim } = h;
    const sync = syncDefinition({ id: 'race', projects: sim.data.projects(), strategy: 'webhook' });
    const webhooks = new WebhookProcessor({ store: h.store, clientFor: () => h.client, syncs: [sync], logger: mockServices.logger.mock() });
    let createdId: string | undefined;
    // The census has read its ids; then Jira creates an issue and its webhook is applied before the census is compared.
    const racingClient: JiraClient = Object.assign(Object.create(h.client), {
      async *searchIds(options: Parameters<JiraClient['searchIds']>[0]) {
        yield* h.client.searchIds(options);
        const created = sim.data.createIssue({ project: sim.data.projects()[0], fields: { summary: 'born during the census' } });
        createdId = created.id;
        const payload = { webhookEvent: 'jira:issue_created', timestamp: sim.clock.now(), issue: { id: created.id, key: created.key, fields: { updated: created.fields.updated } } };
        expect(await webhooks.handle('sim', Buffer.from(JSON.stringify(payload)), payload)).toBe('applied');
      },
    });
    const engine = new SyncEngine({ store: h.store, clientFor: () => racingClient, logger: mockServices.logger.mock() });

    const run = await engine.run(sync);
    expect(run).toMatchObject({ outcome: 'succeeded', issuesDeleted: 0 });
    const row = await h.knex('jira_sync_issues').where({ instance: 'sim', issue_id: createdId }).first();
    expect(row).toMatchObject({ deleted_ms: null, deleted_reason: null });
    expect(await h.differences(sync)).toBe('no differences');
  });
});
