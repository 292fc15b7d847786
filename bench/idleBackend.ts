/**
 * `node --require tsx/cjs --expose-gc bench/idleBackend.ts`: the RSS of a Backstage backend with
 * the plugin started and idle (SQLite, one manual sync, no run), the figure the sync worker's
 * peak RSS (bench/worker.ts) is read against: what the sync adds is the difference.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createBackend } from '@backstage/backend-defaults';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { freePort } from '../dev/freePort';
import jiraSyncPlugin from '../src';

/* eslint-disable no-console */

process.env.LOG_LEVEL ??= 'warn';
const SETTLE_MS = 10_000;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'jira-sync-idle-'));
  const port = await freePort();
  const specPath = join(dir, 'jira-sync.yaml');
  // A manual trigger: the backend never calls Jira, so the address needs no server behind it.
  writeFileSync(specPath, 'syncs:\n  - id: idle\n    instance: idle\n    projects: [ABC]\n    strategy: full\n    schedule: { frequency: { trigger: manual }, timeout: { hours: 1 } }\n');
  const configPath = join(dir, 'app-config.yaml');
  writeFileSync(
    configPath,
    [
      'backend:',
      `  baseUrl: http://localhost:${port}`,
      `  listen: { port: ${port} }`,
      '  database:',
      '    client: better-sqlite3',
      `    connection: { directory: ${dir} }`,
      'jiraSync:',
      '  instances:',
      "    - { name: idle, baseUrl: 'http://127.0.0.1:9', auth: { type: basic, email: 'idle@example.com', apiToken: 'idle' } }",
      `  spec: { path: '${specPath}' }`,
      '  completeness: { enabled: false }',
      '',
    ].join('\n'),
  );
  process.argv = [...process.argv.slice(0, 2), '--config', configPath];
  const backend = createBackend();
  backend.add(catalogServiceMock.factory({ entities: [] }));
  backend.add(jiraSyncPlugin);
  await backend.start();
  await sleep(SETTLE_MS);
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  console.log(`idle backend with the plugin: RSS ${Math.round(rss / 1048576)} MB (heap in use ${Math.round(heapUsed / 1048576)} MB) after ${SETTLE_MS / 1000} s`);
  await backend.stop();
  rmSync(dir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
