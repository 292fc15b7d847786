/**
 * `npm run bench:api [-- --issues 100000 --db sqlite,postgres --requests 300]`: read latency of the
 * REST API (a real backend over real HTTP) with 100,000 stored issues, next to the time the same
 * question takes from the Jira simulator at the benchmark's latency model, both measured in this
 * run. See bench/README.md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import knexFactory, { type Knex } from 'knex';
import { createBackend } from '@backstage/backend-defaults';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { freePort } from '../../dev/freePort';
import { startJiraSimulator, type JiraSimulator } from '../../dev/simulator';
import { parseCommandLine } from '../../src/lib/commandLine';
import { KnexSyncStore } from '../../src/store';
import { toIssueVersion } from '../../src/sync/transform';
import type { JiraIssue } from '../../src/jira/types';

/* eslint-disable no-console */

// The backend's own info lines would bury the figures.
process.env.LOG_LEVEL ??= 'warn';

/** Same latency model as `npm run bench` (bench/run.ts). */
const LATENCY = { fixedMs: 50, perIssueMs: 0.2 };
const TARGET_P99_MS = 25;
/** Issue 20's target for each chart of the entity tab. */
const CHART_TARGET_P99_MS = 50;
const TOKEN = 'jira-sync-bench-token';
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const PG_PREFIX = 'jira_sync_bench_api_';
const PAGE = 50;
const LIST_FIELDS = ['summary', 'status', 'issuetype', 'assignee', 'updated', 'project'];

type Db = 'sqlite' | 'postgres';

type QuestionGroup = 'lists' | 'charts';

interface Options {
  issues: number;
  dbs: Db[];
  requests: number;
  only: QuestionGroup[];
}

export const READ_API_BENCH_USAGE = 'usage: npm run bench:api -- [--issues 100000] [--db sqlite,postgres] [--requests 300] [--only lists,charts]';

/** The command line, or what is wrong with it. */
export function readOptions(argv: string[]): Options | string {
  const parsed = parseCommandLine({ args: argv, options: { issues: { type: 'string' }, requests: { type: 'string' }, db: { type: 'string' }, only: { type: 'string' } } });
  if ('problem' in parsed) return parsed.problem;
  const { issues = '100000', requests = '300', db = 'sqlite,postgres', only = 'lists,charts' } = parsed.values;
  const options: Options = {
    issues: Number(issues.replace(/k$/i, '000')),
    requests: Number(requests),
    dbs: db.split(',').map(s => s.trim()) as Db[],
    only: only.split(',').map(s => s.trim()) as QuestionGroup[],
  };
  if (!Number.isInteger(options.issues) || options.issues < 1000) return '--issues takes a whole number ≥ 1000';
  if (!Number.isInteger(options.requests) || options.requests < 20) return '--requests takes a whole number ≥ 20';
  if (options.dbs.some(d => d !== 'sqlite' && d !== 'postgres')) return '--db takes sqlite,postgres';
  if (!options.only.length || options.only.some(g => g !== 'lists' && g !== 'charts')) return '--only takes lists,charts';
  return options;
}

interface Stats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return { n: sorted.length, p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), max: round(sorted[sorted.length - 1]) };
}

/** One question a user asks, as an API request and, where Jira can answer it at all, the call a live card would make. */
interface Question {
  name: string;
  group: QuestionGroup;
  apiPath(i: number): string;
  /** Absent for the charts: Jira keeps no answer to them short of reading every changelog. */
  jira?(i: number): { method: 'GET' | 'POST'; path: string; body?: unknown };
}

