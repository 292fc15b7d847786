import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { KnexIssueQueryStore } from '../src/store';
import { storeDatabase } from '../src/store/testFixtures';
import { runProgress, syncStatuses } from '../src/service/syncStatus';
import { emptyCounters } from '../src/sync/RunContext';
import { startHarness, type Harness } from './support/harness';
import { syncDefinition } from './support/factories';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const ISSUES = 90;

// Another replica polling a running sync needs a second connection: SQLite's single test connection
// queues the reader behind the run, so this runs on PostgreSQL (the store test covers SQLite's writes).
describe.each(['POSTGRES_15' as const])('sync progress read while a sync runs on %s', databaseId => {
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
});

describe.each(databases.eachSupportedId())('sync state in the syncs API on %s', databaseId => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('a run row keeps its live progress while running and leaves it when finished', async () => {
    h = await startHarness(await databases.init(databaseId), { seed: 23, projects: 1, issues: 1, historyShape: 'small' });
    const runId = await h.store.startRun({ syncId: 's', strategy: 'full', trigger: 'test', nowMs: 1_000_000 });
    await h.store.recordRunProgress({ runId, issuesRead: 40, issuesExpected: 100, nowMs: 1_010_000 });
    const [running] = await h.store.listRuns('s', 1);
    expect(running).toMatchObject({ issuesRead: 40, issuesExpected: 100, progressMs: 1_010_000 });
    // 40 issues in 10 s: 4/s, 60 left: 15 s.
    expect(runProgress(running, 1_020_000, null)).toEqual({
      runId, startedAt: new Date(1_000_000).toISOString(), issuesRead: 40, issuesExpected: 100, ratePerSecond: 4, etaSeconds: 15,
    });
    expect(runProgress(running, 1_000_000 + 3_600_000, 60_000)).toBeNull(); // abandoned past its timeout
    await h.store.finishRun({ runId, outcome: 'succeeded', counters: { ...emptyCounters(), issuesRead: 100 }, nowMs: 1_030_000 });
    await h.store.recordRunProgress({ runId, issuesRead: 50, issuesExpected: 100, nowMs: 1_040_000 }); // a late write
    const [finished] = await h.store.listRuns('s', 1);
    expect(finished.issuesRead).toBe(100);
    expect(runProgress(finished, 1_040_000, null)).toBeNull();
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
