/**
 * `npm run bench [-- --sizes 10000,50000 --db sqlite,postgres]`: the real client, store and engine
 * against the simulator (latency model and burst limits on), one worker process per (size,
 * database), each figure next to a baseline measured in the same run. See bench/README.md.
 */
import { fork } from 'node:child_process';
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import knexFactory from 'knex';
import { startJiraSimulator, type JiraSimulator } from '../dev/simulator';
import { REQUIRED_FIELDS } from '../src/jira';
import { parseCommandLine } from '../src/lib/commandLine';
import { renderChart } from './chart';
import { fullReadLowerBound, type LowerBound } from './lowerBound';
import type { BenchDatabase, SimReply, WorkerInput, WorkerMessage, WorkerResult } from './protocol';

/* eslint-disable no-console */

const SIZES = [10_000, 50_000, 200_000];
const DATABASES: BenchDatabase[] = ['sqlite', 'postgres'];
const LATENCY = { fixedMs: 50, perIssueMs: 0.2 };
const SIM_RATE_LIMIT = { burstPerSecond: 20, bucketSize: 40 };
const CLIENT_RATE_LIMIT = { requestsPerSecond: 20, concurrency: 4 };
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432';
/** The fields a sync fetches by default (as in the test harness's sync definition). */
const SYNC_FIELDS = [
  'summary', 'status', 'issuetype', 'project', 'priority', 'assignee', 'reporter', 'labels',
  'components', 'fixVersions', 'parent', 'created', 'updated', 'resolutiondate', 'issuelinks',
];
/** Issue 18's targets: rss is largest / smallest size of one database, rssMb every size's worker peak. */
const TARGETS = { apiCalls: 1.1, wall: 1.15, write: 0.85, rss: 1.2, rssMb: 200, noChangeCalls: 2 };
const resultsDir = resolve(__dirname, 'results');

interface BenchArgs {
  sizes: number[];
  dbs: BenchDatabase[];
  workerHeapMb?: number;
  /** Result files whose measurements are kept unless measured again; earlier files win. */
  mergeFrom: string[];
  measure: boolean;
  cpuProfile: boolean;
}

export const BENCH_USAGE =
  'usage: npm run bench -- [--sizes 10000,50000,200000] [--db sqlite,postgres] [--worker-heap-mb 512] [--cpu-prof] [--merge] [--merge-from file.json] [--no-measure]';

/** The command line, or what is wrong with it. */
export function readBenchArgs(argv: string[]): BenchArgs | string {
  const parsed = parseCommandLine({
    args: argv,
    options: {
      sizes: { type: 'string' },
      db: { type: 'string' },
      merge: { type: 'boolean' },
      'merge-from': { type: 'string', multiple: true },
      'no-measure': { type: 'boolean' },
      'cpu-prof': { type: 'boolean' },
      'worker-heap-mb': { type: 'string' },
    },
  });
  if ('problem' in parsed) return parsed.problem;
  const { values } = parsed;
  const sizes = values.sizes === undefined ? SIZES : values.sizes.split(',').map(s => Number(s.trim().replace(/k$/i, '000')));
  if (!sizes.length || sizes.some(s => !Number.isInteger(s) || s < 100)) return '--sizes takes whole numbers of issues ≥ 100, e.g. 10000,50000';
  const dbs = values.db === undefined ? DATABASES : values.db.split(',').map(s => s.trim());
  const bad = dbs.filter(n => !DATABASES.includes(n as BenchDatabase));
  if (bad.length || !dbs.length) return `--db takes ${DATABASES.join(',')}; not ${bad.join(',')}`;
  const workerHeapMb = values['worker-heap-mb'] === undefined ? undefined : Number(values['worker-heap-mb']);
  if (workerHeapMb !== undefined && (!Number.isInteger(workerHeapMb) || workerHeapMb < 64)) return '--worker-heap-mb takes a whole number of MB ≥ 64';
  const mergeFrom = [...(values.merge ? [resolve(resultsDir, 'latest.json')] : []), ...(values['merge-from'] ?? []).map(file => resolve(file))];
  return { sizes, dbs: dbs as BenchDatabase[], workerHeapMb, mergeFrom, measure: !values['no-measure'], cpuProfile: Boolean(values['cpu-prof']) };
}

