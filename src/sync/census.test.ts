import { TestDatabases } from '@backstage/backend-test-utils';
import { startHarness, type Harness } from '../../test/support/harness';
import { syncDefinition } from '../../test/support/factories';
import { syncAlertConditions } from '../ops/alertConditions';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const MINUTE = 60_000;

describe.each(databases.eachSupportedId())('the census and the deletion guard on %s', databaseId => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  async function start(simOptions: Parameters<typeof startHarness>[1]) {
    h = await startHarness(await databases.init(databaseId), { seed: 21, clock: { frozen: true }, ...simOptions });
    return h;
  }
  const row = (id: string) => h.knex('jira_sync_issues').where({ instance: 'sim', issue_id: id }).first();

  it('writes what Jira has in scope and the copy lacks: an issue every incremental window missed is stored after the census', async () => {
    await start({ projects: 2, issues: 40, historyShape: 'small' });
    const [a, b] = h.sim.data.projects();
    const sync = syncDefinition({ id: 'both-ways', projects: [a, b], overlapMs: MINUTE });
    await h.engine.run(sync);

    // Indexed half an hour late: the next window has moved past it by then.
    h.sim.clock.advance(MINUTE);
    const late = h.sim.data.createIssue({ project: a, fields: { summary: 'indexed late' }, indexDelayMs: 30 * MINUTE });
    h.sim.clock.advance(5 * MINUTE);
    const edited = h.sim.data.all().find(i => i.key.startsWith(`${b}-`))!;
    h.sim.data.updateIssue(edited.id, { summary: 'moves the watermark' });
    h.sim.clock.advance(MINUTE);
    expect((await h.engine.run(sync)).issuesUpdated).toBe(1);
    h.sim.clock.advance(31 * MINUTE);
    const window = await h.engine.run(sync);
    expect(window.strategy).toBe('incremental');
    expect(window.issuesInserted).toBe(0);
    expect(await row(late.id)).toBeUndefined();

    // A soft-deleted row Jira still has in scope is restored by the same census.
    const wronglyDeleted = h.sim.data.all().find(i => i.key.startsWith(`${a}-`) && i.id !== late.id)!;
    await h.store.softDeleteIssue({ instance: 'sim', issueId: wronglyDeleted.id, reason: 'test: lost in a race', nowMs: Date.now() });

    const census = await h.engine.run({ ...sync, reconcileEveryMs: 0 });
    expect(census.outcome).toBe('succeeded');
    expect(census.census).toEqual({ absent: 2, written: 2 });
    expect(census.issuesInserted).toBe(1);
    expect(census.issuesRestored).toBe(1);
    expect(census.issuesDeleted).toBe(0);
    expect((await row(late.id)).summary).toBe('indexed late');
    expect((await row(wronglyDeleted.id)).deleted_ms).toBeNull();
    const [recorded] = await h.store.listRuns('both-ways', 1);
    expect(recorded.details).toMatchObject({ census: { absent: 2, written: 2 } });
    // Stored equals Jira both ways: nothing missing, nothing extra, field by field.
    expect(await h.differences(sync)).toBe('no differences');

    const again = await h.engine.run({ ...sync, reconcileEveryMs: 0 });
    expect(again.census).toBeUndefined();
    expect(again.issuesInserted + again.issuesUpdated).toBe(0);
  });

  it('holds back half of one project vanishing inside a three-project sync, reconciles the others, and alerts', async () => {
    await start({ projects: 3, issues: 90, historyShape: 'small' });
    const [a, b, c] = h.sim.data.projects();
    const sync = syncDefinition({ id: 'three', projects: [a, b, c], strategy: 'full' });
    expect((await h.engine.run(sync)).issuesInserted).toBe(90);

    const inProject = (p: string) => h.sim.data.all().filter(i => i.key.startsWith(`${p}-`));
    const storedInC = inProject(c).length;
    // Half of C disappears (lost permission, an archived board): under 20% of the sync, half of C.
    const vanished = inProject(c).filter(i => !i.fields.parent).slice(0, Math.ceil(storedInC / 2));
    for (const issue of vanished) if (h.sim.data.get(issue.id)) h.sim.data.deleteIssue(issue.id);
    const missingInC = storedInC - inProject(c).length;
    expect(missingInC).toBeGreaterThanOrEqual(storedInC / 2);
    expect(missingInC).toBeLessThan(0.2 * 90);
    // One real deletion elsewhere is still applied.
    const deletedInA = inProject(a).find(i => !i.fields.parent && !inProject(a).some(s => (s.fields.parent as { id?: string } | null)?.id === i.id))!;
    h.sim.data.deleteIssue(deletedInA.id);

    const run = await h.engine.run(sync);
    expect(run.outcome).toBe('succeeded');
    expect(run.issuesDeleted).toBe(1);
    expect(run.guard).toEqual({
      stored: storedInC,
      missing: missingInC,
      maxDeleteShare: 0.2,
      projects: [
        { project: a, stored: 30, missing: 1, held: false },
        { project: c, stored: storedInC, missing: missingInC, held: true },
      ],
    });
    expect((await row(deletedInA.id)).deleted_reason).toBe('deleted in Jira (not found)');
    const deletedInC = await h.knex('jira_sync_issues').where({ instance: 'sim', project_key: c }).whereNotNull('deleted_ms');
    expect(deletedInC).toHaveLength(0);

    const conditions = syncAlertConditions({
      syncId: 'three',
      nowMs: Date.now(),
      runs: await h.store.listRuns('three', 20),
      state: await h.store.getState('three'),
      staleAfterMs: null,
      failuresInARow: 3,
      slowRun: { factor: 3, minimumMs: 60_000 },
      credentialsRejected: null,
      latestCheck: undefined,
    });
    const alert = conditions.find(x => x.kind === 'deletion-guard');
    expect(alert?.title).toBe(`Jira sync "three": the deletion guard held back ${missingInC} of ${storedInC} issues in ${c}`);
    expect(alert?.description).toContain(`${c}: ${missingInC} of ${storedInC}`);
    void b;
  });
});
