import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { mockServices, startTestBackend, type TestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startJiraSimulator, type JiraSimulator, type TruthIssue } from '../../dev/simulator';
import jiraSyncPlugin from '../../src';
import { simInstanceAppConfig } from '../support/harness';
import { formatHours } from '../../frontend/src/components/EntityJiraSyncCard/format';
import { bundleHarness, startAppServer, type AppServer } from './appServer';

/*
 * The real entity card in headless Chromium: the bundled EntityJiraSyncCard with a real
 * JiraSyncClient, talking over HTTP to the real jira-sync plugin in a Backstage test backend,
 * which has synced the Jira simulator at start-up. What the page shows is compared with what the
 * backend answered to the page, and that with the simulator's truth.
 */

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = resolve(__dirname, '../../test-results/entity-card.png');
const DOCS_SCREENSHOT = resolve(__dirname, '../../frontend/docs/entity-card.png');

type Json = Record<string, any>;

interface RowShown {
  linkText: string;
  href: string | null;
  summary: string;
  type: string;
  status: string;
  assignee: string;
}

const statusCategoryOf = (issue: TruthIssue) =>
  (issue.fields.status as { statusCategory: { key: string } }).statusCategory.key;

describe('the entity card in a browser', () => {
  let sim: JiraSimulator;
  let projectKey: string;
  let truth: TruthIssue[];
  let backend: TestBackend;
  let app: AppServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: apt-get update && apt-get install -y chromium`);
    }
    const bundle = await bundleHarness();
    sim = await startJiraSimulator({ seed: 7, projects: 1, issues: 40, historyShape: 'small' });
    [projectKey] = sim.data.projects();
    truth = sim.truth().filter(issue => (issue.fields.project as { key: string }).key === projectKey);
    const specDir = mkdtempSync(join(tmpdir(), 'jira-sync-card-'));
    const specPath = join(specDir, 'jira-sync.yaml');
    writeFileSync(specPath, `syncs:\n  - id: card\n    instance: sim\n    projects: [${projectKey}]\n    strategy: incremental\n`);
    const entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'checkout', namespace: 'default', annotations: { 'jira/project-key': projectKey } },
      spec: { type: 'service', owner: 'team-payments', lifecycle: 'production' },
    };
    backend = await startTestBackend({
      features: [
        jiraSyncPlugin,
        mockServices.rootConfig.factory({
          data: {
            jiraSync: {
              instances: [simInstanceAppConfig(sim)],
              spec: { path: specPath },
            },
          },
        }),
        // Runs the sync once at start-up, so the issues are stored before the page opens.
        mockServices.scheduler.factory({ includeInitialDelayedTasksOnStartup: true }),
        catalogServiceMock.factory({ entities: [entity] }),
      ],
    });
    app = await startAppServer({ bundle, entity, backendUrl: `http://127.0.0.1:${backend.server.port()}` });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1000, height: 1000 } });
    page.on('pageerror', error => pageErrors.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await backend?.stop();
    await sim?.close();
  });

  /** Runs `action` and returns the JSON of the issues request it caused, checked to be a 200. */
  async function issuesAnswer(action: () => Promise<unknown>, expectQuery: Record<string, string>): Promise<Json> {
    const [response] = await Promise.all([
      page.waitForResponse(candidate => {
        const url = new URL(candidate.url());
        return (
          url.pathname.endsWith('/issues') &&
          Object.entries(expectQuery).every(([name, value]) => url.searchParams.get(name) === value)
        );
      }),
      action(),
    ]);
    expect(response.status()).toBe(200);
    return response.json();
  }

  /** Waits until the table shows exactly the given keys, then reads every row. */
  async function rowsShown(keys: string[]): Promise<RowShown[]> {
    await page.waitForFunction(
      expected =>
        JSON.stringify(
          Array.from(document.querySelectorAll('[data-testid="jira-sync-issue"] a')).map(a =>
            a.childNodes[0]?.textContent,
          ),
        ) === JSON.stringify(expected),
      keys,
    );
    return page.$$eval('[data-testid="jira-sync-issue"]', rows =>
      rows.map(row => {
        const cells = Array.from(row.querySelectorAll('td')).map(cell => cell.textContent ?? '');
        const link = row.querySelector('a')!;
        return {
          linkText: link.childNodes[0]?.textContent ?? '',
          href: link.getAttribute('href'),
          summary: cells[1],
          type: cells[2],
          status: cells[3],
          assignee: cells[4],
        };
      }),
    );
  }

  function expectRowsMatch(rows: RowShown[], items: Json[]) {
    expect(rows).toEqual(
      items.map(item => ({
        linkText: item.key,
        href: item.url,
        summary: item.summary ?? '',
        type: item.issueType ?? '',
        status: item.status ?? '',
        assignee: item.assignee?.displayName ?? 'Unassigned',
      })),
    );
  }

  async function textOf(testId: string): Promise<string> {
    return (await page.getByTestId(testId).textContent()) ?? '';
  }

  it('shows the open issues, counts, links, metrics and freshness the backend returned', async () => {
    const [metricsResponse, body] = await Promise.all([
      page.waitForResponse(candidate => new URL(candidate.url()).pathname.endsWith('/metrics')),
      issuesAnswer(() => page.goto(app.url), { statusCategory: 'open', limit: '10' }),
    ]);
    expect(metricsResponse.status()).toBe(200);
    const metrics = await metricsResponse.json();

    // The backend's answer agrees with Jira: the project's open issues, with their summaries.
    const openInJira = truth.filter(issue => statusCategoryOf(issue) !== 'done');
    expect(body.items).toHaveLength(Math.min(10, openInJira.length));
    for (const item of body.items) {
      const inJira = openInJira.find(issue => issue.key === item.key);
      expect(inJira?.fields.summary).toBe(item.summary);
    }
    expect(body.counts.total).toBe(truth.length);
    expect(body.counts.done).toBe(truth.length - openInJira.length);

    const rows = await rowsShown(body.items.map((item: Json) => item.key));
    expectRowsMatch(rows, body.items);
    for (const row of rows) expect(row.href).toBe(`${sim.url}/browse/${row.linkText}`);

    expect(await textOf('jira-sync-count-new')).toBe(String(body.counts.new));
    expect(await textOf('jira-sync-count-indeterminate')).toBe(String(body.counts.indeterminate));
    expect(await textOf('jira-sync-count-done')).toBe(String(body.counts.done));
    expect(await textOf('jira-sync-count-total')).toBe(String(body.counts.total));
    expect(await textOf('jira-sync-selector')).toBe(`Project ${projectKey}`);
    expect(body.syncs.map((sync: Json) => sync.id)).toEqual(['card']);
    expect(await textOf('jira-sync-freshness')).toMatch(/^Synced (just now|\d+ minutes? ago)$/);

    await page.getByTestId('jira-sync-cycle-time').waitFor();
    expect(await textOf('jira-sync-cycle-time')).toBe(formatHours(metrics.cycleTime.medianHours));
    expect(await page.locator('[data-testid="jira-sync-throughput"] rect').count()).toBe(metrics.throughput.length);
    const done = metrics.throughput.reduce((sum: number, week: Json) => sum + week.count, 0);
    expect(await textOf('jira-sync-throughput-total')).toBe(`${done} done in 12 weeks`);
    // A healthy sync: no warning panel.
    expect(await page.getByRole('alert').count()).toBe(0);

    mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });
    await page.locator('.MuiCard-root').first().screenshot({ path: SCREENSHOT });
    // The README's copy is refreshed on request only, so a test run leaves the work tree clean.
    if (process.env.JIRA_SYNC_UPDATE_DOCS_SCREENSHOT) copyFileSync(SCREENSHOT, DOCS_SCREENSHOT);
    expect(existsSync(SCREENSHOT)).toBe(true);
  });

  it('pages on with the cursor the backend returned', async () => {
    const first = await issuesAnswer(() => page.reload(), { statusCategory: 'open', limit: '10' });
    await rowsShown(first.items.map((item: Json) => item.key));
    expect(first.nextCursor).toEqual(expect.any(String));

    const second = await issuesAnswer(() => page.getByRole('button', { name: 'Next' }).click(), {
      statusCategory: 'open',
      cursor: first.nextCursor,
    });
    expect(second.items.length).toBeGreaterThan(0);
    expectRowsMatch(await rowsShown(second.items.map((item: Json) => item.key)), second.items);
    expect(await textOf('jira-sync-page')).toBe('Page 2');
    expect(second.items.map((item: Json) => item.key)).not.toContain(first.items[0].key);
  });

  it('filters by status category and by text in the summary', async () => {
    await issuesAnswer(() => page.reload(), { statusCategory: 'open' });

    const done = await issuesAnswer(() => page.getByRole('button', { name: 'Done' }).click(), {
      statusCategory: 'done',
    });
    expect(done.items.length).toBeGreaterThan(0);
    expect(done.items.every((item: Json) => item.statusCategory === 'done')).toBe(true);
    expectRowsMatch(await rowsShown(done.items.map((item: Json) => item.key)), done.items);

    const all = await issuesAnswer(() => page.getByRole('button', { name: 'All' }).click(), {
      statusCategory: 'all',
    });
    // A word of one summary that not every summary has, so the search narrows the list.
    const word = truth
      .flatMap(issue => String(issue.fields.summary).split(/\W+/))
      .find(candidate => {
        const matches = truth.filter(issue => String(issue.fields.summary).toLowerCase().includes(candidate.toLowerCase()));
        return candidate.length >= 4 && matches.length > 0 && matches.length < Math.min(10, truth.length);
      })!;
    expect(word).toEqual(expect.any(String));
    const searched = await issuesAnswer(() => page.getByLabel('Search summaries').fill(word), {
      statusCategory: 'all',
      q: word,
    });
    expect(searched.items.length).toBeGreaterThan(0);
    expect(searched.items.length).toBeLessThan(all.items.length);
    expect(searched.items.every((item: Json) => item.summary.toLowerCase().includes(word.toLowerCase()))).toBe(true);
    expectRowsMatch(await rowsShown(searched.items.map((item: Json) => item.key)), searched.items);

    expect(pageErrors).toEqual([]);
  });
});
