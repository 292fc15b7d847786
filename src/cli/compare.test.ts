import { execFile } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import knexFactory, { type Knex } from 'knex';
import { TestDatabases } from '@backstage/backend-test-utils';
import { loadSyncSpec } from '../spec';
import type { SyncDefinition } from '../spec/types';
import { startHarness, type Harness } from '../../test/support/harness';
import { runCli } from '.';
import { COMPARE_USAGE } from './compare';
import { migrationsDirectory } from '../store/database';
import { WebhookProcessor } from '../sync';
import { mockServices } from '@backstage/backend-test-utils';

jest.setTimeout(120_000);

const root = resolve(__dirname, '../..');
const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
const TOKEN_VARIABLE = 'JIRA_SYNC_COMPARE_TEST_TOKEN';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: l => out.push(l), err: l => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Every jira-sync table's row count and the issues' sync times: what a write would change. */
async function fingerprint(knex: Knex) {
  const tables = [
    'jira_sync_issues', 'jira_sync_issue_scopes', 'jira_sync_histories', 'jira_sync_history_items', 'jira_sync_issue_links',
    'jira_sync_sync_state', 'jira_sync_runs', 'jira_sync_dead_letters', 'jira_sync_fields', 'jira_sync_webhook_events',
    'jira_sync_oauth_tokens', 'jira_sync_alert_incidents', 'jira_sync_completeness_checks',
  ];
  const out: Record<string, number> = {};
  for (const table of tables) out[table] = Number((await knex(table).count({ n: '*' }))[0].n);
  out.syncedMs = Number((await knex('jira_sync_issues').sum({ s: 'synced_ms' }))[0].s);
  return out;
}

/** A database the CLI reaches through `backend.database` in app-config, as the plugin does. */
async function openDatabase(kind: 'SQLITE_3' | 'POSTGRES_15') {
  if (kind === 'SQLITE_3') {
    // The CLI is a process of its own: it needs a database on disk, not the tests' in-memory one.
    const directory = mkdtempSync(join(tmpdir(), 'jira-sync-compare-'));
    const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: join(directory, 'jira-sync.sqlite') }, useNullAsDefault: true });
    return { knex, database: { client: 'better-sqlite3', connection: { directory } } };
  }
  const knex = await databases.init('POSTGRES_15');
  const name = (await knex.raw('select current_database() as name')).rows[0].name;
  return {
    knex,
    database: {
      client: 'pg',
      connection: process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING,
      plugin: { 'jira-sync': { connection: { database: name } } },
    },
  };
}

