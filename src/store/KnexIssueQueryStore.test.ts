import { TestDatabases } from '@backstage/backend-test-utils';
import { KnexIssueQueryStore, InvalidCursorError } from './KnexIssueQueryStore';
import { KnexSyncStore } from './KnexSyncStore';
import { BASE_MS, HOUR, history, link, storeDatabase, version } from './testFixtures';
import type { IssueAccessScope, IssueFilter, IssueListItem, IssuePageRequest, IssueQueryStore } from './types';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const NOW = BASE_MS + 1000 * HOUR;

/** A small, varied set of issues: each filter below singles out a known subset. */
const fixtureVersions = () => [
  version(1, {
    summary: 'Fix Login page', status: 'In Progress', statusCategory: 'indeterminate', issueType: 'Bug',
    assigneeAccountId: 'ada', labels: ['backend'], components: ['API'], customFields: { team: 'core', points: 5, tags: ['x', 'y'] },
    updatedMs: BASE_MS + 10 * HOUR, createdMs: BASE_MS + 1 * HOUR,
  }),
  version(2, {
    summary: 'Backend API 50% faster', labels: ['backend-api', 'perf'], components: ['API Gateway'], customFields: { team: 'edge', points: 3 },
    updatedMs: BASE_MS + 20 * HOUR, createdMs: BASE_MS + 2 * HOUR,
  }),
  version(3, {
    summary: 'Write docs (500 pages)', status: 'Done', statusCategory: 'done', resolvedMs: BASE_MS + 30 * HOUR,
    labels: ['a,', ',b', 'say"hi"'], components: [], customFields: { team: 'core', flag: true },
    updatedMs: BASE_MS + 30 * HOUR, createdMs: BASE_MS + 3 * HOUR,
  }),
  version(4, {
    issueKey: 'XYZ-4', projectKey: 'XYZ', summary: 'login_form broken', issueType: 'Bug', assigneeAccountId: 'bob',
    labels: ['_backend%'], customFields: { team: 'core-platform' },
    updatedMs: BASE_MS + 40 * HOUR, createdMs: BASE_MS + 4 * HOUR,
  }),
];

const keysOf = (items: IssueListItem[]) => items.map(i => i.issueKey);

async function listAll(query: IssueQueryStore, filter: IssueFilter, page: IssuePageRequest = {}) {
  return keysOf((await query.listIssues(filter, { limit: 500, ...page })).items).sort();
}

