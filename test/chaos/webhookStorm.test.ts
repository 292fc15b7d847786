import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SchedulerService, ServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import jiraSyncPlugin from '../../src';
import { syncTaskId } from '../../src/sync';
import { startHarness, type Harness } from '../support/harness';
import { simInstanceAppConfig, syncDefinition } from '../support/factories';
import { chaosSize, sample, seededRandom, startVersionSampler } from './inprocSupport';

jest.setTimeout(chaosSize(120_000, 900_000));

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const SECRET = 'webhook-storm-secret';
const ISSUES = chaosSize(300, 1500);
const SYNC_ID = 'storm';
/** Edits stop at this budget even if the sweep is still going: a sweep ordered by `updated` chases an endless stream of edits. */
const MAX_EDITS = chaosSize(120, 600);
const MAX_IN_FLIGHT = 30;

describe.each(databases.eachSupportedId())('webhook storm during a full sync on %s', databaseId => {
  let h: Harness;
  let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;

  afterEach(async () => {
    await backend?.stop();
    await h?.close();
  });

  it('duplicated, reordered and late deliveries during the sweep: the copy equals Jira and no issue ever goes back', async () => {
    const knex = await databases.init(databaseId);
    h = await startHarness(knex, { seed: 313, projects: 2, issues: ISSUES, historyShape: 'small' });
    const { sim } = h;
    const projects = sim.data.projects();
    const dir = mkdtempSync(join(tmpdir(), 'jira-sync-webhook-storm-'));
    const specPath = join(dir, 'spec.yaml');
    writeFileSync(specPath, `syncs:\n  - id: ${SYNC_ID}\n    instance: sim\n    projects: [${projects.join(', ')}]\n    strategy: webhook\n    pageSize: 25\n`);
    // The mock scheduler runs the sync only when the test triggers it; its type is not exported, its factory is.
    const scheduler = mockServices.scheduler() as SchedulerService & { factory(options?: object): ServiceFactory };
    backend = await startTestBackend({
      features: [
        jiraSyncPlugin,
        mockServices.rootConfig.factory({
          data: {
            jiraSync: {
              instances: [simInstanceAppConfig(sim, { webhookSecret: SECRET, rateLimit: { requestsPerSecond: 1000 } })],
              spec: { path: specPath },
            },
          },
        }),
        mockServices.database.factory({ knex }),
        scheduler.factory({ skipTaskRunOnStartup: true }),
        catalogServiceMock.factory({ entities: [] }),
      ],
    });
    const { port } = backend.server.address() as AddressInfo;
    sim.webhooks.subscribe(`http://127.0.0.1:${port}/api/jira-sync/webhook/sim`, SECRET, { duplicate: 0.5, reorder: true, delayMs: 400, seed: 21 });
    // Slower answers stretch the sweep so the storm really overlaps it.
    sim.latency.set({ fixedMs: 10, perIssueMs: 0 });

    const sampler = startVersionSampler(knex, { instance: 'sim' });
    let finished = false;
    const run = scheduler.triggerTask(syncTaskId(SYNC_ID)).finally(() => {
      finished = true;
    });
    const random = seededRandom(5);
    let edits = 0;
    let emitted = 0;
    let deliveredDuringRun = 0;
    const delivered = () => new Set(sim.webhooks.deliveries().map(d => d.identifier)).size;
    while (!finished && edits < MAX_EDITS) {
      // At most MAX_IN_FLIGHT events not yet delivered: a storm, not a backlog the test process itself cannot serve.
      if (emitted - delivered() >= MAX_IN_FLIGHT) {
        await new Promise(resolve => setTimeout(resolve, 10));
        continue;
      }
      const live = sim.data.all();
      const [issue] = sample(random, live, 1);
      sim.data.updateIssue(issue.id, { summary: `storm edit ${++edits}`, labels: [`edit-${edits}`] });
      emitted++;
      if (edits % 9 === 0) {
        sim.data.createIssue({ project: projects[edits % 2], fields: { summary: `storm creation ${edits}` } });
        emitted++;
      }
      if (edits % 15 === 0) {
        sim.data.addComment(sample(random, live, 1)[0].id, `comment ${edits}`);
        emitted += 2;
      }
      if (edits % 30 === 0) {
        // Link-free, sub-task-free: a deletion's effect on other issues' links is not what this test is about.
        const loose = live.filter(i => !(i.fields.subtasks as unknown[]).length && !(i.fields.issuelinks as unknown[]).length);
        sim.data.deleteIssue(sample(random, loose, 1)[0].id);
        emitted++;
      }
      deliveredDuringRun = sim.webhooks.deliveries().length;
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    await run;
    // Late deliveries of the last edits land after the sweep has finished.
    await sim.webhooks.flush();
    const samples = await sampler.stop();

    const [record] = await h.store.listRuns(SYNC_ID, 1);
    expect(record).toMatchObject({ outcome: 'succeeded', strategy: 'full' });
    const deliveries = sim.webhooks.deliveries();
    expect(deliveredDuringRun).toBeGreaterThan(10);
    expect(deliveries.length).toBeGreaterThan(deliveredDuringRun);
    expect(deliveries.filter(d => d.status !== 202 && d.status !== 200 && d.status !== 204)).toEqual([]);
    expect(deliveries.some(d => d.retry)).toBe(true);
    const events = await knex('jira_sync_webhook_events').where({ instance: 'sim' });
    // Every duplicate was recognised: one event row per distinct delivery.
    expect(events).toHaveLength(new Set(deliveries.map(d => d.identifier)).size);

    expect(samples.samples).toBeGreaterThan(5);
    expect(samples.issuesSeen).toBeGreaterThanOrEqual(ISSUES);
    expect(samples.regressions).toEqual([]);
    const sync = syncDefinition({ id: SYNC_ID, projects });
    expect(await h.differences(sync)).toBe('no differences');
    console.log(
      `webhook storm on ${databaseId}: ${ISSUES} issues, ${edits} edits, ${deliveries.length} deliveries ` +
        `(${deliveries.filter(d => d.retry).length} duplicates, ${deliveredDuringRun} during the sweep), ` +
        `${samples.samples} samples of ${samples.issuesSeen} issues, 0 regressions`,
    );
  });
});
