import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { Browser, Page, Response } from 'playwright-core';
import { killAllChildProcessGroups } from '../support/childProcess';
import { launchChromium, openAsGuest } from '../support/chromium';
import { startDevBackend, type DevBackend } from '../support/devBackend';

/*
 * The "Jira" tab in the Backstage app `npm start` serves, in Debian's Chromium, against the real
 * plugin that has synced the simulator: the tab opens from the entity page, the list and its
 * URL-kept view match what the backend answered, and the drawer shows an issue's whole history
 * (the simulator's seed gives ALPHA more than one issue with 1,000+ histories) as the database holds it.
 */

jest.setTimeout(600_000);

const RESULTS = resolve(__dirname, '../../test-results');
const DOCS = resolve(__dirname, '../../frontend/docs');

type Json = Record<string, any>;

describe('the Jira tab on an entity page of the dev Backstage app', () => {
  let dev: DevBackend;
  let browser: Browser;
  let page: Page;
  let database: Knex;
  /** Every answer of the entity issues route the page got, in order. */
  const answers: Array<{ url: URL; body: Json }> = [];

  beforeAll(async () => {
    // The app build takes minutes on a loaded machine.
    dev = await startDevBackend({ issues: 900, timeoutMs: 480_000 });
    database = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: join(dev.dataDir, 'jira-sync.sqlite'), options: { readonly: true } },
      useNullAsDefault: true,
    });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1400, height: 1400 } })).newPage();
    page.on('response', async (response: Response) => {
      const url = new URL(response.url());
      if (!/\/api\/jira-sync\/entities\/.+\/issues$/.test(url.pathname) || response.status() !== 200) return;
      // An answer the page navigated away from has no body any more, and the table never showed it.
      const body = await response.json().catch(() => undefined);
      if (body) answers.push({ url, body });
    });
  });

  afterAll(async () => {
    await browser?.close();
    await database?.destroy();
    await dev?.dispose();
    await killAllChildProcessGroups();
  });

  const keysShown = () => page.$$eval('[data-testid="jira-sync-issue-open"]', keys => keys.map(key => key.textContent ?? ''));

  /** Waits until the table shows the newest answer matching `query`, and returns it. */
  async function settledAnswer(query: Record<string, string | null>): Promise<Json> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const matching = answers.filter(answer => Object.entries(query).every(([name, value]) => answer.url.searchParams.get(name) === value));
      const latest = matching[matching.length - 1];
      if (latest && JSON.stringify(await keysShown()) === JSON.stringify(latest.body.items.map((item: Json) => item.key))) return latest.body;
      if (Date.now() > deadline) throw new Error(`the table never showed the latest answer for ${JSON.stringify(query)}: ${JSON.stringify(await keysShown())}`);
      await page.waitForTimeout(250);
    }
  }

  const searchParam = (name: string) => new URL(page.url()).searchParams.get(name);

  it('opens from the entity page and lists the issues the backend answered', async () => {
    await openAsGuest(page, dev.entityPageUrl);
    // The entity page's tabs are links to each content's path.
    await page.locator('a[href$="/alpha-service/jira"]').filter({ hasText: 'Jira' }).click({ timeout: 60_000 });
    await page.waitForURL(/\/catalog\/default\/component\/alpha-service\/jira/);
    await page.getByTestId('jira-sync-issue-open').first().waitFor({ timeout: 60_000 });
    const answer = await settledAnswer({ sort: 'updated', cursor: null, q: null });
    expect(answer.items).toHaveLength(25);
    expect(answer.items.every((item: Json) => item.projectKey === 'ALPHA')).toBe(true);
    const updated = answer.items.map((item: Json) => Date.parse(item.updated));
    expect(updated).toEqual([...updated].sort((a, b) => b - a));
  });

  it('sorts by key on the server, with the order in the URL', async () => {
    await page.getByRole('button', { name: 'Key' }).click();
    await page.waitForURL(url => url.searchParams.get('sort') === 'key');
    const byKey = await settledAnswer({ sort: 'key', order: 'asc', cursor: null });
    // Natural order: ALPHA-9 before ALPHA-10.
    const numbers: number[] = byKey.items.map((item: Json) => Number(item.key.split('-')[1]));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(byKey.items[0].key).toBe('ALPHA-1');
  });

  it('sorts by priority on the server, most urgent first, with the sort in the URL', async () => {
    await page.getByRole('button', { name: 'Priority' }).click();
    await page.waitForURL(url => url.searchParams.get('sort') === 'priority');
    const byPriority = await settledAnswer({ sort: 'priority', cursor: null });
    const keys: string[] = byPriority.items.map((item: Json) => item.key);
    // The rows follow the priority ids Jira sent (lower is more urgent), as the database holds them.
    const rows: Array<{ issue_key: string; issue_id: number; raw_fields: string }> = await database('jira_sync_issues')
      .where({ project_key: 'ALPHA' })
      .whereNull('deleted_ms')
      .select('issue_key', 'issue_id', 'raw_fields');
    const priorityId = new Map(rows.map(row => [row.issue_key, Number(JSON.parse(row.raw_fields).priority?.id ?? Infinity)]));
    const issueId = new Map(rows.map(row => [row.issue_key, Number(row.issue_id)]));
    const ids = keys.map(key => priorityId.get(key)!);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids[0]).toBe(Math.min(...priorityId.values()));
    // Ties in the issue id's order.
    const tied = keys.filter(key => priorityId.get(key) === ids[0]).map(key => issueId.get(key)!);
    expect(tied).toEqual([...tied].sort((a, b) => a - b));
    // Back to the key order the next tests start from.
    await page.getByRole('button', { name: 'Key' }).click();
    await page.waitForURL(url => url.searchParams.get('sort') === 'key');
  });

  it('searches summaries with the text in the URL, and the URL alone reproduces the view', async () => {
    const summaries: string[] = await database('jira_sync_issues').pluck('summary').where({ project_key: 'ALPHA' }).whereNull('deleted_ms');
    const word = summaries
      .flatMap(summary => summary.split(/\W+/))
      .find(candidate => {
        const hits = summaries.filter(summary => summary.toLowerCase().includes(candidate.toLowerCase())).length;
        return candidate.length >= 5 && hits > 0 && hits < summaries.length / 2;
      })!;
    expect(word).toEqual(expect.any(String));
    await page.getByLabel('Search summaries').fill(word);
    await page.waitForURL(url => url.searchParams.get('q') === word);
    const searched = await settledAnswer({ q: word, sort: 'key' });
    const expected = summaries.filter(summary => summary.toLowerCase().includes(word.toLowerCase())).length;
    expect(searched.items).toHaveLength(Math.min(expected, 25));
    expect(searched.items.every((item: Json) => item.summary.toLowerCase().includes(word.toLowerCase()))).toBe(true);

    // A shared link: the same view in a fresh load.
    const shared = page.url();
    await page.goto('about:blank');
    await page.goto(shared);
    await page.getByTestId('jira-sync-issue-open').first().waitFor({ timeout: 60_000 });
    expect(await page.getByLabel('Search summaries').inputValue()).toBe(word);
    expect(await keysShown()).toEqual(searched.items.map((item: Json) => item.key));
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.waitForURL(url => !url.searchParams.has('q'));
  });

  it("shows an issue's complete history, 1,000+ entries paged through the changelog route, as the database holds it", async () => {
    const [longest]: Array<{ key: string; n: number | string }> = await database('jira_sync_histories as h')
      .join('jira_sync_issues as i', on => on.on('i.instance', 'h.instance').andOn('i.issue_id', 'h.issue_id'))
      .where('i.project_key', 'ALPHA')
      .groupBy('i.issue_key')
      .select({ key: 'i.issue_key' })
      .count({ n: '*' })
      .orderBy('n', 'desc')
      .limit(1) as any;
    const stored = Number(longest.n);
    expect(stored).toBeGreaterThan(1000);

    const changelogPages: string[] = [];
    page.on('request', request => {
      if (request.url().includes(`/issues/${longest.key}/changelog`)) changelogPages.push(request.url());
    });
    await page.getByLabel('Search summaries').fill('');
    const url = new URL(page.url());
    url.searchParams.set('issue', longest.key);
    await page.goto(url.toString());
    const drawer = page.getByTestId('jira-sync-issue-drawer');
    await drawer.waitFor({ timeout: 60_000 });
    await drawer.getByTestId('jira-sync-history-status').filter({ hasText: 'oldest first' }).waitFor({ timeout: 60_000 });
    expect(await drawer.getByTestId('jira-sync-history-status').textContent()).toBe(`${stored.toLocaleString('en-US')} changes, oldest first`);
    expect(await drawer.getByTestId('jira-sync-history-entry').count()).toBe(stored);
    expect(changelogPages.length).toBe(Math.ceil(stored / 500));

    const ids: string[] = await drawer.getByTestId('jira-sync-history-entry').evaluateAll(entries => entries.map(entry => entry.getAttribute('data-history-id') ?? ''));
    const storedIds = (
      await database('jira_sync_histories as h')
        .join('jira_sync_issues as i', on => on.on('i.instance', 'h.instance').andOn('i.issue_id', 'h.issue_id'))
        .where('i.issue_key', longest.key)
        .orderBy([{ column: 'h.created_ms' }, { column: 'h.history_id' }])
        .pluck('h.history_id')
    ).map(String);
    expect(new Set(ids).size).toBe(stored);
    expect([...ids].sort()).toEqual([...storedIds].sort());
    expect(ids[0]).toBe(storedIds[0]);

    const link = drawer.getByTestId('jira-sync-drawer-jira-link');
    expect(await link.getAttribute('href')).toBe(`${dev.simulatorUrl}/browse/${longest.key}`);
    await drawer.getByRole('button', { name: 'Close' }).click();
    await page.waitForURL(next => !next.searchParams.has('issue'));
    expect(searchParam('issue')).toBeNull();
  });

  it("shows in each chart's accessible table exactly what its route answers for the same entity and window", async () => {
    const charts: Record<string, { url: string; authorization?: string }> = {};
    const record = (response: Response) => {
      const chart = /\/api\/jira-sync\/entities\/.+\/charts\/([a-z-]+)$/.exec(new URL(response.url()).pathname)?.[1];
      if (chart && response.status() === 200) charts[chart] = { url: response.url(), authorization: response.request().headers().authorization };
    };
    page.on('response', record);
    await page.goto(`${dev.entityPageUrl}/jira`);
    for (const id of ['cumulative-flow', 'cycle-time', 'throughput', 'time-in-status']) {
      await page.getByTestId(`jira-sync-chart-${id}-data`).waitFor({ state: 'attached', timeout: 60_000 });
    }
    await page.waitForTimeout(1000);
    page.off('response', record);
    expect(Object.keys(charts).sort()).toEqual(['cumulative-flow', 'cycle-time', 'throughput', 'time-in-status']);
    // The same route, window and credentials the page used, asked again by the test.
    const answer = async (chart: string): Promise<Json> => {
      const { url, authorization } = charts[chart];
      const response = await fetch(url, { headers: authorization ? { authorization } : {} });
      expect(response.status).toBe(200);
      return (await response.json()) as Json;
    };
    const tableRows = (id: string) =>
      page.$$eval(`[data-testid="jira-sync-chart-${id}-data"] tbody tr`, rows => rows.map(row => Array.from(row.querySelectorAll('td')).map(cell => cell.textContent ?? '')));
    const round1 = (value: number | null) => (value === null ? '–' : String(Math.round(value * 10) / 10));

    const throughput = await answer('throughput');
    expect(throughput.weeks.length).toBeGreaterThan(0);
    expect(throughput.weeks.some((week: Json) => week.completed > 0)).toBe(true);
    expect(await tableRows('throughput')).toEqual(throughput.weeks.map((week: Json) => [week.weekStart, String(week.completed)]));

    const flow = await answer('cumulative-flow');
    expect(flow.points.length).toBeGreaterThan(0);
    expect(await tableRows('cumulative-flow')).toEqual(
      flow.points.map((point: Json) => [point.date, ...flow.series.map((series: Json) => String(point.counts[series.key] ?? 0))]),
    );

    const cycleTime = await answer('cycle-time');
    expect(cycleTime.points.length).toBeGreaterThan(0);
    expect(await tableRows('cycle-time')).toEqual(
      cycleTime.points.map((point: Json) => [point.key, point.completedAt.slice(0, 10), round1(point.cycleTimeDays)]),
    );

    const timeInStatus = await answer('time-in-status');
    expect(timeInStatus.statuses.length).toBeGreaterThan(0);
    expect(await tableRows('time-in-status')).toEqual(
      timeInStatus.statuses.map((status: Json) => [status.status, String(status.issues), round1(status.medianHours), round1(status.p85Hours), round1(status.totalHours)]),
    );
  });

  it('renders in the light and the dark theme (screenshots)', async () => {
    mkdirSync(RESULTS, { recursive: true });
    const brightness: Record<string, number> = {};
    for (const theme of ['light', 'dark']) {
      await page.evaluate(id => window.localStorage.setItem('theme', id), theme);
      await page.goto(`${dev.entityPageUrl}/jira`);
      await page.getByTestId('jira-sync-issue-open').first().waitFor({ timeout: 60_000 });
      await page.waitForTimeout(1000);
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const [r, g, b] = background.match(/\d+/g)!.map(Number);
      brightness[theme] = r + g + b;
      const file = join(RESULTS, `entity-tab-${theme}.png`);
      await page.screenshot({ path: file, fullPage: true });
      // The README's copies are refreshed on request only, so a test run leaves the work tree clean.
      if (process.env.JIRA_SYNC_UPDATE_DOCS_SCREENSHOT) copyFileSync(file, join(DOCS, `entity-tab-${theme}.png`));
    }
    expect(brightness.light).toBeGreaterThan(600);
    expect(brightness.dark).toBeLessThan(200);
  });
});