function questions(sim: JiraSimulator, entityName: string): Question[] {
  const projects = sim.data.projects();
  const all = sim.data.all();
  const assignees = [...new Set(all.map(i => (i.fields.assignee as { accountId?: string } | null)?.accountId).filter(Boolean))] as string[];
  const words = ['login', 'search', 'export', 'payment', 'report', 'cache'];
  const keys = all.filter((_, n) => n % 997 === 0).map(i => i.key);
  const search = (jql: string) => ({ method: 'POST' as const, path: '/rest/api/3/search/jql', body: { jql, fields: LIST_FIELDS, maxResults: PAGE } });
  const project = (i: number) => projects[i % projects.length];
  return [
    {
      name: 'issues of a project, newest first',
      group: 'lists',
      apiPath: i => `/issues?project=${project(i)}&limit=${PAGE}`,
      jira: i => search(`project = ${project(i)} ORDER BY updated DESC`),
    },
    {
      name: 'a project\'s issues in progress',
      group: 'lists',
      apiPath: i => `/issues?project=${project(i)}&statusCategory=indeterminate&limit=${PAGE}`,
      jira: i => search(`project = ${project(i)} AND statusCategory = indeterminate ORDER BY updated DESC`),
    },
    {
      name: 'issues of an assignee',
      group: 'lists',
      apiPath: i => `/issues?assignee=${encodeURIComponent(assignees[i % assignees.length])}&limit=${PAGE}`,
      jira: i => search(`assignee = "${assignees[i % assignees.length]}" ORDER BY updated DESC`),
    },
    {
      name: 'text in summary within a project',
      group: 'lists',
      apiPath: i => `/issues?project=${project(i)}&q=${words[i % words.length]}&limit=${PAGE}`,
      jira: i => search(`project = ${project(i)} AND summary ~ "${words[i % words.length]}" ORDER BY updated DESC`),
    },
    {
      name: 'an entity\'s open issues with counts',
      group: 'lists',
      apiPath: () => `/entities/component/default/${entityName}/issues?statusCategory=open&limit=${PAGE}`,
      jira: () => search(`project = ${projects[0]} AND statusCategory != Done ORDER BY updated DESC`),
    },
    {
      name: 'one issue by key',
      group: 'lists',
      apiPath: i => `/issues/${keys[i % keys.length]}`,
      jira: i => ({ method: 'GET', path: `/rest/api/3/issue/${keys[i % keys.length]}` }),
    },
    ...chartQuestions(entityName),
  ];
}

/** The entity tab's four charts over the default 12 weeks and over windows a day apart (so no answer is a repeat). */
function chartQuestions(entityName: string): Question[] {
  const chart = (path: string) => (i: number) => {
    const to = new Date(Date.now() - (i % 30) * 86_400_000).toISOString().slice(0, 10);
    return `/entities/component/default/${entityName}/charts/${path}${path.includes('?') ? '&' : '?'}to=${to}`;
  };
  return [
    { name: 'chart: cumulative flow, categories', group: 'charts', apiPath: chart('cumulative-flow') },
    { name: 'chart: cumulative flow, statuses', group: 'charts', apiPath: chart('cumulative-flow?by=status') },
    { name: 'chart: cycle time scatter', group: 'charts', apiPath: chart('cycle-time') },
    { name: 'chart: weekly throughput', group: 'charts', apiPath: chart('throughput') },
    { name: 'chart: time in status', group: 'charts', apiPath: chart('time-in-status') },
  ];
}

async function timed(run: () => Promise<Response>): Promise<number> {
  const started = performance.now();
  const response = await run();
  await response.arrayBuffer();
  const elapsed = performance.now() - started;
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${response.url}`);
  return elapsed;
}

/** Writes every simulator issue through the real store, a page at a time, as a sync would. */
async function fill(knex: Knex, sim: JiraSimulator, syncId: string) {
  const store = await KnexSyncStore.create({ database: { getClient: async () => knex } });
  const truth = sim.truth();
  for (let i = 0; i < truth.length; i += 1000) {
    const versions = truth
      .slice(i, i + 1000)
      .map(t => toIssueVersion('sim', { ...t, historyTotal: t.histories.length } as JiraIssue, []));
    await store.writePage({ syncId, instance: 'sim', versions, nowMs: Date.now() });
  }
  return truth.length;
}

function appConfig(db: Db, dataDir: string, port: number, sim: JiraSimulator, specPath: string): string {
  const database =
    db === 'sqlite'
      ? `  database:\n    client: better-sqlite3\n    connection:\n      directory: ${dataDir}\n`
      : `  database:\n    client: pg\n    connection: ${POSTGRES_URL}\n    prefix: ${PG_PREFIX}\n`;
  return [
    'backend:',
    `  baseUrl: http://localhost:${port}`,
    `  listen: { port: ${port} }`,
    database.trimEnd(),
    '  auth:',
    '    externalAccess:',
    `      - { type: static, options: { token: ${TOKEN}, subject: bench } }`,
    'jiraSync:',
    '  instances:',
    `    - { name: sim, baseUrl: '${sim.url}', auth: { type: basic, email: '${sim.credentials.email}', apiToken: '${sim.credentials.apiToken}' } }`,
    `  spec: { path: '${specPath}' }`,
    '  completeness: { enabled: false }',
    '',
  ].join('\n');
}

