import { startJiraSimulator, type JiraSimulator } from '../../dev/simulator';
import { formatJqlDate } from './time';
import { simClient } from './simTestSupport';

async function idsMatching(sim: JiraSimulator, client: ReturnType<typeof simClient>['client'], bound: string) {
  const ids: string[] = [];
  for await (const batch of client.searchIds({ jql: `project in (${sim.data.projects().join(', ')}) AND updated >= "${bound}"` })) ids.push(...batch);
  return ids.sort();
}

describe('JQL date bounds in the searching user’s time zone', () => {
  let sim: JiraSimulator;
  afterEach(async () => sim?.close());

  it.each([
    ['Pacific/Kiritimati (UTC+14)', 'Pacific/Kiritimati', Date.UTC(2026, 0, 15, 10, 30, 5), 20_000],
    ['America/St_Johns (UTC−3:30)', 'America/St_Johns', Date.UTC(2026, 0, 15, 10, 30, 5), 20_000],
    ['Pacific/Chatham (UTC+13:45)', 'Pacific/Chatham', Date.UTC(2026, 0, 15, 10, 30, 5), 20_000],
    // 2026-03-08 02:00 EST becomes 03:00 EDT at 07:00Z: the second edit lands after the jump.
    ['America/New_York across spring-forward', 'America/New_York', Date.UTC(2026, 2, 8, 6, 59, 30), 40_000],
    // 2026-11-01 01:30 happens twice; the watermark is in the first pass (EDT).
    ['America/New_York inside the fall-back fold', 'America/New_York', Date.UTC(2026, 10, 1, 5, 30, 5), 20_000],
  ])('%s: no change at or after the watermark is missed', async (_label, timeZone, watermark, step) => {
    sim = await startJiraSimulator({ seed: 51, projects: 1, issues: 40, historyShape: 'small', timeZone, clock: { startMs: watermark, frozen: true } });
    const { client } = simClient(sim);
    const [a, b] = sim.data.all();
    // Same wall-clock minute as the watermark, then a bit later.
    sim.clock.advance(step);
    sim.data.updateIssue(a.id, { summary: 'edited just after the watermark' });
    sim.clock.advance(step);
    sim.data.updateIssue(b.id, { summary: 'edited a little later' });

    expect(await client.timeZone()).toBe(timeZone);
    const bound = await client.jqlDateAtOrBefore(watermark);
    const found = await idsMatching(sim, client, bound);
    const changedSince = sim.truth().filter(t => Date.parse(new Date(t.fields.updated as string).toISOString()) >= watermark).map(t => t.id);
    expect(changedSince.sort()).toEqual([a.id, b.id].sort());
    for (const id of changedSince) expect(found).toContain(id);
  });

  it('shows the trap it avoids: a UTC watermark rendered as a local JQL date misses changes west of UTC', async () => {
    const watermark = Date.UTC(2026, 0, 15, 10, 30, 5);
    sim = await startJiraSimulator({ seed: 52, projects: 1, issues: 40, historyShape: 'small', timeZone: 'America/St_Johns', clock: { startMs: watermark, frozen: true } });
    const { client } = simClient(sim);
    const [a] = sim.data.all();
    sim.clock.advance(60 * 60_000);
    sim.data.updateIssue(a.id, { summary: 'an hour later' });
    expect(await idsMatching(sim, client, formatJqlDate(watermark, 'UTC'))).not.toContain(a.id);
    expect(await idsMatching(sim, client, await client.jqlDateAtOrBefore(watermark))).toContain(a.id);
  });

  it('picks up a changed user time zone at the next run', async () => {
    sim = await startJiraSimulator({ seed: 53, projects: 1, issues: 5, historyShape: 'small' });
    const { client } = simClient(sim, {}, { catalogueTtlMs: 0 });
    expect(await client.timeZone()).toBe('America/Los_Angeles');
    sim.data.setUserTimeZone('Pacific/Kiritimati');
    expect(await client.timeZone()).toBe('America/Los_Angeles'); // cached within the run
    client.beginRun();
    expect(await client.timeZone()).toBe('Pacific/Kiritimati');
  });
});