describe.each(databases.eachSupportedId())('KnexIssueQueryStore on %p', databaseId => {
  async function setup() {
    const knex = await databases.init(databaseId);
    const store = await KnexSyncStore.create(storeDatabase(knex));
    const query = await KnexIssueQueryStore.create(storeDatabase(knex));
    return { knex, store, query };
  }

  async function withFixture() {
    const ctx = await setup();
    await ctx.store.writePage({ syncId: 's1', instance: 'cloud', versions: fixtureVersions(), nowMs: NOW });
    await ctx.store.writePage({ syncId: 's2', instance: 'dc', versions: [version(1, { instance: 'dc', summary: 'Same id, other instance' })], nowMs: NOW });
    return ctx;
  }

  it('filters by every attribute', async () => {
    const { query, store } = await withFixture();
    expect(await listAll(query, {})).toEqual(['ABC-1', 'ABC-1', 'ABC-2', 'ABC-3', 'XYZ-4']);
    expect(await listAll(query, { instance: 'dc' })).toEqual(['ABC-1']);
    expect(await listAll(query, { instance: 'cloud', projectKeys: ['XYZ'] })).toEqual(['XYZ-4']);
    expect(await listAll(query, { instance: 'cloud', projectKeys: ['XYZ', 'ABC'] })).toEqual(['ABC-1', 'ABC-2', 'ABC-3', 'XYZ-4']);
    expect(await listAll(query, { instance: 'cloud', keys: ['abc-2', 'XYZ-4'] })).toEqual(['ABC-2', 'XYZ-4']);
    expect(await listAll(query, { status: 'Done' })).toEqual(['ABC-3']);
    expect(await listAll(query, { statusCategory: 'indeterminate' })).toEqual(['ABC-1']);
    expect(await listAll(query, { instance: 'cloud', statusCategory: ['new', 'indeterminate'] })).toEqual(['ABC-1', 'ABC-2', 'XYZ-4']);
    expect(await listAll(query, { issueType: 'Bug' })).toEqual(['ABC-1', 'XYZ-4']);
    expect(await listAll(query, { assigneeAccountId: 'bob' })).toEqual(['XYZ-4']);
    expect(await listAll(query, { updatedSinceMs: BASE_MS + 30 * HOUR })).toEqual(['ABC-3', 'XYZ-4']);
    expect(await listAll(query, { component: 'API' })).toEqual(['ABC-1']);
    expect(await listAll(query, { component: 'API Gateway' })).toEqual(['ABC-2']);
    // Any of several components (an entity's jira.com/components), each an exact element.
    expect(await listAll(query, { instance: 'cloud', components: ['API', 'API Gateway'] })).toEqual(['ABC-1', 'ABC-2']);
    expect(await listAll(query, { instance: 'cloud', components: ['API Gateway', 'Web'] })).toEqual(['ABC-2']);
    expect(await listAll(query, { instance: 'cloud', components: ['Gateway', 'api'] })).toEqual([]);
    expect(await listAll(query, { instance: 'cloud', components: [] })).toEqual([]);
    expect(await listAll(query, { instance: 'cloud', projectKeys: ['ABC'], components: ['API', 'API Gateway'], label: 'perf' })).toEqual(['ABC-2']);
    expect(await query.countByStatusCategory({ instance: 'cloud', components: ['API', 'API Gateway'] })).toMatchObject({ total: 2, indeterminate: 1, new: 1 });

    // Soft-deleted issues only on request.
    await store.removeFromScope({ syncId: 's1', instance: 'cloud', goneIds: ['2'], reason: 'gone', nowMs: NOW + 1 });
    expect(await listAll(query, { instance: 'cloud' })).toEqual(['ABC-1', 'ABC-3', 'XYZ-4']);
    const withDeleted = await query.listIssues({ instance: 'cloud', includeDeleted: true });
    expect(keysOf(withDeleted.items).sort()).toEqual(['ABC-1', 'ABC-2', 'ABC-3', 'XYZ-4']);
    expect(withDeleted.items.find(i => i.issueKey === 'ABC-2')).toMatchObject({ deletedMs: NOW + 1, deletedReason: 'gone' });
  });

  it('narrows every read to an access scope: criteria, allOf, anyOf and not', async () => {
    const { query, store } = await withFixture();
    await store.writePage({ syncId: 's1', instance: 'cloud', versions: [version(5, { issueKey: 'XYZ-5', projectKey: 'XYZ', issueType: null })], nowMs: NOW });
    const scoped = (access: IssueFilter['access']) => listAll(query, { access });
    expect(await scoped({ field: 'projectKey', values: ['xyz'] })).toEqual(['XYZ-4', 'XYZ-5']);
    expect(await scoped({ field: 'instance', values: ['dc'] })).toEqual(['ABC-1']);
    expect(await scoped({ field: 'issueType', values: ['Bug'] })).toEqual(['ABC-1', 'XYZ-4']);
    expect(await scoped({ field: 'label', values: ['backend', '_backend%'] })).toEqual(['ABC-1', 'XYZ-4']);
    expect(await scoped({ field: 'component', values: ['API Gateway'] })).toEqual(['ABC-2']);
    expect(await scoped({ field: 'projectKey', values: [] })).toEqual([]);
    expect(await scoped({ allOf: [{ field: 'instance', values: ['cloud'] }, { field: 'projectKey', values: ['ABC'] }] })).toEqual(['ABC-1', 'ABC-2', 'ABC-3']);
    expect(await scoped({ allOf: [] })).toHaveLength(6);
    expect(await scoped({ anyOf: [] })).toEqual([]);
    expect(await scoped({ anyOf: [{ field: 'projectKey', values: ['XYZ'] }, { field: 'label', values: ['perf'] }] })).toEqual(['ABC-2', 'XYZ-4', 'XYZ-5']);
    // NOT keeps issues without the attribute (XYZ-5 has no type), as the rule's apply does.
    expect(await scoped({ not: { field: 'issueType', values: ['Story'] } })).toEqual(['ABC-1', 'XYZ-4', 'XYZ-5']);
    expect(await scoped({ allOf: [{ field: 'instance', values: ['cloud'] }, { not: { anyOf: [{ field: 'projectKey', values: ['XYZ'] }, { field: 'label', values: ['backend'] }] } }] }))
      .toEqual(['ABC-2', 'ABC-3']);
    // The scope and the other criteria all hold.
    expect(await listAll(query, { access: { field: 'projectKey', values: ['ABC'] }, issueType: 'Bug' })).toEqual(['ABC-1']);

    const abcOnly: IssueAccessScope = { field: 'projectKey', values: ['ABC'] };
    expect(await query.countByStatusCategory({ access: abcOnly })).toEqual({ new: 2, indeterminate: 1, done: 1, total: 4 });
    expect(await query.countByStatusCategory({ access: { field: 'projectKey', values: ['XYZ'] } })).toEqual({ new: 2, indeterminate: 0, done: 0, total: 2 });
    expect((await query.issuesForFlow({ access: abcOnly, instance: 'cloud' })).map(i => i.issueKey).sort()).toEqual(['ABC-1', 'ABC-2', 'ABC-3']);
    expect((await query.getIssue('cloud', 'ABC-1', abcOnly))?.issueId).toBe('1');
    expect(await query.getIssue('cloud', 'XYZ-4', abcOnly)).toBeUndefined();
    expect(await query.getIssue(undefined, '4', abcOnly)).toBeUndefined();
    expect((await query.getIssue(undefined, '4'))?.issueKey).toBe('XYZ-4');
    // Without an instance, the visible instance's issue is found even where another instance's sorts first.
    expect((await query.getIssue(undefined, 'abc-1', { field: 'instance', values: ['dc'] }))?.instance).toBe('dc');
  });

  it('matches labels as exact elements, wildcards and quotes included', async () => {
    const { query } = await withFixture();
    expect(await listAll(query, { label: 'backend' })).toEqual(['ABC-1']);
    expect(await listAll(query, { label: 'backend-api' })).toEqual(['ABC-2']);
    expect(await listAll(query, { label: 'BACKEND' })).toEqual([]);
    expect(await listAll(query, { label: 'api' })).toEqual([]);
    expect(await listAll(query, { label: '_backend%' })).toEqual(['XYZ-4']);
    expect(await listAll(query, { label: '%' })).toEqual([]);
    expect(await listAll(query, { label: '_' })).toEqual([]);
    expect(await listAll(query, { label: 'say"hi"' })).toEqual(['ABC-3']);
    expect(await listAll(query, { label: 'hi' })).toEqual([]);
    // `["a,",",b"]` contains the text `","` between its elements: still no label ",".
    expect(await listAll(query, { label: ',' })).toEqual([]);
    expect(await listAll(query, { label: 'a,' })).toEqual(['ABC-3']);
  });

  it('matches mapped custom fields by value or array element', async () => {
    const { query } = await withFixture();
    expect(await listAll(query, { instance: 'cloud', customField: { alias: 'team', value: 'core' } })).toEqual(['ABC-1', 'ABC-3']);
    expect(await listAll(query, { customField: { alias: 'points', value: 5 } })).toEqual(['ABC-1']);
    expect(await listAll(query, { customField: { alias: 'points', value: '3' } })).toEqual(['ABC-2']);
    expect(await listAll(query, { customField: { alias: 'tags', value: 'y' } })).toEqual(['ABC-1']);
    expect(await listAll(query, { customField: { alias: 'flag', value: true } })).toEqual(['ABC-3']);
    expect(await listAll(query, { customField: { alias: 'flag', value: '1' } })).toEqual([]);
    expect(await listAll(query, { customField: { alias: 'missing', value: 'core' } })).toEqual([]);
  });

  it('finds the same text matches, in order and across pages, when they are dense and when they are rare', async () => {
    // More issues than a text search's first step looks at (TEXT_WINDOW_ROWS), newest first.
    const { query, store } = await setup();
    const versions = Array.from({ length: 1300 }, (_, n) =>
      version(n + 1, {
        summary: `${n % 2 === 0 ? 'common' : 'other'} ${n % 97 === 0 ? 'rarity' : 'plain'} item ${n}`,
        status: n % 3 === 0 ? 'Done' : 'To Do',
        updatedMs: BASE_MS + n * HOUR,
      }),
    );
    await store.writePage({ syncId: 's1', instance: 'cloud', versions, nowMs: NOW });
    await store.removeFromScope({ syncId: 's1', instance: 'cloud', goneIds: ['1', '98'], reason: 'gone', nowMs: NOW + 1 });
    const expected = (keep: (n: number) => boolean) =>
      versions.map((v, n) => ({ key: v.issue.issueKey, n })).filter(({ n }) => n !== 0 && n !== 97 && keep(n)).reverse().map(({ key }) => key);
    async function allPages(filter: IssueFilter) {
      const keys: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await query.listIssues(filter, { limit: 40, cursor });
        keys.push(...keysOf(page.items));
        cursor = page.nextCursor;
      } while (cursor);
      return keys;
    }
    expect(await allPages({ projectKeys: ['ABC'], text: 'comm' })).toEqual(expected(n => n % 2 === 0));
    expect(await allPages({ projectKeys: ['ABC'], text: 'rarity' })).toEqual(expected(n => n % 97 === 0));
    expect(await allPages({ text: 'rar', status: 'Done' })).toEqual(expected(n => n % 97 === 0 && n % 3 === 0));
    expect(await allPages({ projectKeys: ['ABC'], text: 'common rarity' })).toEqual(expected(n => n % 2 === 0 && n % 97 === 0));
    expect(await allPages({ projectKeys: ['ABC'], text: 'absent' })).toEqual([]);
    expect(keysOf((await query.listIssues({ text: 'rarity' }, { limit: 3, sort: 'created', order: 'asc' })).items)).toHaveLength(3);
  });

  it('searches summary words by prefix, punctuation separating words', async () => {
    const { query } = await withFixture();
    expect(await listAll(query, { instance: 'cloud', text: 'LOGIN' })).toEqual(['ABC-1', 'XYZ-4']);
    expect(await listAll(query, { instance: 'cloud', text: 'log' })).toEqual(['ABC-1', 'XYZ-4']);
    // A word matches from its start only, and every word of the text must match.
    expect(await listAll(query, { text: 'ogin' })).toEqual([]);
    expect(await listAll(query, { text: 'login form' })).toEqual(['XYZ-4']);
    expect(await listAll(query, { text: 'login_form' })).toEqual(['XYZ-4']);
    expect(await listAll(query, { text: 'form, LOGIN!' })).toEqual(['XYZ-4']);
    // `%` and `_` are separators, not wildcards: `50%` is the word 50, which begins 50 and 500.
    expect(await listAll(query, { text: '50%' })).toEqual(['ABC-2', 'ABC-3']);
    expect(await listAll(query, { text: '(500' })).toEqual(['ABC-3']);
    expect(await listAll(query, { text: 'n_p' })).toEqual([]);
    expect(await listAll(query, { text: 'instance other' })).toEqual(['ABC-1']);
  });

  it('matches nothing for a text without words: NUL, wildcards, quotes, FTS and tsquery syntax', async () => {
    const { query } = await withFixture();
    for (const text of ['\u0000', '%', '_', '%_%', '"', "'", '*', ':*', '&|!()', ' - ']) {
      expect(await listAll(query, { text })).toEqual([]);
    }
    // Query syntax of either engine is plain punctuation: `"login"*` and `login:*` look for the word login.
    expect(await listAll(query, { instance: 'cloud', text: '"login"*' })).toEqual(['ABC-1', 'XYZ-4']);
    expect(await listAll(query, { instance: 'cloud', text: "login:* & 'x'" })).toEqual([]);
    expect(await listAll(query, { instance: 'cloud', text: 'login:* | fix' })).toEqual(['ABC-1']);
  });

  it('folds case and accents in any script and follows rewrites of the summary', async () => {
    const { store, query, knex } = await setup();
    const summaries: Record<number, string> = {
      1: 'Über café crème',
      2: 'Ошибка входа в систему',
      3: '日本語のテスト 検索',
      4: 'ΟΔΟΣ straße',
      5: 'नमस्ते दुनिया',
      6: 'CAFE au lait',
    };
    const versions = Object.entries(summaries).map(([id, summary]) => version(Number(id), { summary }));
    await store.writePage({ syncId: 's1', instance: 'cloud', versions, nowMs: NOW });
    expect(await listAll(query, { text: 'cafe' })).toEqual(['ABC-1', 'ABC-6']);
    expect(await listAll(query, { text: 'CAFÉ' })).toEqual(['ABC-1', 'ABC-6']);
    expect(await listAll(query, { text: 'uber creme' })).toEqual(['ABC-1']);
    expect(await listAll(query, { text: 'ОШИБ' })).toEqual(['ABC-2']);
    expect(await listAll(query, { text: 'систему входа' })).toEqual(['ABC-2']);
    // Scripts written without spaces match from the start of a run of letters.
    expect(await listAll(query, { text: '日本' })).toEqual(['ABC-3']);
    expect(await listAll(query, { text: '検索' })).toEqual(['ABC-3']);
    expect(await listAll(query, { text: 'テスト' })).toEqual([]);
    expect(await listAll(query, { text: 'οδος' })).toEqual(['ABC-4']);
    expect(await listAll(query, { text: 'STRASSE' })).toEqual([]);
    expect(await listAll(query, { text: 'Straße' })).toEqual(['ABC-4']);
    expect(await listAll(query, { text: 'नमस्ते' })).toEqual(['ABC-5']);
    expect(await listAll(query, { text: 'दुनि' })).toEqual(['ABC-5']);

    // A new summary replaces the old words; a summary-less issue matches no text.
    await store.writePage({
      syncId: 's1', instance: 'cloud', nowMs: NOW + 1,
      versions: [version(1, { summary: 'Renamed entirely', updatedMs: BASE_MS + 2 * HOUR }), version(6, { summary: null, updatedMs: BASE_MS + 2 * HOUR })],
    });
    expect(await listAll(query, { text: 'cafe' })).toEqual([]);
    expect(await listAll(query, { text: 'renamed' })).toEqual(['ABC-1']);
    // A deleted row leaves the index with it (SQLite's FTS table follows the issues table by triggers).
    await knex('jira_sync_issues').where({ issue_id: '2' }).del();
    expect(await listAll(query, { text: 'ошибка' })).toEqual([]);
    // VACUUM keeps SQLite's rowids, which the FTS index refers to.
    await knex.raw(databaseId === 'SQLITE_3' ? 'vacuum' : 'vacuum jira_sync_issues');
    expect(await listAll(query, { text: 'renamed' })).toEqual(['ABC-1']);
    expect(await listAll(query, { text: 'दुनिया' })).toEqual(['ABC-5']);
  });

  it('sorts by updated, created and key in both orders', async () => {
    const { query } = await withFixture();
    const cloud = { instance: 'cloud' };
    expect(keysOf((await query.listIssues(cloud)).items)).toEqual(['XYZ-4', 'ABC-3', 'ABC-2', 'ABC-1']);
    expect(keysOf((await query.listIssues(cloud, { sort: 'updated', order: 'asc' })).items)).toEqual(['ABC-1', 'ABC-2', 'ABC-3', 'XYZ-4']);
    expect(keysOf((await query.listIssues(cloud, { sort: 'created', order: 'desc' })).items)).toEqual(['XYZ-4', 'ABC-3', 'ABC-2', 'ABC-1']);
    expect(keysOf((await query.listIssues(cloud, { sort: 'key', order: 'asc' })).items)).toEqual(['ABC-1', 'ABC-2', 'ABC-3', 'XYZ-4']);
  });

  it.each([
    ['updated', 'desc'],
    ['updated', 'asc'],
    ['created', 'asc'],
    ['key', 'desc'],
  ] as const)('pages by cursor (%s %s) without losing or repeating rows while rows are inserted', async (sort, order) => {
    const { store, query } = await setup();
    // Pairs of issues share their sort value, so the tie-break on the id must hold.
    const original = Array.from({ length: 23 }, (_, i) =>
      version(i + 1, { issueKey: `P-${String(i + 1).padStart(3, '0')}`, updatedMs: BASE_MS + Math.floor(i / 2) * HOUR, createdMs: BASE_MS + Math.floor(i / 2) * HOUR }),
    );
    await store.writePage({ syncId: 's1', instance: 'cloud', versions: original, nowMs: NOW });

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    let extra = 100;
    do {
      const page = await query.listIssues({ instance: 'cloud', projectKeys: ['ABC'] }, { sort, order, limit: 5, cursor });
      seen.push(...page.items.map(i => i.issueId));
      cursor = page.nextCursor;
      pages++;
      // New rows land before, after and between the pages already read.
      const firstExtra = extra;
      const inserted = [BASE_MS - HOUR, BASE_MS + 5 * HOUR, BASE_MS + 50 * HOUR].map((at, i) =>
        version(firstExtra + i + 1, { issueKey: `P-${firstExtra + i + 1}`, updatedMs: at, createdMs: at }),
      );
      extra += inserted.length;
      await store.writePage({ syncId: 's1', instance: 'cloud', versions: inserted, nowMs: NOW });
    } while (cursor && pages < 50);

    const originalIds = original.map(v => v.issue.issueId);
    expect(seen.filter(id => originalIds.includes(id)).sort()).toEqual([...originalIds].sort());
    expect(new Set(seen).size).toBe(seen.length);
    // The original rows come in the requested order.
    const sortedOriginal = [...original].sort((a, b) => {
      const value = (v: typeof a) => ({ key: v.issue.issueKey, created: v.issue.createdMs, updated: v.issue.updatedMs })[sort];
      const byValue = value(a) < value(b) ? -1 : Number(value(a) > value(b));
      const cmp = byValue || Number(a.issue.issueId) - Number(b.issue.issueId);
      return order === 'asc' ? cmp : -cmp;
    });
    expect(seen.filter(id => originalIds.includes(id))).toEqual(sortedOriginal.map(v => v.issue.issueId));
  });

  it('sorts keys in natural order, priorities most urgent first and statuses in workflow order', async () => {
    const { store, query } = await setup();
    const priority = (id: string, name: string) => ({ rawFields: { priority: { id, name } }, priority: name });
    await store.writePage({
      syncId: 's1',
      instance: 'cloud',
      versions: [
        version(1, { issueKey: 'ALPHA-100', projectKey: 'ALPHA', ...priority('5', 'Lowest'), status: 'Done', statusCategory: 'done' }),
        version(2, { issueKey: 'ALPHA-9', projectKey: 'ALPHA', ...priority('10001', 'Custom'), status: 'In Review', statusCategory: 'indeterminate' }),
        version(3, { issueKey: 'ALPHA-10', projectKey: 'ALPHA', ...priority('1', 'Highest'), status: 'To Do', statusCategory: 'new' }),
        version(4, { issueKey: 'BETA-1', projectKey: 'BETA', rawFields: {}, priority: null, status: 'In Progress', statusCategory: 'indeterminate' }),
        version(5, { issueKey: 'ALPHA-2', projectKey: 'ALPHA', ...priority('3', 'Medium'), status: 'Backlog', statusCategory: 'new' }),
      ],
      nowMs: NOW,
    });
    const sorted = async (page: IssuePageRequest) => keysOf((await query.listIssues({ instance: 'cloud' }, page)).items);
    expect(await sorted({ sort: 'key', order: 'asc' })).toEqual(['ALPHA-2', 'ALPHA-9', 'ALPHA-10', 'ALPHA-100', 'BETA-1']);
    expect(await sorted({ sort: 'key', order: 'desc' })).toEqual(['BETA-1', 'ALPHA-100', 'ALPHA-10', 'ALPHA-9', 'ALPHA-2']);
    // Highest, Medium, Lowest, then a custom priority (a later id), then none.
    expect(await sorted({ sort: 'priority', order: 'desc' })).toEqual(['ALPHA-10', 'ALPHA-2', 'ALPHA-100', 'ALPHA-9', 'BETA-1']);
    expect(await sorted({ sort: 'priority', order: 'asc' })).toEqual(['BETA-1', 'ALPHA-9', 'ALPHA-100', 'ALPHA-2', 'ALPHA-10']);
    expect(await sorted({ sort: 'status', order: 'asc' })).toEqual(['ALPHA-2', 'ALPHA-10', 'BETA-1', 'ALPHA-9', 'ALPHA-100']);
    // A priority change moves the issue (from last to tied first, the id after ALPHA-10's): the sort columns follow every write.
    await store.writePage({
      syncId: 's2',
      instance: 'cloud',
      versions: [version(4, { issueKey: 'BETA-1', projectKey: 'BETA', ...priority('1', 'Highest'), status: 'Done', statusCategory: 'done', updatedMs: BASE_MS + 9 * HOUR })],
      nowMs: NOW,
    });
    expect((await sorted({ sort: 'priority', order: 'desc' })).slice(0, 2)).toEqual(['ALPHA-10', 'BETA-1']);
    expect((await sorted({ sort: 'status', order: 'desc' }))[0]).toBe('BETA-1');
  });

  it.each([
    ['key', 'asc'],
    ['key', 'desc'],
    ['priority', 'desc'],
    ['priority', 'asc'],
    ['status', 'asc'],
    ['status', 'desc'],
  ] as const)('pages by %s %s across ties without skipping or repeating an issue', async (sort, order) => {
    const { store, query } = await setup();
    const priorities = [['1', 'Highest'], ['3', 'Medium'], ['10002', 'Custom'], undefined] as const;
    const statuses = [['Backlog', 'new'], ['In Progress', 'indeterminate'], ['Done', 'done'], ['To Do', 'new']] as const;
    // Ids out of key order, and many issues sharing a priority or status: the id breaks the ties.
    const versions = Array.from({ length: 37 }, (_, i) => {
      const p = priorities[i % 4];
      const [status, statusCategory] = statuses[(i * 3) % 4];
      return version(1000 - i * 7, {
        issueKey: `${i % 3 ? 'ALPHA' : 'BETA'}-${(i * 13) % 41}`, projectKey: i % 3 ? 'ALPHA' : 'BETA',
        rawFields: p ? { priority: { id: p[0], name: p[1] } } : {}, priority: p?.[1] ?? null, status, statusCategory,
      });
    });
    await store.writePage({ syncId: 's1', instance: 'cloud', versions, nowMs: NOW });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await query.listIssues({ instance: 'cloud', projectKeys: ['ALPHA', 'BETA'] }, { sort, order, limit: 4, cursor });
      seen.push(...page.items.map(i => i.issueId));
      cursor = page.nextCursor;
    } while (cursor && seen.length < 100);
    expect(new Set(seen).size).toBe(seen.length);
    // The expected order by the rules stated independently of the store's.
    const rank = (v: (typeof versions)[number]): Array<string | number> => {
      const { issue } = v;
      const priorityId = (issue.rawFields.priority as { id: string } | undefined)?.id;
      if (sort === 'key') return [issue.projectKey, Number(issue.issueKey.split('-')[1])];
      if (sort === 'priority') return [priorityId ? Number(priorityId) : Infinity];
      return [['new', 'indeterminate', 'done'].indexOf(issue.statusCategory!), issue.status!];
    };
    const compare = (a: Array<string | number>, b: Array<string | number>) => {
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
      return 0;
    };
    // Priority desc (most urgent first) is the lowest id first, the tie-breakers following it.
    const ascending = (sort === 'priority') !== (order === 'asc');
    const expected = [...versions]
      .sort((a, b) => {
        const cmp = compare(rank(a), rank(b)) || Number(a.issue.issueId) - Number(b.issue.issueId);
        return ascending ? cmp : -cmp;
      })
      .map(v => v.issue.issueId);
    expect(seen).toEqual(expected);
  });

  it('caps the page size at 500 and rejects foreign cursors', async () => {
    const { store, query } = await setup();
    await store.writePage({ syncId: 's1', instance: 'cloud', versions: Array.from({ length: 502 }, (_, i) => version(i + 1)), nowMs: NOW });
    const page = await query.listIssues({}, { limit: 10_000 });
    expect(page.items).toHaveLength(500);
    const rest = await query.listIssues({}, { limit: 10_000, cursor: page.nextCursor });
    expect(rest.items).toHaveLength(2);
    expect(rest.nextCursor).toBeUndefined();
    expect((await query.listIssues({})).items).toHaveLength(50);

    await expect(query.listIssues({}, { cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
    // A cursor from another sort order is refused rather than misread.
    await expect(query.listIssues({}, { sort: 'key', cursor: page.nextCursor })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('gets one issue by key or id with custom fields and links', async () => {
    const { store, query } = await withFixture();
    await store.writePage({
      syncId: 's1',
      instance: 'cloud',
      versions: [version(2, { updatedMs: BASE_MS + 50 * HOUR, customFields: { team: 'edge' } }, [history(21)], [link(7, 1), link(8, 3, 'inward')])],
      nowMs: NOW,
    });
    const byKey = await query.getIssue('cloud', 'abc-2');
    expect(byKey).toMatchObject({
      instance: 'cloud', issueId: '2', issueKey: 'ABC-2', customFields: { team: 'edge' }, historyCount: 1, lastHistoryId: '21',
      rawFields: { summary: 'Issue 2' }, deletedMs: null,
    });
    expect(byKey?.links).toEqual([
      { linkId: '7', linkType: 'Blocks', direction: 'outward', description: 'blocks', otherIssueId: '1', otherIssueKey: 'ABC-1' },
      { linkId: '8', linkType: 'Blocks', direction: 'inward', description: 'is blocked by', otherIssueId: '3', otherIssueKey: 'ABC-3' },
    ]);
    expect((await query.getIssue('cloud', '2'))?.issueKey).toBe('ABC-2');
    expect((await query.getIssue('dc', '1'))?.summary).toBe('Same id, other instance');
    expect(await query.getIssue('dc', 'ABC-2')).toBeUndefined();
    expect(await query.getIssue(undefined, 'NOPE-1')).toBeUndefined();

    // Without an instance the live issue wins over a soft-deleted one.
    await store.softDeleteIssue({ instance: 'cloud', issueId: '1', reason: 'deleted', nowMs: NOW });
    expect(await query.getIssue(undefined, 'ABC-1')).toMatchObject({ instance: 'dc', deletedMs: null });
    expect(await query.getIssue('cloud', 'ABC-1')).toMatchObject({ instance: 'cloud', deletedReason: 'deleted' });
  });

  it('lists histories oldest first with items, page by page', async () => {
    const { store, query } = await setup();
    const histories = [
      history(30, [{ field: 'status', from: 'To Do', to: 'In Progress' }, { field: 'assignee', from: null, to: 'Ada' }], BASE_MS + 1000),
      // Same time as 30: the id breaks the tie.
      history(31, [{ field: 'priority', from: 'Low', to: 'High' }], BASE_MS + 1000),
      history(10, [{ field: 'summary', from: 'a', to: 'b' }], BASE_MS + 2000),
      history(40, [{ field: 'status', from: 'In Progress', to: 'Done' }], BASE_MS + 3000),
    ];
    await store.writePage({ syncId: 's1', instance: 'cloud', versions: [version(1, {}, histories), version(2, {}, [history(99)])], nowMs: NOW });

    const first = await query.listHistories('cloud', '1', { limit: 3 });
    expect(first.items.map(h => h.historyId)).toEqual(['30', '31', '10']);
    expect(first.items[0]).toMatchObject({ authorAccountId: 'acc-1', createdMs: BASE_MS + 1000 });
    expect(first.items[0].items.map(i => [i.field, i.fromString, i.toString])).toEqual([
      ['status', 'To Do', 'In Progress'],
      ['assignee', null, 'Ada'],
    ]);
    const second = await query.listHistories('cloud', '1', { limit: 3, cursor: first.nextCursor });
    expect(second.items.map(h => h.historyId)).toEqual(['40']);
    expect(second.nextCursor).toBeUndefined();
    expect((await query.listHistories('cloud', '3')).items).toEqual([]);
  });

  it('counts by status category', async () => {
    const { query } = await withFixture();
    expect(await query.countByStatusCategory({ instance: 'cloud' })).toEqual({ new: 2, indeterminate: 1, done: 1, total: 4 });
    expect(await query.countByStatusCategory({ instance: 'cloud', projectKeys: ['ABC'], label: 'backend' })).toEqual({ new: 0, indeterminate: 1, done: 0, total: 1 });
  });

  it('gives flow metrics their issues and status changes', async () => {
    const { store, query } = await setup();
    await store.writePage({
      syncId: 's1',
      instance: 'cloud',
      versions: [
        version(1, { status: 'Done', statusCategory: 'done', resolvedMs: BASE_MS + 5 * HOUR, updatedMs: BASE_MS + 5 * HOUR }, [
          history(12, [{ field: 'status', from: 'In Progress', to: 'Done' }], BASE_MS + 5 * HOUR),
          history(11, [{ field: 'assignee', to: 'Ada' }, { field: 'status', from: 'Backlog', to: 'In Progress' }], BASE_MS + 2 * HOUR),
        ]),
        version(2, { status: 'Selected' }),
        version(3, { projectKey: 'XYZ', issueKey: 'XYZ-3' }, [history(31)]),
      ],
      nowMs: NOW,
    });

    const byId = <T extends { issueId: string; historyId?: string }>(rows: T[]) =>
      [...rows].sort((x, y) => x.issueId.localeCompare(y.issueId) || (x.historyId ?? '').localeCompare(y.historyId ?? ''));
    const flow = await query.issuesForFlow({ instance: 'cloud', projectKeys: ['ABC'] });
    expect(byId(flow)).toEqual([
      { instance: 'cloud', issueId: '1', issueKey: 'ABC-1', projectKey: 'ABC', createdMs: BASE_MS, resolvedMs: BASE_MS + 5 * HOUR, status: 'Done', statusCategory: 'done' },
      { instance: 'cloud', issueId: '2', issueKey: 'ABC-2', projectKey: 'ABC', createdMs: BASE_MS, resolvedMs: null, status: 'Selected', statusCategory: 'new' },
    ]);

    // Status items only (the assignee item of history 11 is left out), of the matching issues only.
    const changes = await query.statusChanges({ instance: 'cloud' });
    expect(byId(changes).map(c => [c.instance, c.issueId, c.historyId, c.createdMs, c.fromString, c.toString])).toEqual([
      ['cloud', '1', '11', BASE_MS + 2 * HOUR, 'Backlog', 'In Progress'],
      ['cloud', '1', '12', BASE_MS + 5 * HOUR, 'In Progress', 'Done'],
      ['cloud', '3', '31', BASE_MS + 31 * 60_000, 'To Do', 'In Progress'],
    ]);
    expect(byId(await query.statusChanges({ instance: 'cloud', projectKeys: ['XYZ'] })).map(c => c.historyId)).toEqual(['31']);
    expect(await query.statusChanges({ instance: 'dc' })).toEqual([]);

    // Issue 2 was updated before the cut, issue 1 after it (at its last history).
    const cut = BASE_MS + 3 * HOUR;
    const groups = await query.statusGroups({ instance: 'cloud', projectKeys: ['ABC'] }, cut);
    expect([...groups].sort((x, y) => String(x.status).localeCompare(String(y.status)))).toEqual([
      { instance: 'cloud', status: 'Done', statusCategory: 'done', changedSince: true, issues: 1, firstCreatedMs: BASE_MS },
      { instance: 'cloud', status: 'Selected', statusCategory: 'new', changedSince: false, issues: 1, firstCreatedMs: BASE_MS },
    ]);
  });
});
