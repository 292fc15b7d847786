/**
 * One benchmark worker: a full sync, its API-bound floor, a raw-insert baseline, an incremental and
 * a no-change run, on one database, in a process of its own so its peak RSS means something.
 * The simulator lives in the orchestrator (bench/run.ts); this process asks it over IPC.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { createJiraClient } from '../src/jira';
import type { JiraClient } from '../src/jira/types';
import type { JiraInstanceConfig } from '../src/config/types';
import type { SyncDefinition } from '../src/spec/types';
import { KnexSyncStore, migrationsDirectory } from '../src/store';
import { T, rowsPerStatement } from '../src/store/rows';
import { SyncEngine, scopeJql, type RunSummary } from '../src/sync';
import { sweepJql } from '../src/sync/jql';
import type { EndpointCounts, RunFigures, SimReply, SimRequest, WorkerInput, WorkerMessage, WorkerResult } from './protocol';
import { simInstanceConfig, syncDefinition } from '../test/support/factories';


const quietJiraLogger = { info() {}, warn() {}, error() {}, debug() {} };

/** Keeps errors for the failure message; the bench prints its own figures. */
function benchLogger(errors: string[]): LoggerService {
  const logger: LoggerService = {
    error: message => void errors.push(message),
    warn: () => {},
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

let nextRequestId = 1;
const pending = new Map<number, (reply: SimReply) => void>();
process.on('message', (message: SimReply) => {
  if (message?.kind !== 'sim-reply') return;
  pending.get(message.id)?.(message);
  pending.delete(message.id);
});

type SimOp = { op: 'clearLog' } | { op: 'counts' } | { op: 'touch'; share: number };

function askSimulator<T>(request: SimOp): Promise<T> {
  const id = nextRequestId++;
  return new Promise<T>((resolvePromise, reject) => {
    pending.set(id, reply => (reply.error ? reject(new Error(reply.error)) : resolvePromise(reply.value as T)));
    send({ kind: 'sim', id, ...request } as SimRequest);
  });
}

function send(message: WorkerMessage) {
  process.send!(message);
}

/** Peak resident set size so far (VmHWM), in bytes. */
export function peakRssBytes(): number {
  const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : process.resourceUsage().maxRSS * 1024;
}

interface BenchDatabaseHandle {
  knex: Knex;
  drop(): Promise<void>;
}

async function openDatabase(input: WorkerInput, label: string): Promise<BenchDatabaseHandle> {
  if (input.db === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `jira-sync-bench-${label}-`));
    const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: join(dir, 'bench.sqlite') }, useNullAsDefault: true });
    return {
      knex,
      async drop() {
        await knex.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `jira_sync_bench_${label}_${process.pid}_${Date.now()}`;
  const admin = knexFactory({ client: 'pg', connection: `${input.postgresUrl}/postgres`, pool: { min: 0, max: 1 } });
  try {
    await admin.raw(`CREATE DATABASE ${name}`);
  } finally {
    await admin.destroy();
  }
  const knex = knexFactory({ client: 'pg', connection: `${input.postgresUrl}/${name}` });
  return {
    knex,
    async drop() {
      await knex.destroy();
      const dropper = knexFactory({ client: 'pg', connection: `${input.postgresUrl}/postgres`, pool: { min: 0, max: 1 } });
      try {
        await dropper.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.destroy();
      }
    },
  };
}

function clientConfig(input: WorkerInput): JiraInstanceConfig {
  return simInstanceConfig(
    { url: input.simUrl, credentials: input.credentials },
    { rateLimit: { ...input.rateLimit, maxAttempts: 8, requestTimeoutMs: 120_000 } },
  );
}

const benchSync = (input: WorkerInput) =>
  syncDefinition({ id: 'bench', projects: input.projects, schedule: { frequency: { minutes: 30 }, timeout: { minutes: 60 } }, fields: input.fields });

const totalsOf = (endpoints: EndpointCounts) =>
  Object.values(endpoints).reduce((sum, e) => ({ calls: sum.calls + e.calls, bytes: sum.bytes + e.bytes }), { calls: 0, bytes: 0 });

/** With `--cpu-prof` (BENCH_CPU_PROFILE_DIR), a V8 CPU profile of `run` alone, written as a .cpuprofile file. */
async function profiled<T>(name: string, run: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_CPU_PROFILE_DIR;
  if (!dir) return run();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  try {
    return await run();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

/** Runs the engine once and reads the simulator's request log for exactly that run. */
async function measuredRun(engine: SyncEngine, sync: SyncDefinition): Promise<{ figures: RunFigures; summary: RunSummary }> {
  await askSimulator({ op: 'clearLog' });
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const summary = await engine.run(sync, { trigger: 'bench' });
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  if (summary.outcome !== 'succeeded') throw new Error(`${summary.strategy} run ${summary.outcome}: ${summary.error}`);
  const endpoints = await askSimulator<EndpointCounts>({ op: 'counts' });
  return {
    summary,
    figures: {
      wallMs,
      workerCpuMs: (cpu.user + cpu.system) / 1000,
      ...totalsOf(endpoints),
      endpoints,
      issuesRead: summary.issuesRead,
      historiesWritten: summary.historiesWritten,
    },
  };
}

/** The calls of a full run (catalogue, count, sweep, id census) with no database: every page is dropped. */
async function replayWithoutDatabase(client: JiraClient, sync: SyncDefinition): Promise<number> {
  const scope = scopeJql(sync);
  const started = performance.now();
  await client.fields();
  await client.approximateCount(scope);
  for await (const page of client.searchIssues({
    jql: sweepJql(scope, undefined),
    fields: sync.fields,
    pageSize: sync.pageSize,
    storedHistories: async () => new Map(),
  })) {
    if (!page.issues.length && !page.isLast) continue;
  }
  for await (const ids of client.searchIds({ jql: scope })) {
    if (!ids.length) continue;
  }
  return performance.now() - started;
}

/** Copies the synced rows into a fresh schema with knex batchInsert; only the inserts are timed. */
async function rawInsert(source: Knex, target: Knex): Promise<{ ms: number; rows: Record<string, number> }> {
  await target.migrate.latest({ directory: migrationsDirectory });
  const tables: Array<{ table: string; key: string[] }> = [
    { table: T.issues, key: ['instance', 'issue_id'] },
    { table: T.scopes, key: ['sync_id', 'instance', 'issue_id'] },
    { table: T.histories, key: ['instance', 'history_id'] },
    { table: T.items, key: ['instance', 'history_id', 'item_index'] },
    { table: T.links, key: ['instance', 'issue_id', 'link_id'] },
  ];
  let ms = 0;
  const rows: Record<string, number> = {};
  for (const { table, key } of tables) {
    rows[table] = 0;
    let after: unknown[] | undefined;
    for (;;) {
      const query = source(table).select('*').orderBy(key).limit(5000);
      if (after) query.whereRaw(`(${key.join(', ')}) > (${key.map(() => '?').join(', ')})`, after as Knex.Value[]);
      const batch: Array<Record<string, unknown>> = await query;
      if (!batch.length) break;
      // A generated column (PostgreSQL's search_vector) is computed by the insert, never given.
      for (const row of batch) delete row.search_vector;
      const columns = Object.keys(batch[0]).length;
      const started = performance.now();
      await target.batchInsert(table, batch, rowsPerStatement(target, columns));
      ms += performance.now() - started;
      rows[table] += batch.length;
      const last = batch[batch.length - 1];
      after = key.map(k => last[k]);
    }
  }
  return { ms, rows };
}

async function countStored(knex: Knex): Promise<{ issues: number; histories: number }> {
  const [issues] = await knex(T.issues).whereNull('deleted_ms').count({ n: '*' });
  const [histories] = await knex(T.histories).count({ n: '*' });
  return { issues: Number(issues.n), histories: Number(histories.n) };
}

async function main(input: WorkerInput): Promise<WorkerResult> {
  const errors: string[] = [];
  const logger = benchLogger(errors);
  const sync = benchSync(input);
  const database = await openDatabase(input, 'sync');
  const raw = await openDatabase(input, 'raw');
  try {
    const { knex } = database;
    const store = await KnexSyncStore.create({ database: { getClient: async () => knex } });
    const timing = { writeMs: 0, storedHistoriesMs: 0, pages: 0 };
    // Same store, with its two per-page database calls timed.
    const timedStore: typeof store = Object.create(store);
    timedStore.writePage = async writeInput => {
      const started = performance.now();
      try {
        return await store.writePage(writeInput);
      } finally {
        timing.writeMs += performance.now() - started;
        timing.pages++;
      }
    };
    timedStore.storedHistoryStates = async (instance, ids) => {
      const started = performance.now();
      try {
        return await store.storedHistoryStates(instance, ids);
      } finally {
        timing.storedHistoriesMs += performance.now() - started;
      }
    };
    const client = createJiraClient({ config: clientConfig(input), logger: quietJiraLogger });
    const engine = new SyncEngine({ store: timedStore, clientFor: () => client, logger });

    const baselineRss = process.memoryUsage().rss;
    const full = await profiled(`full-${input.db}-${input.size}`, () => measuredRun(engine, sync)).catch(e => {
      throw new Error(`${(e as Error).message}${errors.length ? `\n${errors.join('\n')}` : ''}`);
    });
    const peak = peakRssBytes();
    // What the run left alive (retained memory), as opposed to garbage the heap had not yet collected at its peak.
    (globalThis as { gc?: () => void }).gc?.();
    const heapAfterFullRun = process.memoryUsage().heapUsed;
    const stored = await countStored(knex);
    const fullTiming = { ...timing };

    await askSimulator({ op: 'clearLog' });
    const floorMs = await replayWithoutDatabase(createJiraClient({ config: clientConfig(input), logger: quietJiraLogger }), sync);
    const floorEndpoints = await askSimulator<EndpointCounts>({ op: 'counts' });

    const rawResult = await rawInsert(knex, raw.knex);

    // Nothing changed since the full run: the overlap window holds only the newest generated issues.
    const noChange = await measuredRun(engine, sync);
    const changedIssues = await askSimulator<number>({ op: 'touch', share: 0.002 });
    const incremental = await measuredRun(engine, sync);
    // The changed issues stay inside the overlap window (watermark - overlapMs): the next run reads them again.
    const repeat = await measuredRun(engine, sync);

    return {
      size: input.size,
      db: input.db,
      full: { ...full.figures, ...fullTiming },
      floor: { wallMs: floorMs, calls: totalsOf(floorEndpoints).calls, endpoints: floorEndpoints },
      rawInsert: rawResult,
      stored: { ...stored, complete: stored.issues === input.expected.issues && stored.histories === input.expected.histories },
      incremental: { ...incremental.figures, changedIssues, issuesUpdated: incremental.summary.issuesUpdated },
      noChange: noChange.figures,
      repeatAfterIncremental: repeat.figures,
      peakRssBytes: peak,
      baselineRssBytes: baselineRss,
      heapAfterFullRunBytes: heapAfterFullRun,
    };
  } finally {
    await raw.drop();
    await database.drop();
  }
}

const input: WorkerInput = JSON.parse(process.argv[2]);
if (process.env.BENCH_TRACE_MEMORY) {
  // Where the memory goes, for investigating: heap, external buffers and RSS every 2 seconds.
  setInterval(() => {
    const m = process.memoryUsage();
    const mib = (n: number) => Math.round(n / 1048576);
    process.stderr.write(`[memory] rss ${mib(m.rss)} heapUsed ${mib(m.heapUsed)} heapTotal ${mib(m.heapTotal)} external ${mib(m.external)} arrayBuffers ${mib(m.arrayBuffers)}\n`);
  }, 2000).unref();
}
main(input).then(
  result => {
    send({ kind: 'result', result });
    process.disconnect?.();
  },
  error => {
    send({ kind: 'error', message: (error as Error).stack ?? String(error) });
    process.disconnect?.();
    process.exitCode = 1;
  },
);
