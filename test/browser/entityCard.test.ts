import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { bundleHarness, startAppServer, type AppServer } from './appServer';
import { fixtureEntity, fixtureIssues, startFixtureBackend, type FixtureBackend } from './fixtureBackend';

/*
 * The real entity card in headless Chromium: the bundled EntityJiraSyncCard with a real
 * JiraSyncClient, talking over HTTP to a backend that serves openapi.yaml's entity routes. What
 * the page shows is compared with what the backend answered to the page.
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

describe('the entity card in a browser', () => {
  let backend: FixtureBackend;
  let app: AppServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: apt-get update && apt-get install -y chromium`);
    }
    const bundle = await bundleHarness();
    backend = await startFixtureBackend();
    app = await startAppServer({ bundle, entity: fixtureEntity, backendUrl: backend.url });
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
    await backend?.close();
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
    const metrics = await metricsResponse.json();

    expect(body.items).toHaveLength(10);
    expect(body.items.every((item: Json) => item.statusCategory !== 'done')).toBe(true);
    // The backend's answer is the fixture's truth: open issues, newest update first.
    expect(body.items.map((item: Json) => item.key)).toEqual(
      fixtureIssues.filter(issue => issue.statusCategory !== 'done').slice(0, 10).map(issue => issue.key),
    );

    const rows = await rowsShown(body.items.map((item: Json) => item.key));
    expectRowsMatch(rows, body.items);
    for (const row of rows) expect(row.href).toMatch(/^https:\/\/jira\.example\.com\/browse\/SHOP-\d+$/);

    expect(await textOf('jira-sync-count-new')).toBe(String(body.counts.new));
    expect(await textOf('jira-sync-count-indeterminate')).toBe(String(body.counts.indeterminate));
    expect(await textOf('jira-sync-count-done')).toBe(String(body.counts.done));
    expect(await textOf('jira-sync-count-total')).toBe(String(body.counts.total));
    expect(await textOf('jira-sync-selector')).toBe('Project SHOP · component Checkout');
    expect(await textOf('jira-sync-freshness')).toBe('Synced 4 minutes ago');

    await page.getByTestId('jira-sync-cycle-time').waitFor();
    expect(await textOf('jira-sync-cycle-time')).toBe(`${(metrics.cycleTime.medianHours / 24).toFixed(1)} d`);
    expect(await page.locator('[data-testid="jira-sync-throughput"] rect').count()).toBe(metrics.throughput.length);
    const done = metrics.throughput.reduce((sum: number, week: Json) => sum + week.count, 0);
    expect(await textOf('jira-sync-throughput-total')).toBe(`${done} done in 12 weeks`);
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
    const searched = await issuesAnswer(() => page.getByLabel('Search summaries').fill('payment'), {
      statusCategory: 'all',
      q: 'payment',
    });
    expect(searched.items.length).toBeGreaterThan(0);
    expect(searched.items.length).toBeLessThan(all.items.length);
    expect(searched.items.every((item: Json) => /payment/i.test(item.summary))).toBe(true);
    expectRowsMatch(await rowsShown(searched.items.map((item: Json) => item.key)), searched.items);

    expect(pageErrors).toEqual([]);
  });
});
