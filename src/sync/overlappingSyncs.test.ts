import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { startHarness, type Harness } from '../../test/support/harness';
import { parseSyncSpec } from '../spec';
import { KnexIssueQueryStore, KnexIssueSnapshotReader } from '../store';
import { KnexOpsStore } from '../store/KnexOpsStore';
import { storeDatabase } from '../store/testFixtures';
import { resolveFieldMappings } from '../jira/fields';
import { CompletenessCheck } from '../ops/CompletenessCheck';
import { WebhookProcessor } from './WebhookProcessor';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/** Two webhook syncs on one instance, sharing ALPHA, each declaring a different custom field. */
const SPEC = `syncs:
  - id: wide
    instance: sim
    projects: [ALPHA, BETA]
    strategy: webhook
    customFields:
      points: { name: Story Points, type: number }
  - id: narrow
    instance: sim
    projects: [ALPHA]
    strategy: webhook
    customFields:
      team: { id: customfield_10001, type: option }
`;

describe.each(databases.eachSupportedId())('overlapping syncs with different mappings on %s', databaseId => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('write the same row content whichever writes last: runs, webhooks, re-projection, the API and the completeness check agree', async () => {
    h = await startHarness(await databases.init(databaseId), { seed: 5, projects: 2, issues: 40, historyShape: 'small' });
    const [wide, narrow] = parseSyncSpec(SPEC, 'spec.yaml', { instances: ['sim'] }).syncs;
    const inAlpha = h.sim.data.all().filter(i => i.key.startsWith('ALPHA-'));

    const first = await h.engine.run(wide);
    expect(first.error).toBeUndefined();
    expect(first.issuesInserted).toBe(40);
    // The shared ALPHA rows already carry narrow's projection: its first run changes none of them.
    const narrowFirst = await h.engine.run(narrow);
    expect(narrowFirst).toMatchObject({ issuesInserted: 0, issuesUpdated: 0, issuesUnchanged: inAlpha.length });
    h.sim.clock.advance(60_000);
    const wideAgain = await h.engine.run({ ...wide, reconcileEveryMs: 0 });
    expect(wideAgain.issuesUpdated).toBe(0);

    const mappings = resolveFieldMappings(wide.customFields, await h.client.fields());
    expect(mappings.map(m => m.alias).sort()).toEqual(['points', 'team']);
    expect(await h.differences(wide)).toBe('no differences');
    expect(await h.differences(narrow, { filter: i => i.key.startsWith('ALPHA-') })).toBe('no differences');

    // A webhook for a shared issue is written once per claiming sync: the same content both times.
    const target = inAlpha[0];
    h.sim.clock.advance(60_000);
    const edited = h.sim.data.updateIssue(target.id, { summary: 'edited while both syncs see it' });
    const logger = mockServices.logger.mock();
    const webhooks = new WebhookProcessor({ store: h.store, clientFor: () => h.client, syncs: [wide, narrow], logger });
    const body = JSON.stringify({ webhookEvent: 'jira:issue_updated', timestamp: Date.now(), issue: { id: target.id, key: target.key, fields: { updated: edited.fields.updated } } });
    expect(await webhooks.handle('sim', Buffer.from(body), JSON.parse(body))).toBe('applied');
    expect(await h.differences(wide)).toBe('no differences');

    // The API reads the one projection: every alias of the instance, from whichever sync.
    const queries = await KnexIssueQueryStore.create(storeDatabase(h.knex));
    const detail = await queries.getIssue('sim', target.key);
    expect(Object.keys(detail!.customFields).sort()).toEqual(['points', 'team']);
    expect(detail!.summary).toBe('edited while both syncs see it');

    // A re-projection by either sync rewrites nothing the other wrote.
    expect(await h.engine.reproject(narrow, mappings)).toBe(0);
    expect(await h.engine.reproject(wide, mappings)).toBe(0);

    // Neither sync's completeness check sees drift in the shared rows.
    const check = new CompletenessCheck({
      syncStore: h.store,
      opsStore: await KnexOpsStore.create(storeDatabase(h.knex)),
      reader: await KnexIssueSnapshotReader.create(storeDatabase(h.knex)),
      clientFor: () => h.client,
      logger,
      sampleSize: 100,
      repair: false,
    });
    for (const sync of [wide, narrow]) {
      const report = await check.run(sync);
      expect(report).toMatchObject({ outcome: 'succeeded', differing: 0, unrepairedDrift: 0 });
      expect(report.compared).toBeGreaterThan(0);
    }
  });
});
