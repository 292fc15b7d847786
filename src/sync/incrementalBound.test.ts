import { TestDatabases } from '@backstage/backend-test-utils';
import { startHarness, type Harness } from '../../test/support/harness';
import { syncDefinition } from '../../test/support/factories';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const MINUTE = 60_000;

/**
 * Where an incremental sweep starts: epoch-ms bounds (no time zone to get wrong), anchored to
 * Jira's clock at the previous sweep's first search less the overlap.
 */
describe.each(databases.eachSupportedId())('incremental bounds on %s', databaseId => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  const projectOf = (i: { fields: Record<string, unknown> }) => (i.fields.project as { key: string }).key;

  it.each([
    ['UTC+13:45 to UTC−3:30', 'Pacific/Chatham', 'America/St_Johns', Date.UTC(2026, 0, 15, 10, 30, 5), 20_000],
    ['UTC−3:30 to UTC+13:45', 'America/St_Johns', 'Pacific/Chatham', Date.UTC(2026, 0, 15, 10, 30, 5), 20_000],
    // New York springs forward at 07:00Z between the two runs, and the account moves there from Chatham.
    ['UTC+13:45 to New York across its DST change', 'Pacific/Chatham', 'America/New_York', Date.UTC(2026, 2, 8, 6, 59, 30), 40_000],
  ])('after the account moves %s, the very next run reads every change since the watermark', async (_label, from, to, startMs, step) => {
    h = await startHarness(await databases.init(databaseId), {
      seed: 61, projects: 3, issues: 60, historyShape: 'small', timeZone: from, clock: { startMs, frozen: true },
    });
    const [a, b, c] = h.sim.data.projects();
    const sync = syncDefinition({ id: 'tz-move', projects: [a, b] });
    // An edit right at the start puts the watermark in the current minute.
    h.sim.data.updateIssue(h.sim.data.all().find(i => projectOf(i) === b)!.id, { summary: 'edited before the first run' });
    expect((await h.engine.run(sync)).strategy).toBe('full');
    expect(await h.client.timeZone()).toBe(from);

    h.sim.data.setUserTimeZone(to);
    h.sim.clock.advance(step);
    const inA = h.sim.data.all().filter(i => projectOf(i) === a);
    const inC = h.sim.data.all().filter(i => projectOf(i) === c);
    h.sim.data.updateIssue(inA[0].id, { summary: 'edited in the watermark minute' });
    const created = h.sim.data.createIssue({ project: b, fields: { summary: 'new after the move' } });
    const movedIn = h.sim.data.moveIssue(inC[0].id, a);

    const next = await h.engine.run(sync);
    expect(next).toMatchObject({ strategy: 'incremental', outcome: 'succeeded', issuesInserted: 2 });
    const row = (id: string) => h.knex('jira_sync_issues').where({ instance: 'sim', issue_id: id }).first();
    expect((await row(inA[0].id)).summary).toBe('edited in the watermark minute');
    expect((await row(created.id)).summary).toBe('new after the move');
    expect((await row(movedIn.id)).issue_key).toBe(movedIn.key);
    expect(await h.differences(sync, { filter: i => [a, b].includes(projectOf(i)) })).toBe('no differences');
  });

  it('re-reads an edit only while it is within the overlap before a sweep’s start: a quiet run costs one call', async () => {
    const t0 = Date.UTC(2026, 4, 4, 12, 0, 30);
    h = await startHarness(await databases.init(databaseId), { seed: 62, projects: 1, issues: 80, historyShape: 'small', clock: { startMs: t0, frozen: true } });
    const sync = syncDefinition({ id: 'quiet', projects: h.sim.data.projects() });
    await h.engine.run(sync);

    h.sim.clock.advance(MINUTE);
    const [edited] = h.sim.data.all();
    h.sim.data.updateIssue(edited.id, { summary: 'edited once' });
    expect(await h.engine.run(sync)).toMatchObject({ issuesRead: 1, issuesUpdated: 1 });

    // 11 minutes on: the edit is still within the overlap before the previous sweep's start.
    h.sim.clock.advance(11 * MINUTE);
    expect(await h.engine.run(sync)).toMatchObject({ issuesRead: 1, issuesUpdated: 0, issuesUnchanged: 1 });

    // Another 11: the previous sweep started more than the overlap after the edit, so nothing is read again.
    h.sim.clock.advance(11 * MINUTE);
    h.sim.requestLog.clear();
    const quiet = await h.engine.run(sync);
    expect(quiet).toMatchObject({ issuesRead: 0, apiCalls: 1 });
    expect(h.sim.requestLog.entries().map(e => e.endpoint)).toEqual(['POST /rest/api/3/search/jql']);
    const state = await h.store.getState('quiet');
    // The anchor is Jira's clock at the sweep's search (the simulator's frozen clock), never later.
    expect(state?.lastSweepJiraStartMs).toBeLessThanOrEqual(h.sim.clock.now());
    expect(state?.lastSweepJiraStartMs).toBeGreaterThan(h.sim.clock.now() - 5_000);
    expect(await h.differences(sync)).toBe('no differences');
  });

  it('an edit the search index had not shown to one sweep is read by the next, also when the engine’s clock is an hour off', async () => {
    const t0 = Date.UTC(2026, 4, 4, 12, 0, 0);
    h = await startHarness(
      await databases.init(databaseId),
      { seed: 63, projects: 1, issues: 40, historyShape: 'small', clock: { startMs: t0, frozen: true } },
      { now: () => Date.now() + 3600_000 },
    );
    const sync = syncDefinition({ id: 'lag', projects: h.sim.data.projects() });
    await h.engine.run(sync);
    h.sim.faults.set({ searchIndexLagMs: 4 * MINUTE });

    h.sim.clock.advance(MINUTE);
    const [late] = h.sim.data.all();
    h.sim.data.updateIssue(late.id, { summary: 'indexed late' });
    h.sim.clock.advance(MINUTE);
    // Not yet in the index: this sweep cannot see it.
    expect(await h.engine.run(sync)).toMatchObject({ issuesRead: 0 });

    h.sim.clock.advance(5 * MINUTE);
    expect(await h.engine.run(sync)).toMatchObject({ issuesRead: 1, issuesUpdated: 1 });
    expect(await h.differences(sync)).toBe('no differences');
  });
});
