import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { startJiraSimulator, type JiraSimulator } from '../../dev/simulator';
import { CHAOS_LONG, chaosSize, seededRandom } from './inprocSupport';
import {
  BackendProcess,
  type ChaosDatabase,
  type MutationCounts,
  type RunRow,
  chaosDatabase,
  connectTo,
  differencesFromTruth,
  duplicateRows,
  releaseChaosResources,
  listRuns,
  lockFreeableAt,
  mutateJira,
  overlappingRuns,
  pagesCommittedSince,
  syncState,
  waitFor,
  waitForCatchUp,
  writeBackendFiles,
} from './processSupport';

/** Kill-and-take-over cycles; each takes about a minute (the scheduler's janitor runs once a minute). */
const CYCLES = chaosSize(1, 3);
const ISSUES = chaosSize(900, 3000);
// Above every normal run (a run past its timeout could still be finishing a page when a janitor frees its lock), and short next to the janitor's minute.
const TIMEOUT_SECONDS = 15;
/** The scheduler's janitor (which frees the locks of dead replicas) runs at start-up and then this often; Backstage fixes it. */
const JANITOR_PERIOD_MS = 60_000;

jest.setTimeout(chaosSize(5 * 60_000, 15 * 60_000));

/** The first janitor pass of a replica at or after `afterMs`. */
function nextJanitorPass(replica: BackendProcess, afterMs: number): number {
  const first = replica.taskRegisteredAt!;
  return first + Math.ceil(Math.max(0, afterMs - first) / JANITOR_PERIOD_MS) * JANITOR_PERIOD_MS;
}

interface Takeover {
  killed: string;
  survivor: string;
  /** Pages the killed replica's run had committed. */
  pagesCommitted: number;
  lockFreeableAt: number;
  killedAt: number;
  /** The survivor's first run after the kill. */
  takeoverRun: RunRow;
}