async function postgresReachable(): Promise<string | undefined> {
  const admin = knexFactory({ client: 'pg', connection: `${POSTGRES_URL}/postgres`, pool: { min: 0, max: 1 }, acquireConnectionTimeout: 5000 });
  try {
    await admin.raw('select 1');
    return undefined;
  } catch (e) {
    return (e as Error).message || String(e);
  } finally {
    await admin.destroy();
  }
}

/** Every k-th live issue gets a new summary: one history and a newer `updated` each. */
function touchIssues(sim: JiraSimulator, share: number): number {
  const issues = sim.data.all();
  const count = Math.max(1, Math.round(issues.length * share));
  const step = issues.length / count;
  for (let i = 0; i < count; i++) sim.data.updateIssue(issues[Math.floor(i * step)].id, { summary: `Benchmark edit ${i}` });
  return count;
}

function runWorker(sim: JiraSimulator, input: WorkerInput, heapMb?: number): Promise<WorkerResult> {
  return new Promise((resolvePromise, reject) => {
    // tsx's CommonJS hook only: its ESM loader runs a second V8 isolate (~40 MB RSS) that a built plugin never has.
    const execArgv = ['--require', 'tsx/cjs', '--expose-gc', ...(heapMb ? [`--max-old-space-size=${heapMb}`] : [])];
    const child = fork(resolve(__dirname, 'worker.ts'), [JSON.stringify(input)], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: WorkerResult | undefined;
    let failure: string | undefined;
    child.on('message', (message: WorkerMessage) => {
      if (message.kind === 'result') result = message.result;
      else if (message.kind === 'error') failure = message.message;
      else if (message.kind === 'sim') {
        const reply: SimReply = { kind: 'sim-reply', id: message.id };
        try {
          if (message.op === 'clearLog') sim.requestLog.clear();
          else if (message.op === 'counts') reply.value = sim.requestLog.countsByEndpoint();
          else reply.value = touchIssues(sim, message.share);
        } catch (e) {
          reply.error = (e as Error).message;
        }
        child.send(reply);
      }
    });
    child.on('exit', code => {
      if (result) resolvePromise(result);
      else reject(new Error(failure ?? `worker exited with code ${code} and no result`));
    });
  });
}

interface Measurement extends WorkerResult {
  lowerBound: LowerBound;
  truth: { issues: number; histories: number };
  simulatorStartMs: number;
  ratios: { apiCalls: number; wall: number; write: number };
  issuesPerSecond: number;
  historiesPerSecond: number;
  /** 1-minute load average before and after: timing ratios mean little on a machine busy with other work. */
  loadAverage: { before: number; after: number };
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mb = (bytes: number) => bytes / 1024 / 1024;

async function measure(size: number, db: BenchDatabase, workerHeapMb?: number): Promise<Measurement> {
  const loadBefore = loadavg()[0];
  const started = performance.now();
  const sim = await startJiraSimulator({ issues: size });
  const simulatorStartMs = performance.now() - started;
  try {
    sim.latency.set(LATENCY);
    sim.rateLimit.set(SIM_RATE_LIMIT);
    const counts = sim.historyCounts();
    const truth = { issues: counts.length, histories: counts.reduce((a, b) => a + b, 0) };
    const lowerBound = fullReadLowerBound(counts, [...new Set([...SYNC_FIELDS, ...REQUIRED_FIELDS])]);
    const result = await runWorker(sim, {
      size,
      db,
      simUrl: sim.url,
      credentials: { email: sim.credentials.email, apiToken: sim.credentials.apiToken },
      postgresUrl: POSTGRES_URL,
      rateLimit: CLIENT_RATE_LIMIT,
      expected: truth,
      fields: SYNC_FIELDS,
      projects: sim.data.projects(),
    }, workerHeapMb);
    return {
      ...result,
      lowerBound,
      truth,
      simulatorStartMs,
      ratios: {
        apiCalls: result.full.calls / lowerBound.calls,
        wall: result.full.wallMs / result.floor.wallMs,
        write: result.rawInsert.ms / result.full.writeMs,
      },
      issuesPerSecond: result.full.issuesRead / (result.full.wallMs / 1000),
      historiesPerSecond: result.full.historiesWritten / (result.full.wallMs / 1000),
      loadAverage: { before: loadBefore, after: loadavg()[0] },
    };
  } finally {
    await sim.close();
  }
}

function printMeasurement(m: Measurement) {
  const f = m.full;
  console.log(`\n== ${fmt(m.size)} issues on ${m.db} ==`);
  console.log(`  full run: ${fmt(f.wallMs / 1000, 1)} s (worker CPU ${f.workerCpuMs === undefined ? '?' : fmt(f.workerCpuMs / 1000, 1)} s), ${fmt(m.issuesPerSecond)} issues/s, ${fmt(m.historiesPerSecond)} histories/s (${fmt(f.issuesRead)} issues, ${fmt(f.historiesWritten)} histories)`);
  console.log(`  stored: ${fmt(m.stored.issues)} issues, ${fmt(m.stored.histories)} histories; truth ${fmt(m.truth.issues)} / ${fmt(m.truth.histories)}: ${m.stored.complete ? 'complete' : 'INCOMPLETE'}`);
  for (const [endpoint, e] of Object.entries(f.endpoints).sort((a, b) => b[1].calls - a[1].calls)) {
    console.log(`    ${endpoint.padEnd(44)} ${String(e.calls).padStart(6)} calls ${fmt(mb(e.bytes), 1).padStart(9)} MB`);
  }
  console.log(`    ${'total'.padEnd(44)} ${String(f.calls).padStart(6)} calls ${fmt(mb(f.bytes), 1).padStart(9)} MB`);
  console.log(`  lower bound: ${m.lowerBound.calls} calls (${m.lowerBound.searchPages} search pages of ${m.lowerBound.pageCap} + ${m.lowerBound.bulkCalls} bulkfetch; ${m.lowerBound.strategy})`);
  console.log(`  floor (same calls, no database): ${fmt(m.floor.wallMs / 1000, 1)} s, ${m.floor.calls} calls`);
  console.log(`  database: writePage ${fmt(f.writeMs / 1000, 1)} s over ${f.pages} pages (+ ${fmt(f.storedHistoriesMs / 1000, 1)} s stored-history lookups); raw batchInsert of the same ${fmt(Object.values(m.rawInsert.rows).reduce((a, b) => a + b, 0))} rows ${fmt(m.rawInsert.ms / 1000, 1)} s`);
  console.log(`  incremental after ${m.incremental.changedIssues} changed issues: ${m.incremental.calls} calls, ${fmt(m.incremental.wallMs)} ms (${m.incremental.issuesRead} read, ${m.incremental.issuesUpdated} updated)`);
  console.log(`  no-change run (after the full run): ${m.noChange.calls} calls, ${fmt(m.noChange.wallMs)} ms`);
  console.log(`  repeat after the incremental (changes still in the ${10}-minute overlap): ${m.repeatAfterIncremental.calls} calls, ${fmt(m.repeatAfterIncremental.wallMs)} ms (${m.repeatAfterIncremental.issuesRead} read)`);
  console.log(`  load average ${fmt(m.loadAverage.before, 1)} before, ${fmt(m.loadAverage.after, 1)} after (${cpus().length} CPUs)`);
  if (m.baselineRssBytes !== undefined) console.log(`  worker RSS before the run (code loaded, database migrated): ${fmt(mb(m.baselineRssBytes))} MB; the sync's own share of the peak: ${fmt(mb(m.peakRssBytes - m.baselineRssBytes))} MB`);
  console.log(`  peak RSS ${fmt(mb(m.peakRssBytes))} MB (heap still in use after a forced GC at the end: ${fmt(mb(m.heapAfterFullRunBytes))} MB); simulator start ${fmt(m.simulatorStartMs / 1000, 1)} s`);
}

interface TargetCheck {
  name: string;
  value: number;
  target: string;
  met: boolean;
  /** 1-minute load average during the measurement(s) the figure comes from (before / after). */
  load: string;
}

/** Before/after load average of a measurement; older result files merged in may not have it. */
const loadOf = (m: Measurement) => (m.loadAverage ? `${fmt(m.loadAverage.before, 1)}/${fmt(m.loadAverage.after, 1)}` : '?');

function targetChecks(measurements: Measurement[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const m of measurements) {
    const tag = `${fmt(m.size)} ${m.db}`;
    const load = loadOf(m);
    checks.push({ name: `${tag}: API calls / lower bound`, value: m.ratios.apiCalls, target: `≤ ${TARGETS.apiCalls}`, met: m.ratios.apiCalls <= TARGETS.apiCalls, load });
    checks.push({ name: `${tag}: wall / API-bound floor`, value: m.ratios.wall, target: `≤ ${TARGETS.wall}`, met: m.ratios.wall <= TARGETS.wall, load });
    checks.push({ name: `${tag}: raw insert time / write path time`, value: m.ratios.write, target: `≥ ${TARGETS.write}`, met: m.ratios.write >= TARGETS.write, load });
    checks.push({ name: `${tag}: no-change run API calls`, value: m.noChange.calls, target: `≤ ${TARGETS.noChangeCalls}`, met: m.noChange.calls <= TARGETS.noChangeCalls, load });
    checks.push({ name: `${tag}: worker peak RSS (MB)`, value: mb(m.peakRssBytes), target: `≤ ${TARGETS.rssMb}`, met: mb(m.peakRssBytes) <= TARGETS.rssMb, load });
    checks.push({ name: `${tag}: stored = truth`, value: m.stored.complete ? 1 : 0, target: '= 1', met: m.stored.complete, load });
  }
  for (const db of DATABASES) {
    const runs = measurements.filter(m => m.db === db).sort((a, b) => a.size - b.size);
    if (runs.length < 2) continue;
    const small = runs[0];
    const large = runs[runs.length - 1];
    const ratio = large.peakRssBytes / small.peakRssBytes;
    const load = `${loadOf(small)}, ${loadOf(large)}`;
    checks.push({ name: `${db}: peak RSS ${fmt(large.size)} / ${fmt(small.size)}`, value: ratio, target: `≤ ${TARGETS.rss}`, met: ratio <= TARGETS.rss, load });
  }
  return checks;
}

function gitCommit(): string | undefined {
  try {
    return execSync('git rev-parse --short HEAD', { cwd: resolve(__dirname, '..'), stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return undefined;
  }
}

/** `--merge`, `--merge-from`: earlier measurements (the first file holding a size and database wins), and the environments they were taken in. */
function previousResults(files: string[]): { measurements: Measurement[]; environments: unknown[] } {
  const measurements: Measurement[] = [];
  const environments: unknown[] = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const previous = JSON.parse(readFileSync(file, 'utf8'));
    const fresh = (previous.measurements ?? []).filter((m: Measurement) => !measurements.some(o => o.size === m.size && o.db === m.db));
    if (!fresh.length) continue;
    measurements.push(...fresh);
    environments.push(previous.environment, ...(previous.mergedFrom ?? []));
  }
  return { measurements, environments };
}

function writeResults(
  measurements: Measurement[],
  checks: TargetCheck[],
  startedAt: Date,
  totalMs: number,
  workerHeapMb: number | undefined,
  mergedFrom: unknown[],
  measuredHere: boolean,
) {
  const dir = resultsDir;
  mkdirSync(dir, { recursive: true });
  const environment = {
    startedAt: startedAt.toISOString(),
    totalSeconds: Math.round(totalMs / 1000),
    commit: gitCommit(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    latency: LATENCY,
    simulatorRateLimit: SIM_RATE_LIMIT,
    clientRateLimit: CLIENT_RATE_LIMIT,
    fields: SYNC_FIELDS,
    workerHeapMb: workerHeapMb ?? null,
  };
  writeFileSync(resolve(dir, 'latest.json'), `${JSON.stringify({ environment, ...(mergedFrom.length ? { mergedFrom } : {}), targets: checks, measurements }, null, 2)}\n`);
  const panels = [
    { title: 'Full sync wall time', unit: 's', measuredLabel: 'sync', baselineLabel: 'API-bound floor' },
    { title: 'API calls', unit: '', measuredLabel: 'made', baselineLabel: 'lower bound' },
    { title: 'Database write time', unit: 's', measuredLabel: 'writePage', baselineLabel: 'raw batchInsert' },
    { title: 'Peak RSS', unit: 'MB', measuredLabel: 'worker peak', baselineLabel: 'smallest size, same db' },
  ];
  const rows = measurements.map(m => {
    const smallest = measurements.filter(o => o.db === m.db).sort((a, b) => a.size - b.size)[0];
    return {
      label: `${m.size >= 1000 ? `${m.size / 1000}k` : m.size} ${m.db}`,
      values: {
        'Full sync wall time': [m.full.wallMs / 1000, m.floor.wallMs / 1000] as [number, number],
        'API calls': [m.full.calls, m.lowerBound.calls] as [number, number],
        'Database write time': [m.full.writeMs / 1000, m.rawInsert.ms / 1000] as [number, number],
        'Peak RSS': [mb(m.peakRssBytes), mb(smallest.peakRssBytes)] as [number, number],
      },
    };
  });
  const met = checks.filter(c => c.met).length;
  // A rendering of merged parts names the commits the parts were measured at.
  const measuredAt = measuredHere ? [environment] : [];
  const commits = [...new Set([...measuredAt, ...(mergedFrom as Array<{ commit?: string }>)].map(e => e?.commit ?? '?'))].join(', ');
  const subtitle = `${startedAt.toISOString().slice(0, 16)}Z, commit ${commits}, latency ${LATENCY.fixedMs} ms + ${LATENCY.perIssueMs} ms/issue, ${met}/${checks.length} targets met${mergedFrom.length ? `; merged with ${mergedFrom.length} earlier run(s)` : ''}`;
  writeFileSync(resolve(dir, 'latest.svg'), renderChart('jira-sync benchmark (npm run bench)', subtitle, panels, rows));
  return dir;
}

async function main() {
  const args = readBenchArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    console.error(`${args}\n${BENCH_USAGE}`);
    process.exitCode = 2;
    return;
  }
  const { sizes: sizesToMeasure, dbs, workerHeapMb, mergeFrom, measure: measuring } = args;
  // The worker profiles its full run (bench/worker.ts); `npx tsx bench/profileTop.ts <file>` ranks the frames.
  if (args.cpuProfile) process.env.BENCH_CPU_PROFILE_DIR = resolve(resultsDir, 'profiles');
  const sizes = measuring ? sizesToMeasure : [];
  const previous = previousResults(mergeFrom);
  const startedAt = new Date();
  const started = performance.now();
  let failed = false;
  let runDbs = dbs;
  if (sizes.length && dbs.includes('postgres')) {
    const problem = await postgresReachable();
    if (problem) {
      console.error(`PostgreSQL at ${POSTGRES_URL} is unreachable (${problem}): the PostgreSQL part is NOT measured. Set BENCH_POSTGRES_URL or start PostgreSQL.`);
      failed = true;
      runDbs = dbs.filter(d => d !== 'postgres');
    }
  }
  if (workerHeapMb) console.log(`workers run with --max-old-space-size=${workerHeapMb}`);
  if (!sizes.length) console.log(`jira-sync bench: nothing to measure; targets, JSON and chart from ${previous.measurements.length} merged measurements`);
  else console.log(`jira-sync bench: sizes ${sizes.map(s => fmt(s)).join(', ')} on ${runDbs.join(', ') || 'nothing'}; latency ${LATENCY.fixedMs} ms + ${LATENCY.perIssueMs} ms/issue; simulator burst ${SIM_RATE_LIMIT.burstPerSecond}/s per endpoint; client ${CLIENT_RATE_LIMIT.requestsPerSecond} req/s, ${CLIENT_RATE_LIMIT.concurrency} in flight`);
  // Measurements of this run replace merged ones of the same size and database.
  const measurements: Measurement[] = previous.measurements.filter(m => !(sizes.includes(m.size) && runDbs.includes(m.db)));
  for (const size of sizes) {
    for (const db of runDbs) {
      try {
        const m = await measure(size, db, workerHeapMb);
        measurements.push(m);
        measurements.sort((a, b) => a.size - b.size || a.db.localeCompare(b.db));
        printMeasurement(m);
        // Written after every measurement, so a long run interrupted later still leaves its figures.
        writeResults(measurements, targetChecks(measurements), startedAt, performance.now() - started, workerHeapMb, previous.environments, true);
      } catch (e) {
        failed = true;
        console.error(`\n${fmt(size)} issues on ${db} FAILED: ${(e as Error).message}`);
      }
    }
  }
  const checks = targetChecks(measurements);
  console.log('\n== targets ==');
  for (const c of checks) console.log(`  ${c.met ? 'met    ' : 'NOT MET'}  ${c.name}: ${fmt(c.value, 3)} (target ${c.target}; load ${c.load})`);
  const totalMs = performance.now() - started;
  if (measurements.length) {
    const dir = writeResults(measurements, checks, startedAt, totalMs, workerHeapMb, previous.environments, sizes.length > 0);
    console.log(`\nwrote ${dir}/latest.json and latest.svg (${fmt(totalMs / 1000)} s in all)`);
  }
  if (failed) process.exitCode = 1;
}

main().catch(e => {
  console.error(e);
  process.exitCode = 1;
});
