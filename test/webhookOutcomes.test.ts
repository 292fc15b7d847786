import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { mockServices, startTestBackend, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { startJiraSimulator, type JiraSimulator, type SimulatorOptions } from '../dev/simulator';
import jiraSyncPlugin from '../src';
import { simInstanceAppConfig } from './support/factories';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const SECRET = 'webhook-secret-for-outcome-tests';

/** What each delivery became: a webhook sync on the first project, with the given custom fields. */
describe.each(databases.eachSupportedId())('webhook outcomes on %s', databaseId => {
  let sim: JiraSimulator;
  let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;
  let knex: Awaited<ReturnType<typeof databases.init>>;
  let webhookUrl: string;

  async function start(simOptions: SimulatorOptions, customFields = '') {
    sim = await startJiraSimulator({ seed: 13, projects: 2, issues: 30, historyShape: 'small', ...simOptions });
    knex = await databases.init(databaseId);
    return startBackend(customFields);
  }

  /** A backend on the same simulator and database (a restart, e.g. with a fixed spec). */
  async function startBackend(customFields: string) {
    const [first] = sim.data.projects();
    const dir = mkdtempSync(join(tmpdir(), 'jira-sync-webhook-outcomes-'));
    const spec = join(dir, 'spec.yaml');
    writeFileSync(spec, `syncs:\n  - id: live\n    instance: sim\n    projects: [${first}]\n    strategy: webhook\n${customFields}`);
    backend = await startTestBackend({
      features: [
        jiraSyncPlugin,
        mockServices.rootConfig.factory({
          data: { jiraSync: { instances: [simInstanceAppConfig(sim, { webhookSecret: SECRET })], spec: { path: spec } } },
        }),
        mockServices.database.factory({ knex }),
        mockServices.scheduler.factory({ includeInitialDelayedTasksOnStartup: true }),
        catalogServiceMock.factory({ entities: [] }),
      ],
    });
    const { port } = backend.server.address() as AddressInfo;
    webhookUrl = `http://127.0.0.1:${port}/api/jira-sync/webhook/sim`;
    return first;
  }

  afterEach(async () => {
    await backend?.stop();
    backend = undefined;
    await sim?.close();
  });

  const row = (id: string) => knex('jira_sync_issues').where({ instance: 'sim', issue_id: id }).first();
  const outcomes = async () => (await knex('jira_sync_webhook_events').orderBy('received_ms')).map(e => `${e.webhook_event}:${e.outcome}`);
  /** The initial scheduled run has stored the project (the scheduler mock runs it at start-up). */
  async function initialRun(nth = 1) {
    for (let i = 0; i < 200; i++) {
      const runs = await knex('jira_sync_runs').where({ sync_id: 'live' }).whereNot({ outcome: 'running' }).orderBy('started_ms');
      if (runs.length >= nth) return runs[nth - 1];
      await new Promise(r => setTimeout(r, 50));
    }
    throw new Error('the initial run did not finish');
  }

  it('a Data Center comment delivery without an issue object refreshes the issue named in comment.self', async () => {
    const first = await start({ deployment: 'datacenter' });
    expect((await initialRun()).outcome).toBe('succeeded');
    const target = sim.data.all().find(i => i.key.startsWith(`${first}-`))!;
    // Only comment events: the issue_updated that Jira may also send would hide a comment delivery that did nothing.
    sim.webhooks.subscribe(webhookUrl, SECRET, { events: ['comment_created'] });
    sim.clock.advance(60_000);
    const commented = sim.data.addComment(target.id, 'a comment from Data Center');
    await sim.webhooks.flush();

    expect(sim.webhooks.deliveries().map(d => d.status)).toEqual([202]);
    expect(await outcomes()).toEqual(['comment_created:applied']);
    const stored = await row(target.id);
    expect(Number(stored.updated_ms)).toBe(Date.parse(String(commented.fields.updated).replace(/([+-]\d\d)(\d\d)$/, '$1:$2')));
  });

  it('records a delivery whose issue went to the dead letters as dead-lettered, not stale', async () => {
    const first = await start({}, '    customFields:\n      points: { name: Story Points, type: number }\n');
    expect((await initialRun()).outcome).toBe('succeeded');
    const target = sim.data.all().find(i => i.key.startsWith(`${first}-`))!;
    sim.webhooks.subscribe(webhookUrl, SECRET);
    sim.clock.advance(60_000);
    sim.data.updateIssue(target.id, { customfield_10016: 'not a number' });
    await sim.webhooks.flush();

    expect(await outcomes()).toEqual(['jira:issue_updated:dead-lettered']);
    const letters = await knex('jira_sync_dead_letters').where({ sync_id: 'live', issue_id: target.id });
    expect(letters).toHaveLength(1);
    expect(letters[0].error).toMatch(/points/);
  });

  it('answers a delivery whose mapping cannot be resolved with 202 (Jira stops retrying), records it and opens an incident', async () => {
    const first = await start({}, '    customFields:\n      ghost: { name: No Such Field, type: string }\n');
    // The scheduled run fails on the same mapping; the delivery must not turn into a retry storm.
    expect((await initialRun()).outcome).toBe('failed');
    const target = sim.data.all().find(i => i.key.startsWith(`${first}-`))!;
    sim.webhooks.subscribe(webhookUrl, SECRET);
    sim.clock.advance(60_000);
    sim.data.updateIssue(target.id, { summary: 'cannot be mapped' });
    await sim.webhooks.flush();

    expect(sim.webhooks.deliveries().map(d => d.status)).toEqual([202]);
    expect(await outcomes()).toEqual(['jira:issue_updated:mapping-unresolved']);
    const incidents = await knex('jira_sync_alert_incidents').where({ subject_type: 'instance', subject_id: 'sim', kind: 'webhook-mapping' });
    expect(incidents).toHaveLength(1);
    expect(incidents[0].resolved_ms).toBeNull();
    expect(incidents[0].message).toMatch(/instance sim/);

    // The spec is fixed and the backend restarted: the next delivery that resolves clears the incident.
    await backend!.stop();
    await startBackend('    customFields:\n      points: { name: Story Points, type: number }\n');
    expect((await initialRun(2)).outcome).toBe('succeeded');
    sim.webhooks.subscribe(webhookUrl, SECRET);
    sim.clock.advance(60_000);
    sim.data.updateIssue(target.id, { summary: 'mapped again' });
    await sim.webhooks.flush();
    expect((await outcomes()).slice(-1)).toEqual(['jira:issue_updated:applied']);
    const [cleared] = await knex('jira_sync_alert_incidents').where({ subject_type: 'instance', subject_id: 'sim', kind: 'webhook-mapping' });
    expect(cleared.resolved_ms).not.toBeNull();
    expect((await row(target.id)).summary).toBe('mapped again');
  });
});
