/** Shared parts of the process-level chaos tests: backend child processes, their config, waiting, checking. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { stringify } from 'yaml';
import { freePort } from '../../dev/freePort';
import type { JiraSimulator } from '../../dev/simulator';
import { differencesFromTruth as differencesFromTruthOf } from '../support/truth';
import { simInstanceAppConfig } from '../support/factories';
import { syncTaskId } from '../../src/sync';

export const SYNC_ID = 'chaos';
export const SYNC_TASK_ID = syncTaskId(SYNC_ID);
/** The sync reads two of the simulator's three projects; GAMMA is out of scope (a move there leaves the sync). */
export const SCOPE_PROJECTS = ['ALPHA', 'BETA'];
const OUT_OF_SCOPE_PROJECT = 'GAMMA';

const ROOT = resolve(__dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const ENTRY = join(__dirname, 'backendProcess.ts');

export const sleep = (ms: number) => new Promise(resolvePromise => setTimeout(resolvePromise, ms));

export type ChaosDatabase =
  | { client: 'better-sqlite3'; directory: string }
  /** One database per plugin named prefix + "jira-sync", created by the backend itself. */
  | { client: 'pg'; host: string; port: number; user: string; prefix: string };

/** A SQLite directory or a PostgreSQL database name prefix of its own for one test. */
export function chaosDatabase(client: ChaosDatabase['client'], dir: string): ChaosDatabase {
  if (client === 'better-sqlite3') return { client, directory: join(dir, 'db') };
  const url = new URL(process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ?? 'postgresql://postgres@127.0.0.1:5432');
  return {
    client,
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username || 'postgres'),
    prefix: `jira_sync_chaos_${randomBytes(4).toString('hex')}_`,
  };
}

/** The test's own connection to the database the backends use. */
export function connectTo(database: ChaosDatabase): Knex {
  if (database.client === 'better-sqlite3') {
    return knexFactory({ client: 'better-sqlite3', connection: { filename: join(database.directory, 'jira-sync.sqlite') }, useNullAsDefault: true });
  }
  const { host, port, user, prefix } = database;
  return knexFactory({ client: 'pg', connection: { host, port, user, database: `${prefix}jira-sync` }, pool: { min: 0, max: 2 } });
}

/** Drops a PostgreSQL test database (no-op for SQLite: the temp directory goes with the test). */
export async function dropDatabase(database: ChaosDatabase): Promise<void> {
  if (database.client !== 'pg') return;
  const { host, port, user, prefix } = database;
  const admin = knexFactory({ client: 'pg', connection: { host, port, user, database: 'postgres' }, pool: { min: 0, max: 1 } });
  try {
    await admin.raw(`drop database if exists "${prefix}jira-sync" with (force)`);
  } finally {
    await admin.destroy();
  }
}

/** True once the backend created the database file or PostgreSQL database. */
export async function databaseExists(database: ChaosDatabase): Promise<boolean> {
  if (database.client === 'better-sqlite3') return existsSync(join(database.directory, 'jira-sync.sqlite'));
  const { host, port, user, prefix } = database;
  const admin = knexFactory({ client: 'pg', connection: { host, port, user, database: 'postgres' }, pool: { min: 0, max: 1 } });
  try {
    const rows = await admin('pg_database').where({ datname: `${prefix}jira-sync` }).select('datname');
    return rows.length > 0;
  } finally {
    await admin.destroy();
  }
}

/** A SQLite rollback journal left behind: the process died inside a write transaction. */
export function hotJournal(database: ChaosDatabase): boolean {
  if (database.client !== 'better-sqlite3') return false;
  const journal = join(database.directory, 'jira-sync.sqlite-journal');
  return existsSync(journal) && statSync(journal).size > 0;
}

export interface BackendSettings {
  sim: JiraSimulator;
  database: ChaosDatabase;
  /** Seconds; the scheduler's lock of a killed process is held this long. */
  timeoutSeconds: number;
  frequencySeconds: number;
  reconcileEverySeconds: number;
  pageSize: number;
}

