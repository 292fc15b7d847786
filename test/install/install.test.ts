import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { startJiraSimulator, type JiraSimulator } from '../../dev/simulator';
import { freePort } from '../../dev/freePort';
import { ChildProcessGroup, killAllChildProcessGroups } from '../support/childProcess';
import { launchChromium, openAsGuest, recordPageErrors } from '../support/chromium';
import { duplicatedPackages } from '../support/lockfile';
import { readmeBlock } from '../support/readme';
import { writeInstallTestApp, type InstallTestApp, type Tarballs } from './installTestApp';

/*
 * A user's install, end to end: build and pack the three packages, install the tarballs into a
 * fresh Backstage app outside this repository exactly as the README says, start its backend
 * against the simulator, read an entity's issues through the API, and open the entity page of
 * its frontend app in Chromium. Slow (an npm install of ~2,000 packages), so it is one file.
 */

jest.setTimeout(1_500_000);

const REPO = resolve(__dirname, '../..');
// As in a terminal: jest's NODE_ENV=test must not reach npm, the builds or the backend.
const USER_ENV = { NODE_ENV: undefined, JEST_WORKER_ID: undefined };

const run = (name: string, command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
  ChildProcessGroup.run(name, command, args, { cwd, env: { ...USER_ENV, ...env } });

interface PackedFile {
  name: string;
  filename: string;
  files: Array<{ path: string }>;
}

/** Every file an entry point of a packed package.json names (main, module, types, exports, bin). */
function entryPoints(manifest: Record<string, any>): string[] {
  const paths = new Set<string>();
  for (const key of ['main', 'module', 'types']) if (manifest[key]) paths.add(manifest[key]);
  // Export conditions hold paths, except Backstage's own `backstage` condition (a feature type).
  const visit = (value: unknown) => {
    if (typeof value === 'string') paths.add(value);
    else if (value && typeof value === 'object') Object.entries(value).forEach(([key, inner]) => key !== 'backstage' && visit(inner));
  };
  visit(manifest.exports);
  visit(manifest.bin);
  return [...paths].map(path => path.replace(/^\.\//, ''));
}

describe('installing the packed packages into a fresh Backstage app', () => {
  let work: string;
  let packed: PackedFile[];
  let tarballs: Tarballs;
  let sim: JiraSimulator;
  let app: InstallTestApp;
  let backend: ChildProcessGroup | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    // Outside the repository, so nothing resolves from its node_modules or sources.
    work = mkdtempSync(join(tmpdir(), 'jira-sync-install-'));
    mkdirSync(join(work, 'tarballs'));
    sim = await startJiraSimulator({ seed: 11, projects: 1, issues: 120, historyShape: 'small' });
  });

  afterAll(async () => {
    await browser?.close();
    await backend?.kill();
    await killAllChildProcessGroups();
    await sim?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('packs three publishable packages whose entry points are built JavaScript', async () => {
    // What a release does: type declarations for the whole repository, then each package's build.
    await run('tsc', 'npx', ['tsc', '-p', '.'], REPO);
    for (const dir of ['.', 'common', 'frontend']) await run(`build ${dir}`, 'npx', ['backstage-cli', 'package', 'build'], join(REPO, dir));
    const output = execFileSync('npm', ['pack', '--workspaces', '--include-workspace-root', '--json', '--pack-destination', join(work, 'tarballs')], {
      cwd: REPO,
      env: { ...process.env, NODE_ENV: 'production' },
      maxBuffer: 64 * 1024 * 1024,
    }).toString();
    packed = JSON.parse(output.slice(output.indexOf('[')));
    const byName = Object.fromEntries(packed.map(entry => [entry.name, join(work, 'tarballs', entry.filename)]));
    tarballs = {
      backend: byName['@jira-sync/backstage-plugin-jira-sync-backend'],
      frontend: byName['@jira-sync/backstage-plugin-jira-sync'],
      common: byName['@jira-sync/backstage-plugin-jira-sync-common'],
    };
    expect(Object.values(tarballs).every(path => path && existsSync(path))).toBe(true);
    // The dev app is a workspace too, but private: npm never publishes it.
    const devApp = JSON.parse(readFileSync(join(REPO, 'dev/app/package.json'), 'utf8'));
    expect(devApp.private).toBe(true);

    for (const name of Object.keys(byName).filter(n => n !== devApp.name)) {
      const entry = packed.find(p => p.name === name)!;
      const manifest = JSON.parse(execFileSync('tar', ['-xzOf', byName[name], 'package/package.json']).toString());
      const inside = new Set(entry.files.map(file => file.path));
      expect({ name, private: manifest.private }).toEqual({ name, private: undefined });
      expect(manifest.main).toMatch(/^dist\/index\.(cjs|esm)\.js$/);
      expect(manifest.types).toBe('dist/index.d.ts');
      const missing = entryPoints(manifest).filter(path => !inside.has(path) && path !== 'package.json');
      expect({ name, missing }).toEqual({ name, missing: [] });
      // Built JavaScript, not TypeScript sources.
      expect({ name, sources: [...inside].filter(path => /\.tsx?$/.test(path) && !path.endsWith('.d.ts')) }).toEqual({ name, sources: [] });
    }
    const frontendFiles = new Set(packed.find(p => p.name === '@jira-sync/backstage-plugin-jira-sync')!.files.map(f => f.path));
    expect(frontendFiles.has('dist/alpha.esm.js')).toBe(true);
    const backendFiles = new Set(packed.find(p => p.name === '@jira-sync/backstage-plugin-jira-sync-backend')!.files.map(f => f.path));
    for (const path of ['migrations/20261125000000_init.js', 'config.schema.json', 'src/schema/openapi.yaml', 'bin/jira-sync.js', 'dist/cli.cjs.js']) {
      expect({ path, packed: backendFiles.has(path) }).toEqual({ path, packed: true });
    }
  });

  it('installs into a fresh app, as the README says, with one copy of every Backstage package', async () => {
    expect(readmeBlock('backend-install')).toContain('npm install --workspace packages/backend @jira-sync/backstage-plugin-jira-sync-backend');
    expect(readmeBlock('app-install')).toContain('npm install --workspace packages/app @jira-sync/backstage-plugin-jira-sync');
    app = writeInstallTestApp({ dir: join(work, 'app'), tarballs, sim, port: await freePort() });
    // The README's `npm install --workspace …` resolves the names from the registry; here the packages.json files name the tarballs instead.
    await run('npm install', 'npm', ['install', '--no-audit', '--no-fund'], app.dir);
    const lock = JSON.parse(readFileSync(join(app.dir, 'package-lock.json'), 'utf8'));
    expect(duplicatedPackages(lock)).toEqual([]);
    const installed = readdirSync(join(app.dir, 'node_modules/@jira-sync')).sort();
    expect(installed).toEqual(['backstage-plugin-jira-sync', 'backstage-plugin-jira-sync-backend', 'backstage-plugin-jira-sync-common']);
  });

  it('loads the installed packages: a backend feature, the permissions, the CLI', async () => {
    const probe = [
      "const backend = require('@jira-sync/backstage-plugin-jira-sync-backend');",
      "const common = require('@jira-sync/backstage-plugin-jira-sync-common');",
      'console.log(JSON.stringify({',
      '  feature: backend.default && backend.default.$$type,',
      '  permissions: common.jiraSyncPermissions.map(p => p.name),',
      "  client: typeof common.JiraSyncClient,",
      '}));',
    ].join('\n');
    const output = await run('load', 'node', ['-e', probe], app.backendDir);
    expect(JSON.parse(output.trim().split('\n').pop()!)).toEqual({
      feature: '@backstage/BackendFeature',
      permissions: ['jira-sync.issue.read', 'jira-sync.sync.read', 'jira-sync.sync.trigger', 'jira-sync.dead-letter.retry'],
      client: 'function',
    });
    // The CLI users run in their CI: `npx jira-sync validate` of the README's spec.
    const validated = await run('jira-sync validate', 'npx', ['jira-sync', 'validate', 'jira-sync.yaml'], app.backendDir);
    expect(validated).toMatch(/jira-sync\.yaml: valid, 1 sync$/m);
  });

  it('type-checks the README code: the new and legacy frontend systems and the permission policy', async () => {
    const output = await run('tsc', 'npx', ['tsc', '-p', '.'], app.dir);
    expect(output).not.toMatch(/error TS\d+/);
  });

  it('builds the frontend app with the card', async () => {
    await run('app build', 'npx', ['backstage-cli', 'package', 'build'], app.appDir);
    expect(existsSync(join(app.appDir, 'dist/index.html'))).toBe(true);
  });

  it("starts the backend as set up there, syncs Jira and serves an entity's issues", async () => {
    backend = ChildProcessGroup.spawn('install-test backend', 'npx', ['backstage-cli', 'package', 'start'], {
      cwd: app.backendDir,
      env: { ...USER_ENV, JIRA_API_TOKEN: sim.credentials.apiToken, JIRA_WEBHOOK_SECRET: 'install-test-webhook-secret' },
    });
    await backend.waitForOutput(/Listening on :\d+|Plugin initialization complete/, 180_000);
    const get = async (path: string) => {
      const response = await fetch(`http://localhost:${app.port}${path}`, { headers: { authorization: `Bearer ${app.token}` } });
      return { status: response.status, body: (await response.json()) as any };
    };
    const deadline = Date.now() + 180_000;
    let syncs = await get('/api/jira-sync/syncs').catch(() => undefined);
    while (!syncs?.body.items?.[0]?.lastSuccessAt && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 1000));
      syncs = await get('/api/jira-sync/syncs').catch(() => undefined);
      if (!backend.alive) throw new Error(`the backend exited:\n${backend.output().slice(-5000)}`);
    }
    expect(syncs?.body.items.map((s: any) => [s.id, s.lastRun.outcome])).toEqual([['shop', 'succeeded']]);

    const { kind, namespace, name } = app.entity;
    let entityIssues = await get(`/api/jira-sync/entities/${kind}/${namespace}/${name}/issues?statusCategory=all&limit=500`);
    // The catalog ingests catalog-info.yaml on its own schedule.
    while (entityIssues.status === 404 && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 1000));
      entityIssues = await get(`/api/jira-sync/entities/${kind}/${namespace}/${name}/issues?statusCategory=all&limit=500`);
    }
    expect(entityIssues.status).toBe(200);
    const truth = sim.truth();
    expect(entityIssues.body.counts.total).toBe(truth.length);
    expect(entityIssues.body.items.map((issue: any) => issue.key).sort()).toEqual(truth.map(issue => issue.key).sort());
  });

  it('shows the card on the entity page of its frontend app', async () => {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
    const errors = recordPageErrors(page);
    const { kind, namespace, name } = app.entity;
    await openAsGuest(page, `http://localhost:${app.port}/catalog/${namespace}/${kind}/${name}`);
    await page.getByTestId('jira-sync-count-total').waitFor({ timeout: 90_000 });
    expect(await page.getByTestId('jira-sync-count-total').textContent()).toBe(String(sim.truth().length));
    expect(await page.getByTestId('jira-sync-selector').textContent()).toBe(`Project ${app.projectKey}`);
    expect(await page.locator('[data-testid="jira-sync-issue-key"]').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });
});