describe.each(['SQLITE_3', 'POSTGRES_15'] as const)('jira-sync compare against the simulator on %s', kind => {
  let h: Harness;
  let knex: Knex;
  let configPath: string;
  let sync: SyncDefinition;

  beforeEach(async () => {
    const db = await openDatabase(kind);
    knex = db.knex;
    h = await startHarness(knex, { seed: 929, projects: 2, issues: 150, historyShape: 'small' });
    const dir = mkdtempSync(join(tmpdir(), 'jira-sync-compare-config-'));
    const specPath = join(dir, 'spec.yaml');
    writeFileSync(specPath, `syncs:\n  - id: alpha\n    instance: sim\n    projects: [${h.sim.data.projects().join(', ')}]\n    strategy: incremental\n`);
    process.env[TOKEN_VARIABLE] = h.sim.credentials.apiToken;
    configPath = join(dir, 'app-config.yaml');
    writeFileSync(
      configPath,
      JSON.stringify({
        backend: { database: db.database },
        jiraSync: {
          instances: [{ name: 'sim', baseUrl: h.sim.url, auth: { type: 'basic', email: h.sim.credentials.email, apiToken: `\${${TOKEN_VARIABLE}}` } }],
          spec: { path: specPath },
        },
      }),
    );
    [sync] = (await loadSyncSpec({ path: specPath })).syncs;
    const first = await h.engine.run(sync);
    if (first.outcome !== 'succeeded') throw new Error(`the first sync failed: ${first.error}`);
  });

  afterEach(async () => {
    await h?.close();
    if (kind === 'SQLITE_3') await knex?.destroy();
  });

  it('an equal copy: counts per project match approximate-count, the sample has no differences, exit 0, nothing written', async () => {
    const before = await fingerprint(knex);
    const { code, out, err } = await run('compare', '--config', configPath, '--sample', '1000');
    expect(err).toBe('');
    expect(code).toBe(0);
    for (const project of h.sim.data.projects()) {
      const count = h.sim.data.all().filter(i => i.key.startsWith(`${project}-`)).length;
      expect(out).toContain(`project ${project}: Jira ${count}, stored ${count}\n`);
    }
    expect(out).toContain('sample of 150 stored issues: 150 compared field by field and history by history, 0 differing, 0 missing in Jira');
    expect(out.split('\n').at(-1)).toBe('the copy equals Jira');
    expect(await fingerprint(knex)).toEqual(before);
  });

  it('silent drift and a lost row: the differing field and the project count are named, exit 1, nothing written or repaired', async () => {
    const [drifted, lost] = h.sim.data.all();
    h.sim.data.updateIssue(drifted.id, { summary: 'changed without a trace' }, { silent: true });
    await knex('jira_sync_issue_scopes').where({ issue_id: lost.id }).del();
    await knex('jira_sync_issues').where({ issue_id: lost.id }).del();
    const lostProject = lost.key.split('-')[0];
    const inLostProject = h.sim.data.all().filter(i => i.key.startsWith(`${lostProject}-`)).length;
    const before = await fingerprint(knex);

    const { code, out } = await run('compare', '--config', configPath, '--sync', 'alpha', '--sample', '1000');
    expect(code).toBe(1);
    expect(out).toContain(`project ${lostProject}: Jira ${inLostProject}, stored ${inLostProject - 1}  <- differs`);
    expect(out).toContain(`${drifted.key} [field] summary: stored ${JSON.stringify(drifted.fields.summary)}, Jira "changed without a trace"`);
    expect(out.split('\n').at(-1)).toBe('differences found');
    expect(await fingerprint(knex)).toEqual(before);
  });

  if (kind === 'SQLITE_3') {
    it('runs as the installed bin', async () => {
      const { stdout } = await promisify(execFile)(process.execPath, [resolve(root, 'bin/jira-sync.js'), 'compare', '--config', configPath], { env: process.env });
      expect(stdout).toContain('the copy equals Jira');
      const drifted = h.sim.data.all()[3];
      h.sim.data.updateIssue(drifted.id, { labels: ['drift'] }, { silent: true });
      const failed = await promisify(execFile)(process.execPath, [resolve(root, 'bin/jira-sync.js'), 'compare', '--config', configPath, '--sample', '500'], { env: process.env }).catch(e => e);
      expect(failed.code).toBe(1);
      expect(failed.stdout).toContain(`${drifted.key} [field] labels:`);
    });
  }
});

/** A Jira that accepts connections and never answers; `reached` resolves on the first request's connection. */
async function startSilentJira() {
  const sockets: Socket[] = [];
  let reached!: () => void;
  const firstConnection = new Promise<void>(done => (reached = done));
  const server = createServer(socket => {
    sockets.push(socket);
    reached();
  });
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    firstConnection,
    async close() {
      sockets.forEach(s => s.destroy());
      await new Promise(done => server.close(done));
    },
  };
}

describe.each(['SQLITE_3', 'POSTGRES_15'] as const)('jira-sync compare next to a running backend on %s', kind => {
  it('holds no transaction while it waits on Jira: the backend\'s syncs and webhooks keep writing, before and after', async () => {
    const db = await openDatabase(kind);
    const knex = db.knex;
    // A writer that waits this long for a lock fails; the old compare held its lock for the whole Jira wait.
    if (kind === 'SQLITE_3') await knex.raw('PRAGMA busy_timeout = 1000');
    const h = await startHarness(knex, { seed: 931, projects: 1, issues: 40, historyShape: 'small' });
    const jira = await startSilentJira();
    try {
      const dir = mkdtempSync(join(tmpdir(), 'jira-sync-compare-live-'));
      const specPath = join(dir, 'spec.yaml');
      writeFileSync(specPath, `syncs:\n  - id: alpha\n    instance: sim\n    projects: [${h.sim.data.projects().join(', ')}]\n    strategy: incremental\n`);
      const configPath = join(dir, 'app-config.yaml');
      writeFileSync(
        configPath,
        JSON.stringify({
          backend: { database: db.database },
          jiraSync: {
            instances: [{ name: 'sim', baseUrl: jira.url, rateLimit: { maxAttempts: 1, requestTimeout: { minutes: 2 } }, auth: { type: 'basic', email: 'a@b', apiToken: 'token-never-used' } }],
            spec: { path: specPath },
          },
        }),
      );
      const [sync] = (await loadSyncSpec({ path: specPath })).syncs;
      expect((await h.engine.run(sync)).outcome).toBe('succeeded');

      const comparing = run('compare', '--config', configPath);
      await jira.firstConnection; // compare has read the database and now waits on Jira

      // No connection of compare's sits inside a transaction while it waits (PostgreSQL shows it; SQLite has no such view).
      const idleInTransaction =
        kind === 'POSTGRES_15'
          ? Number((await knex.raw(`select count(*) as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`)).rows[0].n)
          : 0;
      expect(idleInTransaction).toBe(0);
      const [first, second] = h.sim.data.all();
      h.sim.data.updateIssue(first.key, { summary: 'changed while compare waits' });
      const during = await h.engine.run(sync);
      expect(during).toMatchObject({ outcome: 'succeeded', issuesUpdated: 1 });

      const webhooks = new WebhookProcessor({ store: h.store, clientFor: () => h.client, syncs: [{ ...sync, strategy: 'webhook' }], logger: mockServices.logger.mock() });
      const edited = h.sim.data.updateIssue(second.key, { summary: 'edited, announced by a webhook' });
      const payload = { webhookEvent: 'jira:issue_updated', timestamp: Date.now(), issue: { id: String(second.id), key: second.key, fields: { updated: edited.fields.updated } } };
      expect(await webhooks.handle('sim', Buffer.from(JSON.stringify(payload)), payload)).toBe('applied');

      await jira.close();
      const compared = await comparing;
      expect(compared.code).toBe(2);
      expect(compared.err).not.toMatch(/SQLITE_BUSY|transaction/i);

      // The backend's connection is usable afterwards: no write is stuck behind a failed COMMIT.
      h.sim.data.updateIssue(first.key, { summary: 'changed after compare' });
      expect(await h.engine.run(sync)).toMatchObject({ outcome: 'succeeded', issuesUpdated: 1 });
      expect(await h.differences(sync)).toBe('no differences');
    } finally {
      await jira.close().catch(() => undefined);
      await h.close();
      if (kind === 'SQLITE_3') await knex.destroy();
    }
  });
});

