import { TestDatabases } from '@backstage/backend-test-utils';
import { startHarness, type Harness } from '../../test/support/harness';
import { syncDefinition } from '../../test/support/factories';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/** Stored user ids of every issue: assignee, reporter, the reviewer custom field, history authors. */
async function storedUserIds(h: Harness) {
  const issues = await h.knex('jira_sync_issues').select('issue_id', 'assignee_account_id', 'reporter_account_id', 'custom_fields').orderBy('issue_id');
  const authors = await h.knex('jira_sync_histories').select('issue_id', 'history_id', 'author_account_id').orderBy(['issue_id', 'history_id']);
  return {
    issues: issues.map(row => ({
      issueId: String(row.issue_id),
      assignee: row.assignee_account_id,
      reporter: row.reporter_account_id,
      reviewer: (JSON.parse(row.custom_fields).reviewer as { accountId: string } | null)?.accountId ?? null,
    })),
    authors: authors.map(row => `${row.issue_id}/${row.history_id}:${row.author_account_id}`),
  };
}

/**
 * Payloads as real Jira sends them, end to end through the simulator, the client, the engine and
 * the store: epoch-millisecond history times (Atlassian's bulkfetch example), Data Center's Sprint
 * field (strings of legacy `Sprint@…[…]` values) and Data Center users renamed between runs.
 */
describe.each(databases.eachSupportedId())('real Jira payloads on %s', databaseId => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  async function start(simOptions: Parameters<typeof startHarness>[1]) {
    h = await startHarness(await databases.init(databaseId), { seed: 16, projects: 2, historyShape: 'longTail', ...simOptions });
    return h;
  }

  it('Cloud: histories whose created is epoch ms in changelog/bulkfetch are stored at their time, none dead-lettered', async () => {
    await start({ issues: 150, epochHistoryTimes: true });
    const sync = syncDefinition({ id: 'cloud', projects: h.sim.data.projects() });
    const run = await h.engine.run(sync);
    expect(h.sim.requestLog.entries().filter(e => e.endpoint.includes('changelog/bulkfetch')).length).toBeGreaterThan(0);
    expect(run).toMatchObject({ outcome: 'succeeded', deadLetters: 0, issuesInserted: 150 });
    expect(run.historiesWritten).toBe(h.sim.truth().reduce((n, i) => n + i.histories.length, 0));
    expect(await h.differences(sync)).toBe('no differences');
    // The stored times are the simulator's, in order: never a made-up 0.
    const zero = await h.knex('jira_sync_histories').where('created_ms', '<=', 0).count({ n: '*' });
    expect(Number(zero[0].n)).toBe(0);
  });

  it('Data Center: the README Sprint recipe syncs legacy sprint strings, with epoch-ms changelog times', async () => {
    await start({ issues: 120, deployment: 'datacenter', epochHistoryTimes: true });
    const fields = await h.client.fields();
    expect(fields.find(f => f.name === 'Sprint')?.schema).toMatchObject({ type: 'array', items: 'string', custom: 'com.pyxis.greenhopper.jira:gh-sprint' });
    const sync = syncDefinition({ id: 'dc', projects: h.sim.data.projects(), customFields: [{ alias: 'sprint', fieldName: 'Sprint', type: 'sprint' }] });
    const run = await h.engine.run(sync);
    expect(run).toMatchObject({ outcome: 'succeeded', deadLetters: 0, issuesInserted: 120 });
    expect(await h.differences(sync)).toBe('no differences');

    const withSprint = h.sim.data.all().find(i => Array.isArray(i.fields.customfield_10020) && (i.fields.customfield_10020 as unknown[]).length > 0)!;
    expect((withSprint.fields.customfield_10020 as string[])[0]).toMatch(/^com\.atlassian\.greenhopper\.service\.sprint\.Sprint@[0-9a-f]+\[id=\d+,rapidViewId=7,/);
    const row = await h.knex('jira_sync_issues').where({ issue_id: withSprint.id }).first();
    const stored = JSON.parse(row.custom_fields).sprint as Array<Record<string, unknown>>;
    expect(stored.length).toBe((withSprint.fields.customfield_10020 as string[]).length);
    for (const sprint of stored) {
      expect(sprint).toMatchObject({ id: expect.any(Number), name: `Sprint ${(sprint.id as number) - 99}`, boardId: 7, state: expect.stringMatching(/^(closed|active|future)$/) });
      expect(sprint.startDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
  });

  it('Data Center: users renamed between runs keep their stored ids (the key), in every column and history author', async () => {
    await start({ issues: 80, deployment: 'datacenter', historyShape: 'small' });
    const customFields = [{ alias: 'reviewer', fieldName: 'Reviewer', type: 'user' as const }];
    const incremental = syncDefinition({ id: 'dc-inc', projects: h.sim.data.projects(), customFields });
    const full = syncDefinition({ id: 'dc-full', projects: h.sim.data.projects(), customFields, strategy: 'full' });
    expect((await h.engine.run(incremental)).outcome).toBe('succeeded');
    const before = await storedUserIds(h);

    const reviewed = h.sim.data.all().find(i => (i.fields.customfield_10006 as { name?: string } | null)?.name === 'user0')!;
    expect(reviewed).toBeDefined();
    const { key } = h.sim.data.renameUser('user0', 'ann.renamed');
    for (let n = 1; n < 12; n++) h.sim.data.renameUser(`user${n}`, `user${n}.renamed`);
    // Jira now names the user differently; its key is what was stored.
    expect(h.sim.data.get(reviewed.id)!.fields.customfield_10006).toMatchObject({ name: 'ann.renamed', key });
    expect(before.issues.find(i => i.issueId === reviewed.id)!.reviewer).toBe(key);

    h.sim.clock.advance(60_000);
    h.sim.data.updateIssue(reviewed.id, { summary: 'read again after the rename' });
    const second = await h.engine.run(incremental);
    expect(second).toMatchObject({ outcome: 'succeeded', issuesUpdated: 1 });
    expect(await h.engine.run(full)).toMatchObject({ outcome: 'succeeded', deadLetters: 0 });

    const after = await storedUserIds(h);
    expect(after.issues).toEqual(before.issues);
    // The one new history (the edit) is by the searching user; every earlier author is unchanged.
    expect(after.authors.filter(a => !a.startsWith(`${reviewed.id}/`))).toEqual(before.authors.filter(a => !a.startsWith(`${reviewed.id}/`)));
    expect(after.authors.filter(a => a.startsWith(`${reviewed.id}/`)).slice(0, -1)).toEqual(before.authors.filter(a => a.startsWith(`${reviewed.id}/`)));
    const ids = [...after.issues.flatMap(i => [i.assignee, i.reporter, i.reviewer]), ...after.authors.map(a => a.split(':')[1])].filter(Boolean);
    expect(ids.length).toBeGreaterThan(100);
    expect(ids.every(id => /^JIRAUSER\d+$/.test(id))).toBe(true);
    expect(await h.differences(full)).toBe('no differences');
  });
});