export interface BackendFiles {
  dir: string;
  /** The static token the test's REST calls use. */
  token: string;
  /** Writes an app-config for one process listening on `port`; returns its path. */
  configFor(name: string, port: number): string;
}

/** The spec file and a config writer for backends that share one database, spec and schedule. */
export function writeBackendFiles(settings: BackendSettings): BackendFiles {
  const dir = mkdtempSync(join(tmpdir(), 'jira-sync-chaos-process-'));
  const token = randomBytes(24).toString('hex');
  const specPath = join(dir, 'jira-sync.yaml');
  writeFileSync(
    specPath,
    stringify({
      syncs: [
        {
          id: SYNC_ID,
          instance: 'sim',
          projects: SCOPE_PROJECTS,
          strategy: 'incremental',
          schedule: { frequency: { seconds: settings.frequencySeconds }, timeout: { seconds: settings.timeoutSeconds } },
          reconcile: { every: { seconds: settings.reconcileEverySeconds } },
          pageSize: settings.pageSize,
        },
      ],
    }),
  );
  const { database, sim } = settings;
  const databaseConfig =
    database.client === 'better-sqlite3'
      ? { client: 'better-sqlite3', connection: { directory: database.directory } }
      : { client: 'pg', connection: { host: database.host, port: database.port, user: database.user }, prefix: database.prefix };
  return {
    dir,
    token,
    configFor(name, port) {
      const path = join(dir, `app-config.${name}.yaml`);
      writeFileSync(
        path,
        stringify({
          app: { baseUrl: 'http://127.0.0.1:3000' },
          backend: {
            baseUrl: `http://127.0.0.1:${port}`,
            listen: { host: '127.0.0.1', port },
            database: databaseConfig,
            auth: { externalAccess: [{ type: 'static', options: { token, subject: 'chaos-test' } }] },
          },
          jiraSync: {
            instances: [
              simInstanceAppConfig(sim, { rateLimit: { requestsPerSecond: 1000, maxAttempts: 4, requestTimeout: { seconds: 10 } } }),
            ],
            spec: { path: specPath },
            completeness: { enabled: false },
          },
        }),
      );
      return path;
    },
  };
}

const TAIL_CHARS = 6000;

/** Backends not killed yet, for afterAll. */
const live = new Set<{ kill(): Promise<number> }>();

/** A backend in a child process (tsx, a process group of its own so SIGKILL takes tsx's node child too). */
export class BackendProcess {
  private readonly child: ChildProcess;
  private tail = '';
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private killedOnPurpose = false;
  /** Run ids this process logged: which runs it ran. */
  readonly runIds = new Set<string>();
  /** When this process registered the sync's task: its scheduler's janitor ran then, and runs every minute after. */
  taskRegisteredAt: number | undefined;
  /** When a held process had loaded its code and waited for the start line. */
  heldAt: number | undefined;
  readonly exited: Promise<void>;

