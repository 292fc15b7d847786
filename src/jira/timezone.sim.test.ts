import { startJiraSimulator, type JiraSimulator } from '../../dev/simulator';
import { formatJqlDate, jqlEpochMinute } from './time';
import { simClient } from './simTestSupport';

async function idsMatching(sim: JiraSimulator, client: ReturnType<typeof simClient>['client'], bound: string) {
  const ids: string[] = [];
  for await (const batch of client.searchIds({ jql: `project in (${sim.data.projects().join(', ')}) AND updated >= ${bound}` })) ids.push(...batch);
  return ids.sort();
}

describe('JQL date bounds, whatever the searching user’s time zone', () => {
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
  ])('%s: an epoch-ms bound misses no change at or after the watermark', async (_label, timeZone, watermark, step) => {
    sim = await startJiraSimulator({ seed: 51, projects: 1, issues: 40, historyShape: 'small', timeZone, clock: { startMs: watermark, frozen: true } });
    const { client } = simClient(sim);
    const [a, b] = sim.data.all();
    // Same wall-clock minute as the watermark, then a bit later.
    sim.clock.advance(step);
    sim.data.updateIssue(a.id, { summary: 'edited just after the watermark' });
    sim.clock.advance(step);
    sim.data.updateIssue(b.id, { summary: 'edited a little later' });

    const found = await idsMatching(sim, client, jqlEpochMinute(watermark));
    const changedSince = sim.truth().filter(t => Date.parse(new Date(t.fields.updated as string).toISOString()) >= watermark).map(t => t.id);
    expect(changedSince.sort()).toEqual([a.id, b.id].sort());
    expect(found).toEqual(changedSince);
  });

  it('reads the same bound the same after the account’s zone moves from UTC+13:45 to UTC−3:30 and back', async () => {
    const watermark = Date.UTC(2026, 0, 15, 10, 30, 5);
    sim = await startJiraSimulator({ seed: 54, projects: 1, issues: 40, historyShape: 'small', timeZone: 'Pacific/Chatham', clock: { startMs: watermark, frozen: true } });
    const { client } = simClient(sim);
    const [a] = sim.data.all();
    sim.clock.advance(30_000);
    sim.data.updateIssue(a.id, { summary: 'in the watermark minute' });
    const bound = jqlEpochMinute(watermark);
    const inChatham = await idsMatching(sim, client, bound);
    sim.data.setUserTimeZone('America/St_Johns');
    expect(await idsMatching(sim, client, bound)).toEqual(inChatham);
    sim.data.setUserTimeZone('Pacific/Chatham');
    expect(await idsMatching(sim, client, bound)).toEqual(inChatham);
    expect(inChatham).toEqual([a.id]);
  });

  it('shows the traps it avoids: a UTC or a stale zone’s local JQL date misses changes', async () => {
    const watermark = Date.UTC(2026, 0, 15, 10, 30, 5);
    sim = await startJiraSimulator({ seed: 52, projects: 1, issues: 40, historyShape: 'small', timeZone: 'America/St_Johns', clock: { startMs: watermark, frozen: true } });
    const { client } = simClient(sim);
    const [a] = sim.data.all();
    sim.clock.advance(60 * 60_000);
    sim.data.updateIssue(a.id, { summary: 'an hour later' });
    expect(await idsMatching(sim, client, `"${formatJqlDate(watermark, 'UTC')}"`)).not.toContain(a.id);
    // Rendered in the zone the account had before it moved west: 17¼ hours late.
    expect(await idsMatching(sim, client, `"${formatJqlDate(watermark, 'Pacific/Chatham')}"`)).not.toContain(a.id);
    expect(await idsMatching(sim, client, jqlEpochMinute(watermark))).toContain(a.id);
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
