import { TestDatabases } from '@backstage/backend-test-utils';
import { startHarness, type Harness } from '../../test/support/harness';
import { syncDefinition } from '../../test/support/factories';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('SyncEngine on %s', databaseId => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  async function start(simOptions: Parameters<typeof startHarness>[1], now?: () => number) {
    h = await startHarness(await databases.init(databaseId), { seed: 7, ...simOptions }, { now });
    return h;
  }

  it('a first run reads everything, and the database equals Jira field by field, history by history', async () => {
    await start({ projects: 2, issues: 250, historyShape: 'longTail' });
    const sync = syncDefinition({ id: 'all', projects: h.sim.data.projects() });
    const run = await h.engine.run(sync);
    expect(run.outcome).toBe('succeeded');
    expect(run.strategy).toBe('full');
    expect(run.issuesInserted).toBe(250);
    expect(run.historiesWritten).toBe(h.sim.truth().reduce((n, i) => n + i.histories.length, 0));
    expect(await h.differences(sync)).toBe('no differences');
    const runs = await h.store.listRuns('all', 5);
    expect(runs[0]).toMatchObject({ outcome: 'succeeded', issuesInserted: 250 });
  });

  it('incremental runs pick up edits, creations and moves; a no-change run costs one search call', async () => {
    await start({ projects: 3, issues: 120, historyShape: 'small' });
    const [a, b, c] = h.sim.data.projects();
    const sync = syncDefinition({ id: 'ab', projects: [a, b] });
    await h.engine.run(sync);

    const issues = h.sim.data.all().filter(i => i.key.startsWith(`${a}-`));
    h.sim.clock.advance(60_000);
    h.sim.data.updateIssue(issues[0].id, { summary: 'edited once' });
    h.sim.data.updateIssue(issues[1].id, { summary: 'edited twice' });
    h.sim.data.createIssue({ project: b, fields: { summary: 'brand new' } });
    h.sim.data.moveIssue(issues[2].id, b); // moved within scope: same id, new key

    const second = await h.engine.run(sync);
    expect(second.strategy).toBe('incremental');
    expect(second.issuesInserted).toBe(1);
    expect(second.issuesUpdated).toBe(3);
    const inScope = (i: { fields: Record<string, unknown> }) =>
      [a, b].includes((i.fields.project as { key: string }).key);
    expect(await h.differences(sync, { filter: inScope })).toBe('no differences');

    h.sim.clock.advance(60_000);
    h.sim.requestLog.clear();
    const idle = await h.engine.run(sync);
    expect(idle.issuesInserted + idle.issuesUpdated).toBe(0);
    const searchCalls = h.sim.requestLog.entries().filter(e => e.endpoint.includes('search'));
    expect(searchCalls).toHaveLength(1);
    expect(idle.apiCalls).toBe(1);
    void c;
  });

  it('edits in the same minute as the watermark, for a user at UTC+13:45, are not missed', async () => {
    const start0 = Date.UTC(2026, 0, 15, 10, 30, 5, 0);
    await start({ projects: 1, issues: 30, historyShape: 'small', timeZone: 'Pacific/Chatham', clock: { startMs: start0, frozen: true } });
    const sync = syncDefinition({ id: 'tz', projects: h.sim.data.projects(), overlapMs: 0 });
    const [first, second] = h.sim.data.all();
    h.sim.data.updateIssue(first.id, { summary: 'at :05' });
    await h.engine.run(sync);
    // Same wall-clock minute as the watermark, a few seconds later: JQL minute precision must not skip it.
    h.sim.clock.advance(20_000);
    h.sim.data.updateIssue(second.id, { summary: 'at :25, same minute' });
    const run = await h.engine.run(sync);
    expect(run.issuesUpdated).toBeGreaterThanOrEqual(1);
    expect(await h.differences(sync)).toBe('no differences');
  });

  it('an interrupted run resumes from its last committed page and ends equal', async () => {
    await start({ projects: 2, issues: 400, historyShape: 'small' });
    const sync = syncDefinition({ id: 'resume', projects: h.sim.data.projects(), pageSize: 50 });
    const controller = new AbortController();
    let pages = 0;
    const originalWrite = h.store.writePage.bind(h.store);
    jest.spyOn(h.store, 'writePage').mockImplementation(async input => {
      const result = await originalWrite(input);
      if (input.syncId === 'resume' && ++pages === 3) controller.abort();
      return result;
    });
    const aborted = await h.engine.run(sync, { signal: controller.signal });
    expect(aborted.outcome).toBe('aborted');
    expect(aborted.issuesRead).toBe(150);
    const state = await h.store.getState('resume');
    expect(state?.resumePoint).toMatchObject({ mode: 'full' });

    const resumed = await h.engine.run(sync);
    expect(resumed.outcome).toBe('succeeded');
    expect(resumed.strategy).toBe('full (resumed)');
    // It went on from the checkpoint instead of starting over.
    expect(resumed.issuesRead).toBeLessThan(400);
    expect(resumed.issuesInserted).toBe(400 - 150);
    expect(await h.differences(sync)).toBe('no differences');
    expect((await h.store.getState('resume'))?.resumePoint).toBeNull();
  });

  it('a run aborted while a Jira request is in flight (the scheduler timeout) is recorded as aborted', async () => {
    await start({ projects: 1, issues: 20, historyShape: 'small' });
    const sync = syncDefinition({ id: 'timeout', projects: h.sim.data.projects() });
    h.sim.latency.set({ fixedMs: 2000, perIssueMs: 0 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const run = await h.engine.run(sync, { signal: controller.signal });
    expect(run.outcome).toBe('aborted');
    const [row] = await h.knex('jira_sync_runs').where({ sync_id: 'timeout' });
    expect(row.outcome).toBe('aborted');
    expect(row.error).not.toMatch(/Cannot set property/);
  });

  it('reconciliation soft-deletes deleted issues, follows moves out of scope and back, and the guard holds back mass disappearance', async () => {
    await start({ projects: 2, issues: 60, historyShape: 'small' });
    const [a, b] = h.sim.data.projects();
    const sync = syncDefinition({ id: 'only-a', projects: [a], strategy: 'full' });
    await h.engine.run(sync);
    const inA = h.sim.data.all().filter(i => i.key.startsWith(`${a}-`));
    h.sim.data.deleteIssue(inA[0].id);
    const moved = h.sim.data.moveIssue(inA[1].id, b);

    const run = await h.engine.run(sync);
    expect(run.issuesDeleted).toBe(2);
    const rows = await h.knex('jira_sync_issues').whereIn('issue_id', [inA[0].id, inA[1].id]).orderBy('issue_id');
    const byId = new Map(rows.map(r => [String(r.issue_id), r]));
    expect(byId.get(String(inA[0].id))?.deleted_reason).toMatch(/deleted in Jira/);
    expect(byId.get(String(inA[1].id))?.deleted_reason).toMatch(/no longer matches/);
    expect(byId.get(String(inA[1].id))?.issue_key).toBe(moved.key);

    h.sim.clock.advance(60_000);
    h.sim.data.moveIssue(moved.id, a);
    const back = await h.engine.run(sync);
    expect(back.issuesRestored).toBe(1);
    const restored = await h.knex('jira_sync_issues').where('issue_id', inA[1].id).first();
    expect(restored.deleted_ms).toBeNull();

    // Losing access to the project looks like deletion of everything: the guard refuses.
    h.sim.auth.restrictProjects([b]);
    const guarded = await h.engine.run(sync);
    expect(guarded.guard).toMatchObject({ missing: expect.any(Number) });
    expect(guarded.issuesDeleted).toBe(0);
    const deleted = await h.knex('jira_sync_issues').whereNotNull('deleted_ms').count({ n: '*' }).first();
    expect(Number(deleted?.n)).toBe(1);
  });

  it('two syncs with overlapping scopes share rows, and neither deletes what the other still sees', async () => {
    await start({ projects: 2, issues: 40, historyShape: 'small' });
    const [a, b] = h.sim.data.projects();
    const wide = syncDefinition({ id: 'wide', projects: [a, b], strategy: 'full' });
    const narrow = syncDefinition({ id: 'narrow', projects: [a], strategy: 'full' });
    await h.engine.run(wide);
    const second = await h.engine.run(narrow);
    expect(second.issuesInserted).toBe(0);
    const issueA = h.sim.data.all().find(i => i.key.startsWith(`${a}-`))!;
    h.sim.data.moveIssue(issueA.id, b);
    const narrowRun = await h.engine.run(narrow);
    expect(narrowRun.issuesDeleted).toBe(0); // wide still sees it
    const row = await h.knex('jira_sync_issues').where('issue_id', issueA.id).first();
    expect(row.deleted_ms).toBeNull();
    await h.engine.run(wide);
    expect(await h.differences(wide)).toBe('no differences');
  });

  it('a mapping-only spec change is re-projected locally with zero API calls; a new field triggers a backfill', async () => {
    await start({ projects: 1, issues: 50, historyShape: 'small' });
    const catalogue = await h.client.fields();
    const points = catalogue.find(f => f.schema?.custom?.endsWith('jsw-story-points'))!;
    const select = catalogue.find(f => f.schema?.custom?.endsWith(':select'))!;
    const base = syncDefinition({
      id: 'map',
      projects: h.sim.data.projects(),
      fields: [...syncDefinition({ id: 'x' }).fields, points.id, select.id],
      customFields: [{ alias: 'points', fieldId: points.id, type: 'number' }],
    });
    await h.engine.run(base);

    const remapped = { ...base, customFields: [...base.customFields, { alias: 'team', fieldId: select.id, type: 'option' as const }] };
    h.sim.requestLog.clear();
    const callsBefore = h.client.counters().calls;
    await h.engine.reproject(remapped, [
      { alias: 'points', fieldId: points.id, type: 'number' },
      { alias: 'team', fieldId: select.id, type: 'option' },
    ]);
    expect(h.client.counters().calls).toBe(callsBefore);
    expect(h.sim.requestLog.entries()).toHaveLength(0);

    const run = await h.engine.run(remapped);
    const runs = await h.store.listRuns('map', 5);
    expect(runs.map(r => r.strategy)).toContain('reproject');
    const reproject = runs.find(r => r.strategy === 'reproject')!;
    expect(reproject.apiCalls).toBe(0);
    expect(run.strategy).toBe('incremental');
    expect(await h.differences(remapped)).toBe('no differences');

    const sprint = catalogue.find(f => f.schema?.custom?.endsWith('gh-sprint'))!;
    const widened = { ...remapped, customFields: [...remapped.customFields, { alias: 'sprint', fieldId: sprint.id, type: 'sprint' as const }] };
    const backfill = await h.engine.run(widened);
    expect(backfill.strategy).toBe('full');
    expect(await h.differences(widened)).toBe('no differences');
  });

  it('an issue that cannot be transformed goes to the dead letters, the run goes on, and the next run retries it', async () => {
    await start({ projects: 1, issues: 30, historyShape: 'small' });
    const catalogue = await h.client.fields();
    const points = catalogue.find(f => f.schema?.custom?.endsWith('jsw-story-points'))!;
    const sync = syncDefinition({
      id: 'dl',
      projects: h.sim.data.projects(),
      customFields: [{ alias: 'points', fieldId: points.id, type: 'number' }],
    });
    const victim = h.sim.data.all()[3];
    h.sim.data.updateIssue(victim.id, { [points.id]: 'not a number' });
    const run = await h.engine.run(sync);
    expect(run.outcome).toBe('succeeded');
    expect(run.deadLetters).toBe(1);
    expect(run.issuesInserted).toBe(29);
    const letters = await h.store.listDeadLetters('dl');
    expect(letters).toHaveLength(1);
    expect(letters[0].error).toMatch(/points/);

    h.sim.clock.advance(60_000);
    h.sim.data.updateIssue(victim.id, { [points.id]: 5 });
    const next = await h.engine.run(sync);
    expect(next.deadLetters).toBe(0);
    expect(await h.store.listDeadLetters('dl')).toHaveLength(0);
    expect(await h.differences(sync)).toBe('no differences');
  });

  it('a dead letter whose issue left the scope is resolved, not written as in scope: by the retry button and by the next run', async () => {
    await start({ projects: 2, issues: 40, historyShape: 'small' });
    const [a, b] = h.sim.data.projects();
    const points = (await h.client.fields()).find(f => f.schema?.custom?.endsWith('jsw-story-points'))!;
    const sync = syncDefinition({
      id: 'scoped',
      projects: [a],
      jql: 'status != "Done"',
      customFields: [{ alias: 'points', fieldId: points.id, type: 'number' }],
    });
    const open = h.sim.data.all().filter(i => i.key.startsWith(`${a}-`) && (i.fields.status as { name: string }).name !== 'Done');
    const [moved, closed] = open;
    for (const victim of [moved, closed]) h.sim.data.updateIssue(victim.id, { [points.id]: 'not a number' });
    const first = await h.engine.run(sync);
    expect(first.deadLetters).toBe(2);

    // Fixed in Jira, but moved to a project the sync does not cover: the retry button must not claim it.
    h.sim.clock.advance(60_000);
    h.sim.data.updateIssue(moved.id, { [points.id]: 3 });
    h.sim.data.moveIssue(moved.id, b);
    expect(await h.engine.retryDeadLetter(sync, moved.id)).toEqual({ outcome: 'out-of-scope' });
    // Fixed, but closed: the sync's JQL no longer matches it, which only Jira can tell.
    h.sim.data.updateIssue(closed.id, { [points.id]: 4, status: 'Done' });
    const next = await h.engine.run({ ...sync, reconcileEveryMs: 60 * 60_000 });
    expect(next.outcome).toBe('succeeded');

    const scope = new Set(await h.store.scopeIssueIds('scoped', 'sim'));
    expect([scope.has(moved.id), scope.has(closed.id)]).toEqual([false, false]);
    expect(await h.store.listDeadLetters('scoped')).toEqual([]);
    expect(await h.store.listDeadLetters('scoped', { includeResolved: true })).toHaveLength(2);
    expect(await h.differences(sync, { filter: i => (i.fields.project as { key: string }).key === a && (i.fields.status as { name: string }).name !== 'Done' })).toBe('no differences');
  });
});
