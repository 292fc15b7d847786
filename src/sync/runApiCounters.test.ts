import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { startHarness, type Harness } from '../../test/support/harness';
import { syncDefinition } from '../../test/support/factories';
import { CounterSet, countJiraCalls } from '../jira/counters';
import { WebhookProcessor } from './WebhookProcessor';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('per-run API counters on %s', databaseId => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('two overlapping runs on one client and a webhook during them: each call is counted once, by whoever made it', async () => {
    h = await startHarness(await databases.init(databaseId), { seed: 3, projects: 3, issues: 90, historyShape: 'small', latency: { fixedMs: 3, perIssueMs: 0 } });
    const [a, b, c] = h.sim.data.projects();
    const left = syncDefinition({ id: 'left', projects: [a, b], strategy: 'webhook', pageSize: 10 });
    const right = syncDefinition({ id: 'right', projects: [c], strategy: 'webhook', pageSize: 10 });
    const webhooks = new WebhookProcessor({ store: h.store, clientFor: () => h.client, syncs: [left, right], logger: mockServices.logger.mock() });
    const target = h.sim.data.createIssue({ project: c, fields: { summary: 'created while both syncs run' } });
    h.sim.requestLog.clear();

    const runs = Promise.all([h.engine.run(left), h.engine.run(right)]);
    // The webhook arrives once both runs are under way.
    while (h.sim.requestLog.entries().filter(e => e.endpoint.includes('search/jql')).length < 4) await new Promise(r => setTimeout(r, 2));
    const webhookCalls = new CounterSet();
    const body = JSON.stringify({ webhookEvent: 'jira:issue_updated', timestamp: Date.now(), issue: { id: target.id, key: target.key, fields: { updated: target.fields.updated } } });
    expect(await countJiraCalls(webhookCalls, () => webhooks.handle('sim', Buffer.from(body), JSON.parse(body)))).toBe('applied');
    const [leftRun, rightRun] = await runs;

    expect([leftRun.outcome, rightRun.outcome]).toEqual(['succeeded', 'succeeded']);
    const answered = h.sim.requestLog.entries().length;
    const byWebhook = webhookCalls.snapshot().calls;
    expect(byWebhook).toBeGreaterThan(0);
    expect(leftRun.apiCalls).toBeGreaterThan(0);
    expect(rightRun.apiCalls).toBeGreaterThan(0);
    // Every request Jira answered is counted by exactly one of the three: no run counts the other's nor the webhook's.
    expect(leftRun.apiCalls + rightRun.apiCalls + byWebhook).toBe(answered);
    const bytes = h.sim.requestLog.entries().reduce((n, e) => n + e.bytes, 0);
    expect(leftRun.apiBytes + rightRun.apiBytes + webhookCalls.snapshot().bytes).toBe(bytes);
    // The instance totals (metrics) still see all of them.
    expect(h.client.counters().calls).toBeGreaterThanOrEqual(answered);
  });
});
