import { TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { ANALYZE_FIRST_AFTER_HISTORIES, KnexSyncStore } from './KnexSyncStore';
import { KnexOAuthTokenStore } from './KnexOAuthTokenStore';
import { BASE_MS, HOUR, history, link, snapshot, storeDatabase, version } from './testFixtures';
import type { RunCounters } from './types';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const ALL_TABLES: Array<[string, string[]]> = [
  ['jira_sync_issues', ['instance', 'issue_id']],
  ['jira_sync_histories', ['instance', 'history_id']],
  ['jira_sync_history_items', ['instance', 'history_id', 'item_index']],
  ['jira_sync_issue_links', ['instance', 'issue_id', 'link_id']],
  ['jira_sync_issue_scopes', ['sync_id', 'instance', 'issue_id']],
  ['jira_sync_sync_state', ['sync_id']],
];

async function everything(knex: Knex) {
  const out: Record<string, unknown> = {};
  for (const [table, order] of ALL_TABLES) out[table] = await snapshot(knex, table, order);
  return out;
}

const NOW = BASE_MS + 100 * HOUR;

describe.each(databases.eachSupportedId())('KnexSyncStore on %p', databaseId => {
  async function setup() {
    const knex = await databases.init(databaseId);
    return { knex, store: await KnexSyncStore.create(storeDatabase(knex)) };
  }

  it('counts inserted, updated, unchanged and stale versions', async () => {
    const { knex, store } = await setup();
    const first = await store.writePage({
      syncId: 's1',
      instance: 'cloud',
      versions: [version(1), version(2), version(3)],
      nowMs: NOW,
    });
    expect(first).toEqual({ inserted: 3, updated: 0, unchanged: 0, stale: 0, restored: 0, historiesWritten: 0 });

    const second = await store.writePage({
      syncId: 's1',
      instance: 'cloud',
      versions: [
        version(1),
        version(2, { updatedMs: BASE_MS + 2 * HOUR, status: 'Done', statusCategory: 'done' }),
        version(3, { updatedMs: BASE_MS, summary: 'older' }),
        version(4),
      ],
      nowMs: NOW + 1,
    });
    expect(second).toEqual({ inserted: 1, updated: 1, unchanged: 1, stale: 1, restored: 0, historiesWritten: 0 });

    const rows = await knex('jira_sync_issues').orderBy('issue_id');
    expect(rows.map(r => [String(r.issue_id), r.status, r.summary])).toEqual([
      ['1', 'To Do', 'Issue 1'],
      ['2', 'Done', 'Issue 2'],
      ['3', 'To Do', 'Issue 3'],
      ['4', 'To Do', 'Issue 4'],
    ]);
    // An update keeps when the issue was first synced and records when it was last written.
    const two = rows.find(r => String(r.issue_id) === '2');
    expect(Number(two.first_synced_ms)).toBe(NOW);
    expect(Number(two.synced_ms)).toBe(NOW + 1);
    const one = rows.find(r => String(r.issue_id) === '1');
    expect(Number(one.synced_ms)).toBe(NOW);
  });

  it('applying the same page twice changes nothing the second time', async () => {
    const { knex, store } = await setup();
    const page = [
      version(1, {}, [history(11), history(12)], [link(100, 2)]),
      version(2, { labels: ['a'] }, [history(21)], [link(100, 1, 'inward')]),
    ];
    const state = { syncId: 's1', instance: 'cloud', watermarkMs: BASE_MS + HOUR, resumePoint: { at: 1 } };
    const first = await store.writePage({ syncId: 's1', instance: 'cloud', versions: page, state, nowMs: NOW });
    expect(first).toMatchObject({ inserted: 2, historiesWritten: 3 });
    const before = await everything(knex);

    const again = await store.writePage({ syncId: 's1', instance: 'cloud', versions: page, state, nowMs: NOW });
    expect(again).toEqual({ inserted: 0, updated: 0, unchanged: 2, stale: 0, restored: 0, historiesWritten: 0 });
    expect(await everything(knex)).toEqual(before);
  });

  it('an older version after a newer one changes nothing, yet its histories are kept', async () => {
    const { knex, store } = await setup();
    const newer = version(1, { updatedMs: BASE_MS + 3 * HOUR, status: 'Done' }, [history(11), history(12)]);
    await store.writePage({ syncId: 's1', instance: 'cloud', versions: [newer], nowMs: NOW });
    const before = await snapshot(knex, 'jira_sync_issues', ['issue_id']);

    const older = version(1, { updatedMs: BASE_MS + 2 * HOUR, status: 'In Progress' }, [history(11)]);
    const result = await store.writePage({ syncId: 's1', instance: 'cloud', versions: [older], nowMs: NOW + 5 });
    expect(result).toEqual({ inserted: 0, updated: 0, unchanged: 0, stale: 1, restored: 0, historiesWritten: 0 });
    expect(await snapshot(knex, 'jira_sync_issues', ['issue_id'])).toEqual(before);

    // A stale version carrying a history the store lacks (Jira's changelog is append-only) adds it.
    const staleWithGap = version(1, { updatedMs: BASE_MS + HOUR }, [history(9, [{ field: 'priority', from: 'Low', to: 'High' }])]);
    const gap = await store.writePage({ syncId: 's1', instance: 'cloud', versions: [staleWithGap], nowMs: NOW + 6 });
    expect(gap).toMatchObject({ stale: 1, historiesWritten: 1 });
    const row = await knex('jira_sync_issues').first();
    expect(row.status).toBe('Done');
    expect(Number(row.history_count)).toBe(3);
    expect(String(row.last_history_id)).toBe('12');
  });

  it('decides equal update times by history count and last history id', async () => {
    const { knex, store } = await setup();
    const at = BASE_MS + 2 * HOUR;
    await store.writePage({ syncId: 's1', instance: 'cloud', versions: [version(1, { updatedMs: at }, [history(11), history(12)])], nowMs: NOW });

    // Same time, fewer histories known: older.
    const fewer = await store.writePage({
      syncId: 's1',
      instance: 'cloud',
      versions: [version(1, { updatedMs: at, summary: 'x' }, [history(11)])],
      nowMs: NOW,
    });
    expect(fewer.stale).toBe(1);

    // Same time, only new histories fetched and none there (last id unknown), more raw fields: applied.
    const refetched = version(1, { updatedMs: at, rawFields: { summary: 'Issue 1', customfield_1: 5 }, historyCount: 2, lastHistoryId: null });
    const applied = await store.writePage({ syncId: 's1', instance: 'cloud', versions: [refetched], nowMs: NOW });
    expect(applied.updated).toBe(1);
    const row = await knex('jira_sync_issues').first();
    expect(JSON.parse(row.raw_fields)).toEqual({ summary: 'Issue 1', customfield_1: 5 });
    expect(Number(row.history_count)).toBe(2);
    expect(String(row.last_history_id)).toBe('12');
  });

  it('lets the newer version win when an older writer commits last', async () => {
    const { knex, store } = await setup();
    const older = version(1, { updatedMs: BASE_MS + 2 * HOUR, status: 'In Progress' }, [history(10)]);
    const newer = version(1, { updatedMs: BASE_MS + 5 * HOUR, status: 'Done' }, [history(11)]);
    if (databaseId === 'POSTGRES_15') {
      // Hold history 10 in an open transaction so the older writer stalls after its lookup.
      const blocker = await knex.transaction();
      await blocker('jira_sync_histories').insert({ instance: 'cloud', history_id: '10', issue_id: '1', created_ms: 1, created_raw: 'x' });
      const olderWrite = store.writePage({ syncId: 'a', instance: 'cloud', versions: [older], nowMs: NOW });
      for (let i = 0; i < 100; i++) {
        const { rows } = await knex.raw("select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'");
        if (Number(rows[0].n) > 0) break;
        await new Promise(r => setTimeout(r, 20));
      }
      await store.writePage({ syncId: 'b', instance: 'cloud', versions: [newer], nowMs: NOW });
      await blocker.rollback();
      await olderWrite;
    } else {
      // One SQLite connection serialises writers: the older page simply comes second.
      await Promise.all([
        store.writePage({ syncId: 'b', instance: 'cloud', versions: [newer], nowMs: NOW }),
        store.writePage({ syncId: 'a', instance: 'cloud', versions: [older], nowMs: NOW }),
      ]);
    }
    const row = await knex('jira_sync_issues').first();
    expect([row.status, Number(row.updated_ms)]).toEqual(['Done', BASE_MS + 5 * HOUR]);
    // Both writers' histories are kept.
    expect((await knex('jira_sync_histories').orderBy('history_id')).map(h => String(h.history_id))).toEqual(['10', '11']);
  });

  describe('two writers racing on one issue', () => {
    const t = (hours: number) => BASE_MS + hours * HOUR;
    /** Issue 1 as ABC-1 with a link to 3; issue 2 links to it. */
    async function stored() {
      const ctx = await setup();
      await ctx.store.writePage({
        syncId: 's1', instance: 'cloud', nowMs: NOW,
        versions: [version(1, { updatedMs: t(1) }, [], [link(100, 3)]), version(2, { updatedMs: t(1) }, [], [link(200, 1)])],
      });
      await ctx.store.saveState({ syncId: 'hold', instance: 'cloud', watermarkMs: 1 }, NOW);
      return ctx;
    }

    /**
     * `first` writes everything and stalls on its checkpoint (a row lock the test holds) while `second`
     * starts; then `first` commits. On SQLite the one connection serialises them in the same order.
     */
    async function race(knex: Knex, store: KnexSyncStore, first: ReturnType<typeof version>, second: ReturnType<typeof version>) {
      const write = (v: ReturnType<typeof version>, syncId: string) =>
        store.writePage({ syncId, instance: 'cloud', versions: [v], nowMs: NOW, state: { syncId, instance: 'cloud', watermarkMs: 2 } });
      if (databaseId !== 'POSTGRES_15') return { first: await write(first, 'hold'), second: await write(second, 's2') };
      const waiting = async (n: number) => {
        for (let i = 0; i < 250; i++) {
          const { rows } = await knex.raw("select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'");
          if (Number(rows[0].n) >= n) return;
          await new Promise(r => setTimeout(r, 20));
        }
        throw new Error(`fewer than ${n} writers waiting`);
      };
      const blocker = await knex.transaction();
      await blocker('jira_sync_sync_state').where({ sync_id: 'hold' }).forUpdate();
      const firstWrite = write(first, 'hold');
      await waiting(1);
      const secondWrite = write(second, 's2');
      await waiting(2);
      await blocker.commit();
      return { first: await firstWrite, second: await secondWrite };
    }

    async function linksOf(knex: Knex) {
      const rows = await knex('jira_sync_issue_links').orderBy(['issue_id', 'link_id']);
      return rows.map(r => `${r.issue_id}:${r.link_id}->${r.other_issue_key}`);
    }

    it('an older version arriving second applies nothing: no key, no links, counted stale', async () => {
      const { knex, store } = await stored();
      const newer = version(1, { issueKey: 'XYZ-1', projectKey: 'XYZ', updatedMs: t(3) }, [], [link(101, 4)]);
      const older = version(1, { issueKey: 'OLD-1', updatedMs: t(2) }, [], [link(102, 5)]);
      const results = await race(knex, store, newer, older);
      expect(results.first).toMatchObject({ updated: 1 });
      expect(results.second).toMatchObject({ stale: 1, updated: 0 });
      const row = await knex('jira_sync_issues').where({ issue_id: '1' }).first();
      expect([row.issue_key, Number(row.updated_ms)]).toEqual(['XYZ-1', t(3)]);
      expect(await linksOf(knex)).toEqual(['1:101->ABC-4', '2:200->XYZ-1']);
    });

    it('a newer version arriving second that moves the key back reaches the links the first one moved', async () => {
      const { knex, store } = await stored();
      const moved = version(1, { issueKey: 'XYZ-1', projectKey: 'XYZ', updatedMs: t(2) }, [], [link(101, 4)]);
      const movedBack = version(1, { issueKey: 'ABC-1', updatedMs: t(3) }, [], [link(102, 5)]);
      const results = await race(knex, store, moved, movedBack);
      expect(results.first).toMatchObject({ updated: 1 });
      expect(results.second).toMatchObject({ updated: 1, stale: 0 });
      const row = await knex('jira_sync_issues').where({ issue_id: '1' }).first();
      expect([row.issue_key, Number(row.updated_ms)]).toEqual(['ABC-1', t(3)]);
      expect(await linksOf(knex)).toEqual(['1:102->ABC-5', '2:200->ABC-1']);
    });
  });

  it('appends histories without duplicates and keeps the history totals true', async () => {
    const { knex, store } = await setup();
    const h11 = history(11, [{ field: 'status', from: 'To Do', to: 'In Progress' }, { field: 'assignee', from: null, to: 'Ada' }]);
    await store.writePage({ syncId: 's1', instance: 'cloud', versions: [version(1, {}, [h11, history(12)])], nowMs: NOW });

    const result = await store.writePage({
      syncId: 's1',
      instance: 'cloud',
      versions: [version(1, { updatedMs: BASE_MS + 2 * HOUR }, [history(12), history(13)])],
      nowMs: NOW,
    });
    expect(result).toMatchObject({ updated: 1, historiesWritten: 1 });
    const histories = await knex('jira_sync_histories').orderBy('history_id');
    expect(histories.map(h => String(h.history_id))).toEqual(['11', '12', '13']);
    const items = await knex('jira_sync_history_items').orderBy(['history_id', 'item_index']);
    expect(items.map(i => [String(i.history_id), i.item_index, i.field])).toEqual([
      ['11', 0, 'status'],
      ['11', 1, 'assignee'],
      ['12', 0, 'status'],
      ['13', 0, 'status'],
    ]);
    const states = await store.storedHistoryStates('cloud', ['1', '2']);
    expect([...states.keys()]).toEqual(['1']);
    expect(states.get('1')).toMatchObject({ historyCount: 3, lastHistoryId: '13', updatedMs: BASE_MS + 2 * HOUR });
  });

  it('replaces an issue\'s links on update and leaves them alone when unchanged', async () => {
    const { knex, store } = await setup();
    await store.writePage({
      syncId: 's1',
      instance: 'cloud',
      versions: [version(1, {}, [], [link(100, 2), link(101, 3)]), version(2, {}, [], [link(100, 1, 'inward')])],
      nowMs: NOW,
    });
    await store.writePage({
      syncId: 's1',
      instance: 'cloud',
      versions: [version(1, { updatedMs: BASE_MS + 2 * HOUR }, [], [link(101, 3), link(102, 4, 'inward')]), version(2, {}, [], [])],
      nowMs: NOW,
    });
    const links = await knex('jira_sync_issue_links').orderBy(['issue_id', 'link_id']);
    expect(links.map(l => [String(l.issue_id), String(l.link_id), l.direction, String(l.other_issue_id)])).toEqual([
      ['1', '101', 'outward', '3'],
      ['1', '102', 'inward', '4'],
      // Issue 2 was unchanged (same content hash): its links stay as stored.
      ['2', '100', 'inward', '1'],
    ]);
  });

  it('writes nothing of a page, nor its checkpoint, when one issue fails', async () => {
    const { knex, store } = await setup();
    await store.writePage({
      syncId: 's1',
      instance: 'cloud',
      versions: [version(1, {}, [history(11)])],
      state: { syncId: 's1', instance: 'cloud', watermarkMs: 1, resumePoint: { page: 1 } },
      nowMs: NOW,
    });
    const before = await everything(knex);

    const invalid = version(3, {}, [history(31)]);
    (invalid.issue as any).issueKey = null; // violates NOT NULL after histories were already inserted
    // Matched by message: better-sqlite3's SqliteError can stem from another test file's realm, which toThrow() misses.
    await expect(
      store.writePage({
        syncId: 's1',
        instance: 'cloud',
        versions: [
          version(1, { updatedMs: BASE_MS + 5 * HOUR, status: 'Done' }, [history(11), history(12)], [link(100, 2)]),
          version(2, {}, [history(21)]),
          invalid,
        ],
        state: { syncId: 's1', instance: 'cloud', watermarkMs: 2, resumePoint: { page: 2 } },
        nowMs: NOW + 1,
      }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/NOT NULL constraint failed|violates not-null constraint/) });

    expect(await everything(knex)).toEqual(before);
    expect(await store.getState('s1')).toMatchObject({ watermarkMs: 1, resumePoint: { page: 1 } });
  });

  it('soft-deletes only what no other sync still sees', async () => {
    const { knex, store } = await setup();
    await store.writePage({ syncId: 'a', instance: 'cloud', versions: [version(1), version(2), version(3)], nowMs: NOW });
    await store.writePage({ syncId: 'b', instance: 'cloud', versions: [version(1)], nowMs: NOW });

    const removed = await store.removeFromScope({ syncId: 'a', instance: 'cloud', goneIds: ['1', '2'], reason: 'gone', nowMs: NOW + 1 });
    expect(removed).toEqual({ deleted: 1 });
    expect(await store.scopeIssueIds('a', 'cloud')).toEqual(['3']);
    expect(await store.scopeIssueIds('b', 'cloud')).toEqual(['1']);
    const rows = await knex('jira_sync_issues').orderBy('issue_id');
    expect(rows.map(r => [String(r.issue_id), r.deleted_ms === null ? null : Number(r.deleted_ms), r.deleted_reason])).toEqual([
      ['1', null, null],
      ['2', NOW + 1, 'gone'],
      ['3', null, null],
    ]);

    // Once the last sync lets go, the issue is soft-deleted; repeating changes nothing.
    expect(await store.removeFromScope({ syncId: 'b', instance: 'cloud', goneIds: ['1'], reason: 'gone from b', nowMs: NOW + 2 })).toEqual({ deleted: 1 });
    expect(await store.removeFromScope({ syncId: 'b', instance: 'cloud', goneIds: ['1'], reason: 'again', nowMs: NOW + 3 })).toEqual({ deleted: 0 });
    const one = await knex('jira_sync_issues').where({ issue_id: '1' }).first();
    expect(one.deleted_reason).toBe('gone from b');
  });

  it('restores a soft-deleted issue when it is written again', async () => {
    const { knex, store } = await setup();
    await store.writePage({ syncId: 'a', instance: 'cloud', versions: [version(1), version(2)], nowMs: NOW });
    await store.removeFromScope({ syncId: 'a', instance: 'cloud', goneIds: ['1', '2'], reason: 'gone', nowMs: NOW + 1 });
    expect(await store.scopeIssueIds('a', 'cloud')).toEqual([]);

    const result = await store.writePage({
      syncId: 'a',
      instance: 'cloud',
      versions: [version(1), version(2, { updatedMs: BASE_MS + 2 * HOUR, summary: 'changed' })],
      nowMs: NOW + 2,
    });
    expect(result).toEqual({ inserted: 0, updated: 1, unchanged: 1, stale: 0, restored: 2, historiesWritten: 0 });
    expect(await store.scopeIssueIds('a', 'cloud')).toEqual(['1', '2']);
    const rows = await knex('jira_sync_issues').orderBy('issue_id');
    expect(rows.map(r => [r.deleted_ms, r.deleted_reason, r.summary])).toEqual([
      [null, null, 'Issue 1'],
      [null, null, 'changed'],
    ]);

    // A webhook deletion soft-deletes once and drops the issue from every scope.
    expect(await store.softDeleteIssue({ instance: 'cloud', issueId: '1', reason: 'jira:issue_deleted', nowMs: NOW + 3 })).toBe(true);
    expect(await store.softDeleteIssue({ instance: 'cloud', issueId: '1', reason: 'jira:issue_deleted', nowMs: NOW + 4 })).toBe(false);
    expect(await store.scopeIssueIds('a', 'cloud')).toEqual(['2']);
    expect(await knex('jira_sync_issue_scopes').where({ issue_id: '1' })).toHaveLength(0);
  });

  it('drops other issues\' links to an issue deleted in Jira, and only then', async () => {
    const { knex, store } = await setup();
    await store.writePage({
      syncId: 'a',
      instance: 'cloud',
      versions: [version(1, {}, [], [link('10', 2)]), version(2, {}, [], [link('10', 1), link('11', 3)]), version(3, {}, [], [link('11', 2)])],
      nowMs: NOW,
    });
    const linksOf = async (id: string) => (await knex('jira_sync_issue_links').where({ issue_id: id }).orderBy('link_id')).map(r => String(r.link_id));

    // Out of scope but still in Jira: Jira keeps the links, so does the copy.
    await store.removeFromScope({ syncId: 'a', instance: 'cloud', goneIds: ['3'], reason: 'moved', nowMs: NOW + 1 });
    expect(await linksOf('2')).toEqual(['10', '11']);
    // Deleted in Jira: the link on issue 2 goes.
    await store.removeFromScope({ syncId: 'a', instance: 'cloud', goneIds: ['3'], reason: 'deleted', nowMs: NOW + 2, deletedInJira: true });
    expect(await linksOf('2')).toEqual(['10']);
    // A webhook deletion of issue 1 does the same.
    await store.softDeleteIssue({ instance: 'cloud', issueId: '1', reason: 'jira:issue_deleted', nowMs: NOW + 3 });
    expect(await linksOf('2')).toEqual([]);
    expect(await linksOf('1')).toEqual(['10']);
  });

  it('refuses a version of another instance than the page\'s', async () => {
    const { knex, store } = await setup();
    await expect(
      store.writePage({ syncId: 's1', instance: 'dc', versions: [version(1, { instance: 'cloud' })], nowMs: NOW }),
    ).rejects.toThrow(/instance "cloud"/);
    expect(await knex('jira_sync_issues')).toHaveLength(0);
  });

  it('a webhook write (no sync) changes no scope and no checkpoint', async () => {
    const { knex, store } = await setup();
    const result = await store.writePage({ syncId: null, instance: 'cloud', versions: [version(1)], nowMs: NOW });
    expect(result.inserted).toBe(1);
    expect(await knex('jira_sync_issue_scopes')).toHaveLength(0);
    expect(await knex('jira_sync_sync_state')).toHaveLength(0);
  });

  it('upserts, counts and resolves dead letters', async () => {
    const { store } = await setup();
    const base = { syncId: 's1', instance: 'cloud', issueId: '7', issueKey: 'ABC-7' };
    await store.addDeadLetter({ ...base, error: 'bad date', payload: { id: '7' }, nowMs: 1000 });
    await store.addDeadLetter({ ...base, issueKey: undefined, error: 'still bad', payload: { id: '7', n: 2 }, nowMs: 2000 });
    expect(await store.listDeadLetters('s1')).toEqual([
      expect.objectContaining({
        syncId: 's1', instance: 'cloud', issueId: '7', issueKey: 'ABC-7', error: 'still bad',
        payload: { id: '7', n: 2 }, attempts: 2, firstFailedMs: 1000, lastFailedMs: 2000, resolvedMs: null,
      }),
    ]);

    await store.resolveDeadLetter({ syncId: 's1', instance: 'cloud', issueId: '7', nowMs: 3000 });
    expect(await store.listDeadLetters('s1')).toEqual([]);
    expect(await store.countDeadLetters('s1')).toBe(0);
    expect(await store.listDeadLetters('s1', { includeResolved: true })).toEqual([expect.objectContaining({ resolvedMs: 3000 })]);

    await store.addDeadLetter({ ...base, error: 'again', payload: null, nowMs: 4000 });
    expect(await store.listDeadLetters('s1')).toEqual([expect.objectContaining({ attempts: 3, resolvedMs: null, firstFailedMs: 1000, lastFailedMs: 4000 })]);
    expect(await store.listDeadLetters('other')).toEqual([]);
    expect(await store.countDeadLetters('s1')).toBe(1);
    expect(await store.countDeadLetters('other')).toBe(0);
  });

  it('reads one waiting dead letter by sync and issue, without its payload', async () => {
    const { store } = await setup();
    const base = { syncId: 's1', instance: 'cloud', issueKey: 'ABC-7' };
    await store.addDeadLetter({ ...base, issueId: '7', error: 'bad date', payload: { id: '7', big: 'x'.repeat(1000) }, nowMs: 1000 });
    await store.addDeadLetter({ ...base, issueId: '8', error: 'other issue', payload: null, nowMs: 1500 });
    await store.addDeadLetter({ ...base, syncId: 's2', issueId: '7', error: 'other sync', payload: null, nowMs: 2000 });
    const letter = await store.getDeadLetter('s1', '7');
    expect(letter).toEqual({
      deadLetterId: expect.any(String), syncId: 's1', instance: 'cloud', issueId: '7', issueKey: 'ABC-7', error: 'bad date',
      attempts: 1, firstFailedMs: 1000, lastFailedMs: 1000, resolvedMs: null,
    });
    expect(letter).not.toHaveProperty('payload');
    expect(await store.getDeadLetter('s1', '9')).toBeUndefined();
    expect(await store.getDeadLetter('s3', '7')).toBeUndefined();
    await store.resolveDeadLetter({ syncId: 's1', instance: 'cloud', issueId: '7', nowMs: 3000 });
    expect(await store.getDeadLetter('s1', '7')).toBeUndefined();
    expect(await store.getDeadLetter('s2', '7')).toEqual(expect.objectContaining({ error: 'other sync' }));
  });

  it('records a webhook delivery once, also when two arrive at the same time', async () => {
    const { knex, store } = await setup();
    const event = { instance: 'cloud', eventKey: 'e'.repeat(64), webhookEvent: 'jira:issue_updated', issueId: '1', eventMs: 5, outcome: 'applied', nowMs: NOW };
    expect(await store.recordWebhookEvent(event)).toBe(true);
    expect(await store.recordWebhookEvent({ ...event, outcome: 'duplicate' })).toBe(false);
    // Same key on another instance is another delivery.
    expect(await store.recordWebhookEvent({ ...event, instance: 'dc' })).toBe(true);

    const racing = { ...event, eventKey: 'f'.repeat(64) };
    const results = await Promise.all(Array.from({ length: 6 }, () => store.recordWebhookEvent(racing)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await knex('jira_sync_webhook_events')).toHaveLength(3);
  });

  it('saves partial sync state without clearing the rest', async () => {
    const { store } = await setup();
    expect(await store.getState('s1')).toBeUndefined();
    await store.saveState({ syncId: 's1', instance: 'cloud', watermarkMs: 10, specHash: 'h1', fetchedFields: ['summary', 'status'], resumePoint: { cursorMs: 3 } }, NOW);
    await store.saveState({ syncId: 's1', instance: 'cloud', lastFullMs: 20, resumePoint: null, scopeJql: 'project = ABC' }, NOW + 1);
    expect(await store.getState('s1')).toEqual({
      syncId: 's1',
      instance: 'cloud',
      watermarkMs: 10,
      resumePoint: null,
      lastFullMs: 20,
      lastReconcileMs: null,
      specHash: 'h1',
      fieldsHash: null,
      fetchedFields: ['summary', 'status'],
      scopeJql: 'project = ABC',
      lastSweepJiraStartMs: null,
    });
  });

  it('starts, finishes and lists runs, newest first', async () => {
    const { store } = await setup();
    const counters: RunCounters = {
      issuesRead: 10, issuesInserted: 4, issuesUpdated: 3, issuesUnchanged: 2, issuesDeleted: 1, issuesRestored: 1,
      historiesWritten: 40, deadLetters: 1, apiCalls: 5, apiRetries: 1, apiBytes: 5_000_000_000, rateLimitWaitMs: 1500,
    };
    const first = await store.startRun({ syncId: 's1', strategy: 'full', trigger: 'schedule', nowMs: 1000 });
    await store.finishRun({ runId: first, outcome: 'succeeded', counters, details: { guard: null }, nowMs: 2000 });
    const second = await store.startRun({ syncId: 's1', strategy: 'incremental', trigger: 'manual', nowMs: 3000 });
    expect(second).not.toBe(first);

    const runs = await store.listRuns('s1', 10);
    expect(runs.map(r => [r.runId, r.outcome, r.endedMs])).toEqual([
      [second, 'running', null],
      [first, 'succeeded', 2000],
    ]);
    expect(runs[1]).toMatchObject({ ...counters, strategy: 'full', trigger: 'schedule', startedMs: 1000, details: { guard: null }, error: null });
    expect(await store.listRuns('s1', 1)).toHaveLength(1);
  });

  it('upserts the field catalogue, re-projects custom fields and keeps OAuth tokens', async () => {
    const { knex, store } = await setup();
    await store.saveFields('cloud', [{ id: 'customfield_1', name: 'Points', custom: true, schema: { type: 'number' }, clauseNames: ['cf[1]'] }], 1);
    await store.saveFields('cloud', [
      { id: 'customfield_1', name: 'Story Points', custom: true, schema: { type: 'number' } },
      { id: 'summary', name: 'Summary', custom: false },
    ], 2);
    expect(await store.loadFields('cloud')).toEqual([
      { id: 'customfield_1', name: 'Story Points', custom: true, schema: { type: 'number' }, clauseNames: [] },
      { id: 'summary', name: 'Summary', custom: false, clauseNames: [] },
    ]);
    expect(await store.loadFields('dc')).toEqual([]);

    await store.writePage({ syncId: 's1', instance: 'cloud', versions: [version(1, { customFields: { points: 1 } }), version(2)], nowMs: NOW });
    await store.updateCustomFields('cloud', [{ issueId: '1', customFields: { points: 3 }, contentHash: 'new-hash' }]);
    const [one, two] = await store.getIssueRecords('cloud', ['1', '2', '99']);
    expect(one).toMatchObject({ issueId: '1', customFields: { points: 3 }, contentHash: 'new-hash', rawFields: { summary: 'Issue 1' } });
    expect(two).toMatchObject({ issueId: '2', customFields: {} });

    const tokens = await KnexOAuthTokenStore.create({ ...storeDatabase(knex), now: () => NOW });
    expect(await tokens.load('cloud')).toBeUndefined();
    await tokens.save('cloud', 'r1');
    await tokens.save('cloud', 'r2');
    expect(await tokens.load('cloud')).toBe('r2');
  });

  it('keeps ids beyond 2^31 exact as strings', async () => {
    const { store } = await setup();
    const big = '3000000001';
    await store.writePage({ syncId: 's1', instance: 'cloud', versions: [version(big, { parentId: '3000000002' }, [history('4000000001', undefined, BASE_MS)])], nowMs: NOW });
    expect(await store.scopeIssueIds('s1', 'cloud')).toEqual([big]);
    const [record] = await store.getIssueRecords('cloud', [big]);
    expect(record).toMatchObject({ issueId: big, parentId: '3000000002', lastHistoryId: '4000000001', historyCount: 1 });
  });

  it('writes a page of 100 issues with 20 histories each in a handful of statements', async () => {
    const { knex, store } = await setup();
    const page = Array.from({ length: 100 }, (_, i) =>
      version(i + 1, {}, Array.from({ length: 20 }, (_h, j) => history((i + 1) * 1000 + j, [{ field: 'status' }, { field: 'assignee' }])), [link(i + 1, i + 2)]),
    );
    let statements = 0;
    const count = () => {
      statements++;
    };
    knex.on('query', count);
    const result = await store.writePage({ syncId: 's1', instance: 'cloud', versions: page, state: { syncId: 's1', instance: 'cloud', watermarkMs: 1 }, nowMs: NOW });
    knex.off('query', count);
    expect(result).toMatchObject({ inserted: 100, historiesWritten: 2000 });
    // 2000 histories and 4000 items, batched: far from one statement per row.
    expect(statements).toBeLessThan(30);
    const [{ n }] = await knex('jira_sync_history_items').count({ n: '*' });
    expect(Number(n)).toBe(4000);
  });

  it('refreshes PostgreSQL statistics once its histories pass the first threshold, so lookups use the issue index', async () => {
    const { knex, store } = await setup();
    const perIssue = Math.ceil(ANALYZE_FIRST_AFTER_HISTORIES / 100) + 10;
    const page = Array.from({ length: 100 }, (_, i) => version(i + 1, {}, Array.from({ length: perIssue }, (_h, j) => history((i + 1) * 10_000 + j))));
    const result = await store.writePage({ syncId: 's1', instance: 'cloud', versions: page, nowMs: NOW });
    expect(result.historiesWritten).toBe(100 * perIssue);
    if (databaseId === 'SQLITE_3') return;
    const { rows } = await knex.raw(`select reltuples from pg_class where relname = 'jira_sync_histories'`);
    expect(Number(rows[0].reltuples)).toBeGreaterThan(ANALYZE_FIRST_AFTER_HISTORIES * 0.9);
    const plan = await knex.raw(
      `explain select issue_id, count(*) from jira_sync_histories where instance = 'cloud' and issue_id in (1, 2, 3) group by issue_id`,
    );
    expect(plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n')).toContain('jira_sync_histories_issue_idx');
  });

  it('looks up stored histories only for issues it already holds', async () => {
    const { knex, store } = await setup();
    const lookups: string[] = [];
    const watch = (query: { sql: string }) => {
      if (/select .history_id. from .jira_sync_histories./i.test(query.sql)) lookups.push(query.sql);
    };
    knex.on('query', watch);
    const fresh = await store.writePage({ syncId: 's1', instance: 'cloud', versions: [version(1, {}, [history(11), history(12)])], nowMs: NOW });
    expect(lookups).toHaveLength(0);
    const again = await store.writePage({ syncId: 's1', instance: 'cloud', versions: [version(1, { updatedMs: BASE_MS + HOUR }, [history(11), history(12), history(13)]), version(2, {}, [history(21)])], nowMs: NOW });
    knex.off('query', watch);
    expect(lookups).toHaveLength(1);
    expect(fresh.historiesWritten).toBe(2);
    expect(again.historiesWritten).toBe(2);
    const [{ n }] = await knex('jira_sync_histories').count({ n: '*' });
    expect(Number(n)).toBe(4);
  });
});
