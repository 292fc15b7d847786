import type { Browser, Page, Response } from 'playwright-core';
import { killAllChildProcessGroups } from '../support/childProcess';
import { launchChromium, openAsGuest } from '../support/chromium';
import { startDevBackend, type DevBackend } from '../support/devBackend';

/*
 * A first sync as a user watches it, in Debian's Chromium against `npm start` with a slow
 * simulator: the card and the Jira tab say how far the sync got, the number grows while the page
 * stays open, it is the number the API answered, and when the sync ends the tab shows the issues
 * without a reload.
 */

jest.setTimeout(600_000);

/** Per Jira call: the live sync's first run then takes about a minute. */
const SIMULATOR_LATENCY_MS = 700;

type Json = Record<string, any>;

describe('sync progress in the dev Backstage app during a first sync', () => {
  let dev: DevBackend;
  let browser: Browser;
  let page: Page;
  /** The `live` sync's progress in every entity issues answer the page got, in order. */
  const progressAnswers: Array<{ at: number; progress: Json | null; total: number }> = [];
  /** Every cumulative flow answer the page got, in order. */
  const flowAnswers: Array<{ at: number; flow: Json }> = [];

  beforeAll(async () => {
    dev = await startDevBackend({
      issues: 3000,
      until: 'serving',
      env: { JIRA_SYNC_DEV_SIMULATOR_LATENCY_MS: String(SIMULATOR_LATENCY_MS) },
      timeoutMs: 480_000,
    });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1400, height: 1200 } })).newPage();
    page.on('response', async (response: Response) => {
      if (/\/charts\/cumulative-flow$/.test(new URL(response.url()).pathname) && response.ok()) {
        const flow = await response.json().catch(() => undefined);
        if (flow) flowAnswers.push({ at: Date.now(), flow });
        return;
      }
      if (!/\/api\/jira-sync\/entities\/.+\/issues$/.test(new URL(response.url()).pathname) || response.status() !== 200) return;
      const body = await response.json().catch(() => undefined);
      if (body) progressAnswers.push({ at: Date.now(), progress: body.syncs.find((sync: Json) => sync.id === 'live')?.progress ?? null, total: body.counts.total });
    });
  });

  afterAll(async () => {
    await browser?.close();
    await dev?.dispose();
    await killAllChildProcessGroups();
  });

  const liveSync = async (): Promise<Json> => {
    const response = await fetch(`${dev.url}/api/jira-sync/syncs`, { headers: { authorization: `Bearer ${dev.token}` } });
    const body = (await response.json()) as { items: Json[] };
    return body.items.find(sync => sync.id === 'live')!;
  };

  /** The progress line's "N of ~M issues", as numbers. */
  async function shownProgress(): Promise<{ read: number; expected: number }> {
    const text = (await page.getByTestId('jira-sync-progress-text').first().textContent({ timeout: 60_000 })) ?? '';
    const match = /First sync in progress — ([\d,]+) of ~([\d,]+) issues/.exec(text);
    if (!match) throw new Error(`unexpected progress text: ${text}`);
    const number = (digits: string) => Number(digits.replace(/,/g, ''));
    return { read: number(match[1]), expected: number(match[2]) };
  }

  /** Waits until the progress line shows more than `than` issues read; returns what it shows then. */
  async function progressAbove(than: number): Promise<{ read: number; expected: number }> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const shown = await shownProgress();
      if (shown.read > than) return shown;
      if (Date.now() > deadline) throw new Error(`the progress stayed at ${shown.read} issues read`);
      await page.waitForTimeout(500);
    }
  }

  /** What the page shows is what the API last answered it, and no more than the syncs API says now. */
  async function expectShownMatchesApi(shown: { read: number; expected: number }) {
    const last = progressAnswers.filter(answer => answer.progress).at(-1)!.progress!;
    expect(shown).toEqual({ read: last.issuesRead, expected: last.issuesExpected });
    expect(shown.read).toBeLessThanOrEqual((await liveSync()).progress?.issuesRead ?? Infinity);
  }

  it('shows on the card how far the first sync got, growing while the page stays open', async () => {
    expect((await liveSync()).lastSuccessAt).toBeFalsy();
    // The catalog reads its file on its own schedule: the entity page may not exist yet.
    await openAsGuest(page, dev.entityPageUrl);
    const deadline = Date.now() + 120_000;
    while (!(await page.getByTestId('jira-sync-progress-text').count())) {
      if (Date.now() > deadline) throw new Error('the card never showed the sync progress');
      await page.waitForTimeout(2000);
      if (await page.getByText(/not found/i).count()) await page.reload();
    }
    const first = await shownProgress();
    await expectShownMatchesApi(first);
    expect(first.expected).toBeGreaterThan(first.read);

    const later = await progressAbove(first.read);
    await expectShownMatchesApi(later);
    expect(later.expected).toBe(first.expected);
  });

  it('shows it on the Jira tab too, then the issues once the sync ends, without a reload', async () => {
    await page.locator('a[href$="/alpha-service/jira"]').filter({ hasText: 'Jira' }).click({ timeout: 60_000 });
    await page.waitForURL(/\/catalog\/default\/component\/alpha-service\/jira/);
    const first = await shownProgress();
    await expectShownMatchesApi(first);
    const url = page.url();
    const selectionCount = async () => Number(/([\d,]+) issues in this entity's selection/.exec((await page.locator('body').textContent()) ?? '')?.[1].replace(/,/g, '') ?? NaN);
    const countAtOpen = progressAnswers.at(-1)!.total;

    // No reload from here: the tab follows the sync on its own.
    const deadline = Date.now() + 240_000;
    while (!(await liveSync()).lastSuccessAt) {
      if (Date.now() > deadline) throw new Error('the first sync did not finish within 4 minutes');
      await page.waitForTimeout(2000);
    }
    await page.getByTestId('jira-sync-issue-open').first().waitFor({ timeout: 30_000 });
    await page.getByTestId('jira-sync-progress').waitFor({ state: 'detached', timeout: 30_000 });
    expect(page.url()).toBe(url);
    // The list grew as the sync read on, and shows what the API answered last.
    const finalCount = progressAnswers.at(-1)!.total;
    expect(finalCount).toBeGreaterThan(countAtOpen);
    const countDeadline = Date.now() + 10_000;
    while ((await selectionCount()) !== finalCount && Date.now() < countDeadline) await page.waitForTimeout(250);
    expect(await selectionCount()).toBe(finalCount);
    // The charts reloaded with the synced issues: a cumulative flow answer after the list's first answer without progress.
    const ended = progressAnswers.find((answer, i) => i > 0 && !answer.progress && progressAnswers[i - 1].progress)!;
    expect(ended).toBeDefined();
    const issuesIn = (flow: Json) => flow.points.reduce((sum: number, p: Json) => sum + Object.values(p.counts as Record<string, number>).reduce((a, b) => a + b, 0), 0);
    const chartDeadline = Date.now() + 30_000;
    while (!flowAnswers.some(answer => answer.at >= ended.at && issuesIn(answer.flow) > 0)) {
      if (Date.now() > chartDeadline) throw new Error('the cumulative flow never reloaded with the synced issues');
      await page.waitForTimeout(500);
    }
  });
});