describe('jira-sync compare command line', () => {
  it('refuses a wrong command line with what is wrong, usage and exit 2', async () => {
    const refusals: Array<[string[], string]> = [
      [['compare'], '--config is required'],
      [['compare', '--config'], "Option '--config <value>' argument missing"],
      [['compare', '--config', 'a.yaml', '--sample', 'ten'], "--sample must be a positive whole number; got 'ten'"],
      [['compare', '--config', 'a.yaml', '--colour', 'x'], "Unknown option '--colour'"],
      [['compare', '--config', 'a.yaml', '--smaple=5'], "Unknown option '--smaple'"],
      [['compare', '--config', 'a.yaml', 'extra'], "Unexpected argument 'extra'"],
    ];
    for (const [argv, problem] of refusals) {
      const { code, err } = await run(...argv);
      expect(code).toBe(2);
      expect(err).toBe(`${problem}\n${COMPARE_USAGE}`);
    }
  });

  it('a sync that has not completed a sweep is not compared: exit 1, no Jira call needed', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'jira-sync-compare-empty-'));
    const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: join(directory, 'jira-sync.sqlite') }, useNullAsDefault: true });
    await knex.migrate.latest({ directory: migrationsDirectory });
    await knex.destroy();
    const spec = join(directory, 'spec.yaml');
    writeFileSync(spec, 'syncs:\n  - { id: alpha, instance: sim, projects: [A], strategy: full }\n');
    const config = join(directory, 'app-config.yaml');
    writeFileSync(
      config,
      JSON.stringify({
        backend: { database: { client: 'better-sqlite3', connection: { directory } } },
        jiraSync: { instances: [{ name: 'sim', baseUrl: 'http://127.0.0.1:9', auth: { type: 'basic', email: 'a@b', apiToken: 'x' } }], spec: { path: spec } },
      }),
    );
    const { code, out } = await run('compare', '--config', config);
    expect(code).toBe(1);
    expect(out).toBe('sync "alpha" (instance sim):\n  not compared: the sync has not completed a sweep yet\nnot compared: a sync has no completed sweep yet');
  });

  it('names an unknown sync and an unreadable config, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jira-sync-compare-cli-'));
    const spec = join(dir, 'spec.yaml');
    writeFileSync(spec, 'syncs:\n  - { id: alpha, instance: sim, projects: [A], strategy: full }\n');
    const config = join(dir, 'app-config.yaml');
    writeFileSync(config, JSON.stringify({ jiraSync: { instances: [{ name: 'sim', baseUrl: 'http://127.0.0.1:9', auth: { type: 'basic', email: 'a@b', apiToken: 'x' } }], spec: { path: spec } } }));
    const unknown = await run('compare', '--config', config, '--sync', 'beta');
    expect(unknown).toMatchObject({ code: 2, err: `no sync "beta" in ${spec} (known: alpha)` });
    const missing = await run('compare', '--config', join(dir, 'nope.yaml'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^cannot read the configuration: .*nope\.yaml/);
  });
});