async function dropPostgresDatabase() {
  const admin = knexFactory({ client: 'pg', connection: `${POSTGRES_URL}/postgres`, pool: { min: 0, max: 1 } });
  try {
    await admin.raw(`drop database if exists "${PG_PREFIX}jira-sync" with (force)`);
  } finally {
    await admin.destroy();
  }
}

interface DbResult {
  db: Db;
  issues: number;
  fillSeconds: number;
  questions: Array<{
    name: string;
    api: Stats;
    jira: Stats | null;
    speedup: number | null;
    targetMs: number;
    targetMet: boolean;
    loadAverage: { before: number; after: number };
  }>;
}

async function measure(db: Db, sim: JiraSimulator, options: Options): Promise<DbResult> {
  const dir = mkdtempSync(join(tmpdir(), 'jira-sync-bench-api-'));
  const port = await freePort();
  const [first] = sim.data.projects();
  const specPath = join(dir, 'jira-sync.yaml');
  // Manual trigger: the rows come from the store below, the bench measures reads only.
  writeFileSync(specPath, `syncs:\n  - id: bench\n    instance: sim\n    projects: [${sim.data.projects().join(', ')}]\n    strategy: full\n    schedule: { frequency: { trigger: manual }, timeout: { hours: 1 } }\n`);
  const configPath = join(dir, 'app-config.yaml');
  writeFileSync(configPath, appConfig(db, dir, port, sim, specPath));
  if (db === 'postgres') await dropPostgresDatabase();

  const entityName = 'bench-service';
  process.argv = [...process.argv.slice(0, 2), '--config', configPath];
  const backend = createBackend();
  backend.add(
    catalogServiceMock.factory({
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: entityName, namespace: 'default', annotations: { 'jira/project-key': first } },
          spec: { type: 'service', lifecycle: 'production', owner: 'bench' },
        },
      ],
    }),
  );
  backend.add(import('../../src'));
  await backend.start();

  const knex =
    db === 'sqlite'
      ? knexFactory({ client: 'better-sqlite3', connection: { filename: join(dir, 'jira-sync.sqlite') }, useNullAsDefault: true })
      : knexFactory({ client: 'pg', connection: `${POSTGRES_URL}/${PG_PREFIX}jira-sync` });
  try {
    const fillStarted = performance.now();
    const issues = await fill(knex, sim, 'bench');
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    // What autovacuum (on by default) does after a bulk load; this server runs with it off. Without the
    // visibility map, counts by status cannot be index-only scans: 88 ms instead of 2.4 ms at 100k issues.
    if (db === 'postgres') await knex.raw('vacuum analyze jira_sync_issues, jira_sync_history_items, jira_sync_histories');
    console.log(`  ${db}: ${issues.toLocaleString('en')} issues written through the store in ${fillSeconds.toFixed(1)} s`);

    const api = (path: string) => fetch(`http://localhost:${port}/api/jira-sync${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const jira = (call: ReturnType<NonNullable<Question['jira']>>) =>
      fetch(`${sim.url}${call.path}`, {
        method: call.method,
        headers: {
          authorization: `Basic ${Buffer.from(`${sim.credentials.email}:${sim.credentials.apiToken}`).toString('base64')}`,
          'content-type': 'application/json',
        },
        body: call.body ? JSON.stringify(call.body) : undefined,
      });

    const results: DbResult['questions'] = [];
    for (const question of questions(sim, entityName).filter(q => options.only.includes(q.group))) {
      for (let i = 0; i < 20; i++) await timed(() => api(question.apiPath(i))); // warm-up: JIT, caches, prepared plans
      const apiSamples: number[] = [];
      const loadBefore = loadavg()[0];
      for (let i = 0; i < options.requests; i++) apiSamples.push(await timed(() => api(question.apiPath(i))));
      const loadAfter = loadavg()[0];
      let jiraStats: Stats | null = null;
      if (question.jira) {
        // Jira at the latency model: fewer samples, each costs at least the fixed latency.
        sim.latency.set(LATENCY);
        const jiraSamples: number[] = [];
        for (let i = 0; i < 30; i++) jiraSamples.push(await timed(() => jira(question.jira!(i))));
        sim.latency.set(null);
        jiraStats = stats(jiraSamples);
      }
      const apiStats = stats(apiSamples);
      const targetMs = question.group === 'charts' ? CHART_TARGET_P99_MS : TARGET_P99_MS;
      results.push({
        name: question.name,
        api: apiStats,
        jira: jiraStats,
        speedup: jiraStats ? Math.round((jiraStats.p50 / apiStats.p50) * 10) / 10 : null,
        targetMs,
        targetMet: apiStats.p99 < targetMs,
        // 1-minute load average before and after the question's samples: a p99 on a busy machine says little.
        loadAverage: { before: loadBefore, after: loadAfter },
      });
    }
    return { db, issues, fillSeconds: Math.round(fillSeconds * 10) / 10, questions: results };
  } finally {
    await knex.destroy();
    await backend.stop();
    rmSync(dir, { recursive: true, force: true });
    if (db === 'postgres') await dropPostgresDatabase();
  }
}

function printResult(result: DbResult) {
  console.log(`\n${result.db}, ${result.issues.toLocaleString('en')} issues stored (p99 target < ${TARGET_P99_MS} ms for lists, < ${CHART_TARGET_P99_MS} ms for charts)`);
  console.log('  question                               API p50   p95   p99   max | Jira p50   p99 | Jira/API (p50) | target        | load');
  for (const q of result.questions) {
    const cell = (v: number | undefined, w = 6) => (v === undefined ? '—' : v.toFixed(1)).padStart(w);
    const speedup = q.speedup === null ? '—' : `${q.speedup}×`;
    console.log(
      `  ${q.name.padEnd(38)} ${cell(q.api.p50, 6)}${cell(q.api.p95)}${cell(q.api.p99)}${cell(q.api.max)} | ${cell(q.jira?.p50, 7)}${cell(q.jira?.p99)} | ${speedup.padStart(14)} | ${`${q.targetMet ? 'met' : 'NOT met'} (<${q.targetMs})`.padEnd(13)} | ${q.loadAverage.before.toFixed(1)}/${q.loadAverage.after.toFixed(1)}`,
    );
  }
}

async function main() {
  const options = readOptions(process.argv.slice(2));
  if (typeof options === 'string') {
    console.error(`${options}\n${READ_API_BENCH_USAGE}`);
    process.exit(2);
  }
  console.log(`jira-sync read API bench: ${options.issues.toLocaleString('en')} issues, ${options.requests} requests per question, on ${options.dbs.join(', ')}; Jira latency ${LATENCY.fixedMs} ms + ${LATENCY.perIssueMs} ms/issue`);
  const sim = await startJiraSimulator({ seed: 21, projects: 5, issues: options.issues, historyShape: 'small' });
  const results: DbResult[] = [];
  let failed = false;
  try {
    for (const db of options.dbs) {
      try {
        const result = await measure(db, sim, options);
        printResult(result);
        results.push(result);
      } catch (e) {
        failed = true;
        console.error(`\n${db}: the bench could not run: ${(e as Error).message}`);
      }
    }
  } finally {
    await sim.close();
  }
  const outDir = resolve(__dirname, '..', 'results');
  mkdirSync(outDir, { recursive: true });
  // A run of one group keeps the other group's last figures apart from this run's.
  const file = join(outDir, options.only.length === 2 ? 'read-api.json' : `read-api-${options.only[0]}.json`);
  writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), latency: LATENCY, targetP99Ms: TARGET_P99_MS, chartTargetP99Ms: CHART_TARGET_P99_MS, options, results }, null, 2)}\n`);
  const met = results.flatMap(r => r.questions).filter(q => q.targetMet).length;
  const total = results.flatMap(r => r.questions).length;
  console.log(`\n${met}/${total} p99 targets met; figures in ${file}`);
  process.exit(failed ? 1 : 0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
