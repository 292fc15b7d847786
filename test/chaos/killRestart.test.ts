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
  chaosDatabase,
  connectTo,
  databaseExists,
  differencesFromTruth,
  duplicateRows,
  hotJournal,
  releaseChaosResources,
  listRuns,
  lockFreeableAt,
  mutateJira,
  overlappingRuns,
  pagesCommittedSince,
  sleep,
  waitFor,
  waitForCatchUp,
  writeBackendFiles,
} from './processSupport';

const KILLS = chaosSize(20, 60);
const ISSUES = chaosSize(900, 3000);
const EDITS_PER_ROUND = chaosSize(100, 200);
// A killed process's lock is held until the task timeout, so each restart waits for it: short, yet above a full sweep's first commit (after ~1000 issues are searched), which runs must reach.
const TIMEOUT_SECONDS = chaosSize(3, 10);
/** Kills land up to this long after a run starts: a run lasts at most the timeout. */
const KILL_WINDOW_MS = TIMEOUT_SECONDS * 1000;
// The long tail of changelogs (issues with 1000+ histories, fetched in bulk) makes sweeps take seconds: long mode only.
const HISTORY_SHAPE = CHAOS_LONG ? 'longTail' : 'small';

jest.setTimeout(CHAOS_LONG ? 60 * 60_000 : 8 * 60_000);

interface Kill {
  round: number;
  delayMs: number;
  /** A run was left 'running' (the process died inside it), or the run had finished. */
  landed: 'mid-run' | 'between runs';
  /** Pages the killed run had committed. */
  pages: number;
  /** SQLite only: a hot rollback journal, i.e. the process died inside a write transaction. */
  inTransaction: boolean;
  /** From the start line to the process's first run (of which waiting for its code to load), and from the kill to the lock being free. */
  startMs: number;
  readyLagMs: number;
  lockWaitMs: number;
}

const mean = (values: number[]) => Math.round(values.reduce((a, b) => a + b, 0) / Math.max(1, values.length));

// PostgreSQL doubles the time: long mode only (the replicas test kills a backend on PostgreSQL in every run).
const databases: Array<ChaosDatabase['client']> = CHAOS_LONG ? ['better-sqlite3', 'pg'] : ['better-sqlite3'];