describe('two backend replicas on one PostgreSQL database', () => {
  let sim: JiraSimulator | undefined;
  let knex: Knex | undefined;
  let database: ChaosDatabase | undefined;
  const dirs: string[] = [];

  afterAll(() => releaseChaosResources({ sim, knex, database, dirs }));

  it('never overlap runs of the sync; when the running replica is killed, the other finishes after its lock expires; the database equals Jira', async () => {
    const began = Date.now();
    sim = await startJiraSimulator({ seed: 9, projects: 3, issues: ISSUES, historyShape: CHAOS_LONG ? 'longTail' : 'small' });
    sim.latency.set({ fixedMs: 30, perIssueMs: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'jira-sync-chaos-replicas-'));
    dirs.push(dir);
    database = chaosDatabase('pg', dir);
    const files = writeBackendFiles({ sim, database, timeoutSeconds: TIMEOUT_SECONDS, frequencySeconds: 1, reconcileEverySeconds: 3, pageSize: 25 });
    dirs.push(files.dir);

    // One after the other, as a rolling deploy: two backends migrating an empty PostgreSQL database at once race in knex's migrations-table creation and one fails to start.
    const first = await BackendProcess.start('replica-a', files);
    await waitFor('replica-a to migrate and schedule the sync', () => first.taskRegisteredAt, { timeoutMs: 120_000, watch: [first] });
    let replicas = [first, await BackendProcess.start('replica-b', files)];
    const everyReplica = [...replicas];
    knex = connectTo(database);
    const db = knex;
    await waitFor('both replicas to schedule the sync', () => replicas.every(r => r.taskRegisteredAt), { timeoutMs: 120_000, watch: replicas });

    const random = seededRandom(4242);
    const counts: MutationCounts = { edits: 0, comments: 0, creations: 0, deletions: 0, moves: 0 };
    const killTimes: number[] = [];
    const takeovers: Takeover[] = [];
    let lastChangeMs = Date.now();
    let round = 0;

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      // The kill should leave the lock expiring just before a janitor pass of the survivor (whichever it is), so it takes over without idling.
      const passes = replicas.map(r => nextJanitorPass(r, Date.now() + TIMEOUT_SECONDS * 1000 + 10_000));
      const bigRunAt = Math.min(...passes) - TIMEOUT_SECONDS * 1000 - 3_000;

      // Both replicas compete for every run while Jira changes.
      while (Date.now() < bigRunAt) {
        mutateJira(sim, random, { edits: 20, delete: round % 5 === 3, move: (round === 1 && 'within') || (round === 3 && 'out') }, counts);
        round++;
        const changedAt = Date.now();
        lastChangeMs = changedAt;
        await waitFor(
          'a finished run that started after the last change',
          async () => (await listRuns(db)).find(r => r.startedMs > changedAt && r.outcome !== 'running'),
          { timeoutMs: 120_000, watch: replicas, everyMs: 100 },
        );
      }

      // A batch big enough for a run of many pages; kill whichever replica runs it once it has committed some.
      const pair = replicas;
      let victim: { replica: BackendProcess; run: RunRow; pages: number } | undefined;
      while (!victim) {
        mutateJira(sim, random, { edits: 300 }, counts);
        const changedAt = Date.now();
        lastChangeMs = changedAt;
        victim = await waitFor(
          'a run of the big batch with pages committed, or its end',
          async () => {
            const run = (await listRuns(db)).find(r => r.startedMs > changedAt);
            if (!run) return undefined;
            if (run.outcome !== 'running') return { missed: true as const };
            const pages = await pagesCommittedSince(db, run.startedMs);
            const state = await syncState(db);
            if (!pages || !state?.resumePoint) return undefined;
            const flags = await Promise.all(pair.map(r => r.runsTheSync(files.token)));
            const runner = pair.filter((_, i) => flags[i]);
            return runner.length === 1 ? { replica: runner[0], run, pages } : undefined;
          },
          { timeoutMs: 120_000, watch: pair, everyMs: 20 },
        ).then(found => ('missed' in found ? undefined : found));
      }

      const freeableAt = (await lockFreeableAt(db))!;
      const killedAt = await victim.replica.kill();
      killTimes.push(killedAt);
      const survivor = replicas.find(r => r !== victim!.replica)!;
      const caughtUp = await waitForCatchUp(db, lastChangeMs, { timeoutMs: 3 * JANITOR_PERIOD_MS, watch: [survivor] });
      const takeoverRun = (await listRuns(db)).find(r => r.startedMs > killedAt)!;
      takeovers.push({ killed: victim.replica.name, survivor: survivor.name, pagesCommitted: victim.pages, lockFreeableAt: freeableAt, killedAt, takeoverRun });
      // Its log names the runs it ran (the line can trail the database row a little).
      await waitFor(
        `${survivor.name} to log runs ${takeoverRun.runId} and ${caughtUp.runId}`,
        () => survivor.runIds.has(takeoverRun.runId) && survivor.runIds.has(caughtUp.runId),
        { timeoutMs: 10_000, watch: [survivor] },
      );

      // The killed replica comes back as a new process for the next cycle.
      if (cycle < CYCLES - 1) {
        const restarted = await BackendProcess.start(`replica-${'cdefgh'[cycle]}`, files);
        everyReplica.push(restarted);
        replicas = [survivor, restarted];
        await waitFor('the restarted replica to schedule the sync', () => restarted.taskRegisteredAt, { timeoutMs: 120_000, watch: replicas });
      }
    }

    const differences = await differencesFromTruth(db, sim);
    const duplicates = await duplicateRows(db);
    const runs = await listRuns(db);
    const overlaps = overlappingRuns(runs, killTimes);
    const perReplica = everyReplica.map(r => `${r.name} ${runs.filter(run => r.runIds.has(run.runId)).length}`).join(', ');

    const takeoverLines = takeovers.map(
      t =>
        `${t.killed} killed after ${t.pagesCommitted} pages of its run, ${t.survivor} took over ` +
        `${Math.round((t.takeoverRun.startedMs - t.killedAt) / 100) / 10} s after the kill ` +
        `(${Math.round((t.takeoverRun.startedMs - t.lockFreeableAt) / 100) / 10} s after the lock expired)`,
    );
    // eslint-disable-next-line no-console
    console.log(
      `two replicas on PostgreSQL in ${Math.round((Date.now() - began) / 1000)} s: ${runs.length} runs (${perReplica}); ` +
        `${takeoverLines.join('; ')}; Jira changes: ${JSON.stringify(counts)}`,
    );

    expect(overlaps).toEqual([]);
    for (const takeover of takeovers) {
      // The survivor waited for the dead replica's lock to expire, then ran the sync itself.
      expect(takeover.takeoverRun.startedMs).toBeGreaterThanOrEqual(takeover.lockFreeableAt);
    }
    // Each kill left exactly its run 'running'; every other run ended.
    expect(runs.filter(r => r.outcome === 'running' && r.startedMs < killTimes[killTimes.length - 1])).toHaveLength(CYCLES);
    expect(differences).toBe('no differences');
    expect(duplicates).toEqual([]);
    expect(counts.moves).toBe(2);
  });
});