  private constructor(readonly name: string, readonly port: number, configPath: string, hold: boolean) {
    this.child = spawn(TSX, [ENTRY, '--config', configPath], {
      cwd: ROOT,
      env: {
        ...process.env,
        // Not jest's "test": the scheduler's janitor, which frees a killed process's lock, only runs outside tests; and JSON logs.
        NODE_ENV: 'production',
        JIRA_SYNC_CHAOS_HOLD: hold ? '1' : '0',
        FORCE_COLOR: '0',
      },
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let partial = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      this.tail = (this.tail + text).slice(-TAIL_CHARS);
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const runId = /"runId":"(\d+)"/.exec(line)?.[1];
        if (runId) this.runIds.add(runId);
        if (!this.taskRegisteredAt && line.includes(`Registered scheduled task: ${SYNC_TASK_ID},`)) this.taskRegisteredAt = Date.now();
        if (!this.heldAt && line.startsWith('[chaos] loaded, waiting')) this.heldAt = Date.now();
      }
    };
    this.child.stdout!.on('data', onData);
    this.child.stderr!.on('data', onData);
    this.exited = new Promise(resolvePromise => {
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolvePromise();
      });
    });
    live.add(this);
  }

  /** Starts a backend now. */
  static async start(name: string, files: BackendFiles): Promise<BackendProcess> {
    const port = await freePort();
    return new BackendProcess(name, port, files.configFor(name, port), false);
  }

  /** Starts a backend process that loads its code now and starts the backend on `release()`. */
  static async prepare(name: string, files: BackendFiles): Promise<BackendProcess> {
    const port = await freePort();
    return new BackendProcess(name, port, files.configFor(name, port), true);
  }

  release() {
    this.assertAlive();
    this.child.stdin!.write('start\n');
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid() {
    return this.child.pid!;
  }

  get alive() {
    return this.exit === undefined;
  }

  output(): string {
    return this.tail;
  }

  /** Throws with the end of the child's output when it died without being killed by the test. */
  assertAlive() {
    if (this.exit && !this.killedOnPurpose) {
      throw new Error(
        `backend ${this.name} exited unexpectedly (code ${this.exit.code}, signal ${this.exit.signal}); its output ended with:\n${this.tail}`,
      );
    }
  }

  /** kill -9 of the whole process group; resolves once the process is gone. */
  async kill(): Promise<number> {
    this.killedOnPurpose = true;
    const at = Date.now();
    if (this.alive) {
      try {
        process.kill(-this.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await this.exited;
    live.delete(this);
    return at;
  }

  /** GET on the backend's REST API with the test's static token. */
  async get<T>(path: string, token: string): Promise<T> {
    const response = await fetch(`${this.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`GET ${path} on ${this.name} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** Whether this process's scheduler is running the sync right now (its own worker state, from its REST API). */
  async runsTheSync(token: string): Promise<boolean> {
    const body = await this.get<{ tasks: Array<{ taskId: string; workerState: { status: string } | null }> }>(
      '/api/jira-sync/.backstage/scheduler/v1/tasks',
      token,
    );
    return body.tasks.some(task => task.taskId === SYNC_TASK_ID && task.workerState?.status === 'running');
  }
}

/** Kills every backend still running (afterAll). */
export async function killAllBackends(): Promise<void> {
  await Promise.all([...live].map(backend => backend.kill()));
}

/** Everything a process chaos test holds, released after it whatever happened: children, connections, databases, folders. */
export async function releaseChaosResources(held: { sim?: JiraSimulator; knex?: Knex; database?: ChaosDatabase; dirs: string[] }) {
  await killAllBackends();
  await held.knex?.destroy();
  await held.sim?.close();
  if (held.database) await dropDatabase(held.database);
  for (const dir of held.dirs) rmSync(dir, { recursive: true, force: true });
}

/**
 * Polls `check` until it returns a value (not undefined/false); fails with the output of any
 * watched backend that died meanwhile, or on timeout.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  options: { timeoutMs: number; watch?: BackendProcess[]; everyMs?: number },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    for (const backend of options.watch ?? []) backend.assertAlive();
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) {
      const tails = (options.watch ?? []).map(b => `--- ${b.name}:\n${b.output().slice(-2500)}`).join('\n');
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}\n${tails}`);
    }
    await sleep(options.everyMs ?? 50);
  }
}

export interface RunRow {
  runId: string;
  startedMs: number;
  endedMs: number | null;
  outcome: string;
  strategy: string;
}

export async function listRuns(knex: Knex): Promise<RunRow[]> {
  const rows = await knex('jira_sync_runs').where({ sync_id: SYNC_ID }).orderBy('run_id').select('run_id', 'started_ms', 'ended_ms', 'outcome', 'strategy');
  return rows.map(row => ({
    runId: String(row.run_id),
    startedMs: Number(row.started_ms),
    endedMs: row.ended_ms === null ? null : Number(row.ended_ms),
    outcome: row.outcome,
    strategy: row.strategy,
  }));
}

/**
 * Runs whose [started, ended] intervals overlap. A run a kill left 'running' ended at the first
 * kill after its start.
 */
export function overlappingRuns(runs: RunRow[], killTimes: number[]): string[] {
  const kills = [...killTimes].sort((a, b) => a - b);
  const intervals = runs.map(run => {
    const end = run.endedMs ?? kills.find(k => k >= run.startedMs);
    return { ...run, end: end ?? Number.POSITIVE_INFINITY };
  });
  intervals.sort((a, b) => a.startedMs - b.startedMs);
  const overlaps: string[] = [];
  for (let i = 1; i < intervals.length; i++) {
    const before = intervals[i - 1];
    const run = intervals[i];
    if (run.startedMs < before.end) {
      overlaps.push(`run ${run.runId} started at ${run.startedMs} before run ${before.runId} (${before.outcome}) ended at ${before.end}`);
    }
  }
  return overlaps;
}

/** Differences between the database and the simulator's truth for the sync's projects: "no differences" when equal. */
export async function differencesFromTruth(knex: Knex, sim: JiraSimulator): Promise<string> {
  // The spec maps no custom fields.
  return differencesFromTruthOf(knex, sim, { syncId: SYNC_ID, projects: SCOPE_PROJECTS });
}

/** Rows stored twice under one identity (and live issues sharing a key): each line names one. */
export async function duplicateRows(knex: Knex): Promise<string[]> {
  const groups: Array<[table: string, columns: string[], where?: (q: Knex.QueryBuilder) => void]> = [
    ['jira_sync_issues', ['instance', 'issue_id']],
    ['jira_sync_issues', ['instance', 'issue_key'], q => void q.whereNull('deleted_ms')],
    ['jira_sync_histories', ['instance', 'history_id']],
    ['jira_sync_history_items', ['instance', 'history_id', 'item_index']],
    ['jira_sync_issue_links', ['instance', 'issue_id', 'link_id']],
    ['jira_sync_issue_scopes', ['sync_id', 'instance', 'issue_id']],
  ];
  const found: string[] = [];
  for (const [table, columns, where] of groups) {
    const query = knex(table).select(columns).count({ n: '*' }).groupBy(columns).havingRaw('count(*) > 1');
    where?.(query);
    for (const row of (await query) as Array<Record<string, unknown>>) {
      found.push(`${table} ${columns.map(c => `${c}=${row[c]}`).join(' ')}: ${row.n} rows`);
    }
  }
  return found;
}

export interface SyncStateRow {
  updatedMs: number;
  lastReconcileMs: number | null;
  resumePoint: string | null;
}

export async function syncState(knex: Knex): Promise<SyncStateRow | undefined> {
  const row = await knex('jira_sync_sync_state').where({ sync_id: SYNC_ID }).first();
  if (!row) return undefined;
  return {
    updatedMs: Number(row.updated_ms),
    lastReconcileMs: row.last_reconcile_ms === null ? null : Number(row.last_reconcile_ms),
    resumePoint: row.resume_point,
  };
}

/** Pages a run committed (approximately: distinct times its pages marked issues as seen). */
export async function pagesCommittedSince(knex: Knex, startedMs: number): Promise<number> {
  const [row] = await knex('jira_sync_issue_scopes').where({ sync_id: SYNC_ID }).where('seen_ms', '>=', startedMs).countDistinct({ n: 'seen_ms' });
  return Number(row.n);
}

/** When a janitor pass would free the sync's task lock (epoch ms), or undefined when nobody holds it. */
export async function lockFreeableAt(knex: Knex): Promise<number | undefined> {
  const row = await knex('backstage_backend_tasks__tasks').where({ id: SYNC_TASK_ID }).first('current_run_ticket', 'current_run_expires_at');
  if (!row?.current_run_ticket || !row.current_run_expires_at) return undefined;
  const value = row.current_run_expires_at;
  if (value instanceof Date) return value.getTime() + 1;
  // SQLite keeps UTC "YYYY-MM-DD HH:MM:SS" text and compares it with CURRENT_TIMESTAMP in whole seconds.
  return Date.parse(`${String(value).replace(' ', 'T')}Z`) + 1000;
}

/**
 * Waits until a run that started after `sinceMs` succeeded and a reconciliation ran after it
 * started: every edit, creation, move and deletion made before `sinceMs` has been read.
 */
export async function waitForCatchUp(knex: Knex, sinceMs: number, options: { timeoutMs: number; watch: BackendProcess[] }) {
  return waitFor(
    'a successful, reconciling run that started after the last change in Jira',
    async () => {
      const runs = (await listRuns(knex)).filter(r => r.startedMs > sinceMs && r.outcome === 'succeeded');
      const state = await syncState(knex);
      return runs.find(r => state?.lastReconcileMs !== null && state?.lastReconcileMs !== undefined && state.lastReconcileMs > r.startedMs);
    },
    { ...options, everyMs: 200 },
  );
}

export interface MutationCounts {
  edits: number;
  comments: number;
  creations: number;
  deletions: number;
  moves: number;
}

/**
 * One round of changes in Jira between restarts, chosen by `random`: edits and comments of
 * issues in scope, creations, and now and then a deletion (of an issue without links or
 * sub-tasks: their other sides change without an `updated` bump) or a move.
 */
export function mutateJira(
  sim: JiraSimulator,
  random: () => number,
  options: { edits: number; move?: 'within' | 'out' | false; delete?: boolean },
  counts: MutationCounts,
) {
  const inScope = () => sim.data.all().filter(issue => SCOPE_PROJECTS.includes((issue.fields.project as { key: string }).key));
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const priorities = ['Highest', 'High', 'Medium', 'Low'];
  const labels = ['backend', 'frontend', 'infra', 'security'];
  const issues = inScope();
  for (let i = 0; i < options.edits; i++) {
    const issue = pick(issues);
    const r = random();
    if (r < 0.15) {
      sim.data.addComment(issue.id, `chaos comment ${counts.comments}`);
      counts.comments++;
      continue;
    }
    const changes: Record<string, unknown> = { summary: `chaos edit ${counts.edits}` };
    if (r < 0.5) changes.priority = pick(priorities);
    else if (r < 0.8) changes.labels = labels.filter(() => random() < 0.5);
    sim.data.updateIssue(issue.id, changes);
    counts.edits++;
  }
  if (random() < 0.6) {
    sim.data.createIssue({ project: pick(SCOPE_PROJECTS), fields: { summary: `chaos creation ${counts.creations}` } });
    counts.creations++;
  }
  if (options.delete) {
    const plain = issues.filter(
      issue =>
        !(issue.fields.issuelinks as unknown[]).length && !issue.fields.parent && !((issue.fields.subtasks as unknown[] | undefined) ?? []).length,
    );
    sim.data.deleteIssue(pick(plain).id);
    counts.deletions++;
  }
  if (options.move) {
    const from = options.move === 'within' ? 'ALPHA' : 'BETA';
    const candidates = issues.filter(issue => (issue.fields.project as { key: string }).key === from);
    // Prefer an issue with links: the other sides' stored keys of it must follow the move.
    const linked = candidates.filter(issue => (issue.fields.issuelinks as unknown[]).length);
    const issue = pick(linked.length ? linked : candidates);
    sim.data.moveIssue(issue.id, options.move === 'within' ? 'BETA' : OUT_OF_SCOPE_PROJECT);
    counts.moves++;
  }
}