describe.each(databases)('a backend killed with SIGKILL mid-sync and restarted on %s', client => {
  let sim: JiraSimulator | undefined;
  let knex: Knex | undefined;
  let database: ChaosDatabase | undefined;
  const dirs: string[] = [];

  afterAll(() => releaseChaosResources({ sim, knex, database, dirs }));

  /** The next process starts once the killed one's lock has expired: its janitor frees a dead lock at start-up, then only every minute. */
  async function waitForDeadLock() {
    const freeableAt = knex ? await lockFreeableAt(knex) : undefined;
    if (freeableAt !== undefined) await sleep(Math.max(0, freeableAt - Date.now()));
  }

  it(`ends equal to Jira after ${KILLS} kills at seeded random instants, with Jira changing between restarts`, async () => {
    const began = Date.now();
    sim = await startJiraSimulator({ seed: 8, projects: 3, issues: ISSUES, historyShape: HISTORY_SHAPE });
    // Slow pages spread the full sweep over several runs, so kills land between and inside page writes.
    sim.latency.set({ fixedMs: 30, perIssueMs: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'jira-sync-chaos-kill-'));
    dirs.push(dir);
    database = chaosDatabase(client, dir);
    const files = writeBackendFiles({ sim, database, timeoutSeconds: TIMEOUT_SECONDS, frequencySeconds: 1, reconcileEverySeconds: 3, pageSize: 25 });
    dirs.push(files.dir);

    const random = seededRandom(20261130);
    const counts: MutationCounts = { edits: 0, comments: 0, creations: 0, deletions: 0, moves: 0 };
    const kills: Kill[] = [];
    const killTimes: number[] = [];
    let lastRunId = 0;
    let lastChangeMs = Date.now();

    const chaosDb = database;
    // Processes warming up (loading their code) two rounds ahead of their turn.
    const warming = [await BackendProcess.prepare('backend-0', files), await BackendProcess.prepare('backend-1', files)];
    for (let round = 0; round < KILLS; round++) {
      const backend = warming.shift()!;
      const killedAt = killTimes[killTimes.length - 1] ?? Date.now();
      await waitForDeadLock();
      const lockWaitMs = Date.now() - killedAt;
      const releasedAt = Date.now();
      backend.release();
      // KILLS + 1 processes in all: the last one is not killed.
      if (round + 2 <= KILLS) warming.push(await BackendProcess.prepare(`backend-${round + 2}`, files));
      if (!knex) {
        await waitFor('the backend to create its database', () => databaseExists(chaosDb), { timeoutMs: 120_000, watch: [backend] });
        knex = connectTo(chaosDb);
      }
      const db = knex;
      const runsBefore = lastRunId;
      const run = await waitFor(
        `a run started by ${backend.name}`,
        async () => {
          if (!(await db.schema.hasTable('jira_sync_runs'))) return undefined;
          return (await listRuns(db)).find(r => Number(r.runId) > runsBefore);
        },
        { timeoutMs: 120_000, watch: [backend, ...warming], everyMs: 20 },
      );
      const startMs = Date.now() - releasedAt;
      const readyLagMs = Math.max(0, (backend.heldAt ?? releasedAt) - releasedAt);
      const delayMs = Math.floor(random() * KILL_WINDOW_MS);
      await sleep(delayMs);
      backend.assertAlive();
      killTimes.push(await backend.kill());
      const inTransaction = hotJournal(chaosDb);

      const runs = await listRuns(db);
      const leftRunning = runs.find(r => r.outcome === 'running' && r.startedMs >= run.startedMs);
      kills.push({
        round,
        delayMs,
        landed: leftRunning ? 'mid-run' : 'between runs',
        pages: leftRunning ? await pagesCommittedSince(db, leftRunning.startedMs) : 0,
        inTransaction,
        startMs,
        readyLagMs,
        lockWaitMs,
      });
      lastRunId = Math.max(...runs.map(r => Number(r.runId)));

      mutateJira(
        sim,
        random,
        {
          edits: EDITS_PER_ROUND,
          delete: round % 4 === 2,
          move: (round === Math.floor(KILLS / 3) && 'within') || (round === Math.floor((2 * KILLS) / 3) && 'out'),
        },
        counts,
      );
      lastChangeMs = Date.now();
    }

    // Quiescence: no more kills or changes; the last process catches up at full speed.
    sim.latency.set(null);
    const last = warming.shift()!;
    await waitForDeadLock();
    last.release();
    const caughtUpBy = await waitForCatchUp(knex!, lastChangeMs, { timeoutMs: 180_000, watch: [last] });

    const differences = await differencesFromTruth(knex!, sim);
    const duplicates = await duplicateRows(knex!);
    const runs = await listRuns(knex!);
    const overlaps = overlappingRuns(runs, killTimes);
    const midRun = kills.filter(k => k.landed === 'mid-run');
    const midSweep = midRun.filter(k => k.pages > 0);
    const leftRunning = runs.filter(r => r.outcome === 'running' && r.startedMs < killTimes[killTimes.length - 1]);

    // eslint-disable-next-line no-console
    console.log(
      `kill -9 on ${client}: ${kills.length} kills in ${Math.round((Date.now() - began) / 1000)} s; ` +
        `${midRun.length} left a run 'running' (${midSweep.length} after committing pages, ${midSweep.reduce((n, k) => n + k.pages, 0)} pages in all), ` +
        `${kills.filter(k => k.inTransaction).length} inside a write transaction (hot journal), ${kills.length - midRun.length} between runs; ` +
        `${runs.length} runs (${runs.filter(r => r.outcome === 'succeeded').length} succeeded, ${runs.filter(r => r.outcome === 'aborted').length} aborted at the timeout, ` +
        `${runs.filter(r => r.outcome === 'failed').length} failed); caught up by run ${caughtUpBy.runId}; Jira changes: ${JSON.stringify(counts)}; ` +
        `mean ms per round: start ${mean(kills.map(k => k.startMs))} (code not loaded yet ${mean(kills.map(k => k.readyLagMs))}), kill delay ${mean(kills.map(k => k.delayMs))}, lock wait ${mean(kills.map(k => k.lockWaitMs))}`,
    );

    expect(differences).toBe('no differences');
    expect(duplicates).toEqual([]);
    expect(overlaps).toEqual([]);
    // Every run left 'running' is one a kill interrupted: none was finished twice or lost its record.
    expect(leftRunning).toHaveLength(midRun.length);
    // The test did what it says: some kills interrupted a sweep after it had committed pages.
    expect(midSweep.length).toBeGreaterThan(0);
    expect(counts.deletions).toBeGreaterThan(0);
    expect(counts.moves).toBe(2);
  });
});
