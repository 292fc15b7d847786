import { TestDatabases } from '@backstage/backend-test-utils';
import { startHarness, type Harness } from '../support/harness';
import { syncDefinition } from '../support/factories';
import { chaosSize, sample, seededRandom, totalRetries } from './inprocSupport';

jest.setTimeout(chaosSize(120_000, 900_000));

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const ISSUES = chaosSize(300, 2000);
const ROUNDS = chaosSize(2, 5);
const INDEX_LAG_MS = 30_000;
const STORM = {
  errorRate5xx: 0.1,
  rateLimit429Rate: 0.05,
  resetRate: 0.02,
  truncateRate: 0.01,
  slowRate: 0.03,
  slowMs: 150,
  searchIndexLagMs: INDEX_LAG_MS,
};

describe.each(databases.eachSupportedId())('fault storm on %s', databaseId => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('a full then incremental syncs through 5xx, 429, resets, truncated bodies, slow answers and index lag end equal to Jira', async () => {
    h = await startHarness(await databases.init(databaseId), { seed: 808, projects: 3, issues: ISSUES, historyShape: 'longTail' });
    const { sim } = h;
    // Deletions are found by the census, so every run takes one.
    const sync = syncDefinition({ id: 'storm', projects: sim.data.projects(), pageSize: 25, reconcileEveryMs: 0 });
    // Seed 86 draws every fault kind within its first 20 requests, so each is met in every run of this test.
    sim.faults.set({ ...STORM, seed: 86 });

    const full = await h.engine.run(sync);
    expect(full).toMatchObject({ outcome: 'succeeded', strategy: 'full', issuesInserted: ISSUES });
    expect(await h.differences(sync)).toBe('no differences');

    const random = seededRandom(99);
    for (let round = 1; round <= ROUNDS; round++) {
      sim.clock.advance(60_000);
      const [first, second] = sim.data.projects();
      const live = sim.data.all();
      for (const issue of sample(random, live, Math.ceil(live.length / 10))) {
        sim.data.updateIssue(issue.id, { summary: `storm round ${round}: ${issue.key}`, labels: [`round-${round}`] });
      }
      sim.data.createIssue({ project: first, fields: { summary: `created in round ${round}` } });
      // Jira drops a deleted issue's links from the issues it linked to without bumping their `updated`
      // (no incremental sync can see that; reported), so the doomed issue has no links and no sub-tasks.
      const loose = live.filter(i => !(i.fields.subtasks as unknown[]).length && !(i.fields.issuelinks as unknown[]).length);
      const [mover, doomed] = sample(random, loose, 2);
      sim.data.moveIssue(mover.id, mover.key.startsWith(`${first}-`) ? second : first);
      sim.data.deleteIssue(doomed.id);

      // The index still shows the old versions: this run cannot see the round's changes yet.
      const lagging = await h.engine.run(sync);
      expect(lagging).toMatchObject({ outcome: 'succeeded', strategy: 'incremental' });
      expect(await h.differences(sync)).not.toBe('no differences');

      sim.clock.advance(INDEX_LAG_MS + 1000);
      const caughtUp = await h.engine.run(sync);
      expect(caughtUp).toMatchObject({ outcome: 'succeeded', strategy: 'incremental' });
      expect(caughtUp.issuesUpdated + caughtUp.issuesInserted).toBeGreaterThan(0);
      expect(await h.differences(sync)).toBe('no differences');
    }

    const runs = await h.store.listRuns(sync.id, 100);
    expect(runs).toHaveLength(1 + 2 * ROUNDS);
    expect(runs.every(r => r.outcome === 'succeeded')).toBe(true);
    const faults = sim.requestLog.entries().filter(e => e.fault);
    const retries = totalRetries(runs);
    // The storm really hit, and the runs table says how many retries weathering it took.
    expect(new Set(faults.map(e => e.fault!.replace(/^(5\d\d)$/, '5xx').replace(/^truncate-.*/, 'truncate')))).toEqual(
      new Set(['5xx', '429', 'reset', 'truncate', 'slow']),
    );
    expect(retries).toBeGreaterThan(0);
    expect(runs.find(r => r.strategy === 'full')!.apiRetries).toBe(full.apiRetries);
    const kinds = faults.reduce<Record<string, number>>((n, e) => ({ ...n, [e.fault!]: (n[e.fault!] ?? 0) + 1 }), {});
    // One line for the report: how hard the storm was and what it cost.
    console.log(
      `fault storm on ${databaseId}: ${ISSUES} issues, ${runs.length} runs, ${sim.requestLog.entries().length} requests, ` +
        `faults ${JSON.stringify(kinds)}, retries recorded ${retries} (full run ${full.apiRetries})`,
    );
  });
});
