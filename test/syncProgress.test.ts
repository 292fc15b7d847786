import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { KnexIssueQueryStore } from '../src/store';
import { storeDatabase } from '../src/store/testFixtures';
import { syncStatuses } from '../src/service/syncStatus';
import { startHarness, type Harness } from './support/harness';
import { syncDefinition } from './support/factories';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const ISSUES = 90;

describe.each(databases.eachSupportedId())('sync progress in the syncs API on %s', databaseId => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('a first full sync against a slow Jira shows issuesRead growing and issuesExpected set while running, then null', async () => {
    const knex = await databases.init(databaseId);
    h = await startHarness(knex, { seed: 21, projects: 1, issues: ISSUES, historyShape: 'small', latency: { fixedMs: 300, perIssueMs: 0 } });
    const [project] = h.sim.data.projects();
    const sync = syncDefinition({ id: 'slow', projects: [project], strategy: 'full', pageSize: 15 });
    // A second store on the same database: what another replica reads.
    const sources = {
      syncStore: h.store,
      queryStore: await KnexIssueQueryStore.create(storeDatabase(knex)),
      scheduler: { getScheduledTasks: async () => [] },
      logger: mockServices.logger.mock(),
    };

    const run = h.engine.run(sync);
    let finished = false;
    void run.finally(() => {
      finished = true;
    });
    const seen: Array<{ state: string; issuesRead: number; issuesExpected: number | null; eta: number | null }> = [];
    while (!finished) {
      const [status] = await syncStatuses(sources, [sync], Date.now());
      if (status.progress) {
        seen.push({ state: status.state, issuesRead: status.progress.issuesRead, issuesExpected: status.progress.issuesExpected, eta: status.progress.etaSeconds });
      }
      await new Promise(resolve => setTimeout(resolve, 40));
    }
    const summary = await run;
    process.stderr.write(`${JSON.stringify(seen.map(s => s.issuesRead))}\n`);
    expect(summary.outcome).toBe('succeeded');

    const reads = seen.map(s => s.issuesRead);
    expect(new Set(reads).size).toBeGreaterThanOrEqual(3);
    expect(reads).toEqual([...reads].sort((a, b) => a - b));
    expect(Math.max(...reads)).toBeGreaterThan(0);
    // Jira's count is read after the run row is written: from the first page on it is there.
    expect(seen.filter(s => s.issuesRead > 0).every(s => s.issuesExpected === ISSUES)).toBe(true);
    expect(seen.every(s => s.state === 'running')).toBe(true);
    expect(seen.some(s => s.eta !== null && s.eta > 0)).toBe(true);

    const [after] = await syncStatuses(sources, [sync], Date.now());
    expect(after.progress).toBeNull();
    expect(after.state).not.toBe('running');
    expect(after.lastRun?.counters?.issuesRead).toBe(ISSUES);
  });

  it('a failing sync says so with its reason and shows no progress', async () => {
    const knex = await databases.init(databaseId);
    h = await startHarness(knex, { seed: 22, projects: 1, issues: 10, historyShape: 'small' });
    const sync = syncDefinition({ id: 'broken', projects: ['NOPE'], strategy: 'full', jql: 'this is not ( jql' });
    const sources = {
      syncStore: h.store,
      queryStore: await KnexIssueQueryStore.create(storeDatabase(knex)),
      scheduler: { getScheduledTasks: async () => [{ id: 'jira-sync:broken' } as any] },
      logger: mockServices.logger.mock(),
    };
    for (let i = 0; i < 3; i++) expect((await h.engine.run(sync)).outcome).toBe('failed');
    const [status] = await syncStatuses(sources, [sync], Date.now());
    expect(status.progress).toBeNull();
    expect(status.state).toBe('failing');
    expect(status.reason).toMatch(/failed/);
  });
});
