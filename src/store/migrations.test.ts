import { TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { migrationsDirectory } from './database';
import { KnexIssueQueryStore } from './KnexIssueQueryStore';

const tables = [
  'jira_sync_issues',
  'jira_sync_issue_scopes',
  'jira_sync_histories',
  'jira_sync_history_items',
  'jira_sync_issue_links',
  'jira_sync_sync_state',
  'jira_sync_runs',
  'jira_sync_dead_letters',
  'jira_sync_fields',
  'jira_sync_webhook_events',
  'jira_sync_oauth_tokens',
];

jest.setTimeout(60_000);

async function indexNames(knex: Knex, table: string): Promise<string[]> {
  if (knex.client.config.client === 'pg') {
    const { rows } = await knex.raw('select indexname as name from pg_indexes where tablename = ?', [table]);
    return rows.map((r: { name: string }) => r.name);
  }
  const rows = await knex.raw("select name from sqlite_master where type = 'index' and tbl_name = ?", [table]);
  return rows.map((r: { name: string }) => r.name);
}

describe('migrations', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

  it.each(databases.eachSupportedId())('migrate up, down and up again on %p', async databaseId => {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDirectory });
    for (const table of tables) {
      expect(await knex.schema.hasTable(table)).toBe(true);
    }
    expect(await indexNames(knex, 'jira_sync_issues')).toContain('jira_sync_issues_issue_key_idx');
    // A Jira id beyond 2^31 survives the round trip: ids are bigint on both engines.
    await knex('jira_sync_issues').insert({
      instance: 'cloud',
      issue_id: '3000000001',
      issue_key: 'ABC-1',
      project_key: 'ABC',
      raw_fields: '{}',
      content_hash: 'h',
      created_ms: 1,
      updated_ms: 1_767_225_600_123,
      first_synced_ms: 1,
      synced_ms: 1,
    });
    const row = await knex('jira_sync_issues').first();
    expect(String(row.issue_id)).toBe('3000000001');
    expect(Number(row.updated_ms)).toBe(1_767_225_600_123);
    expect(row.labels).toBe('[]');

    await knex.migrate.rollback({ directory: migrationsDirectory }, true);
    // Every migration's down step ran: nothing of the data model is left behind.
    for (const table of tables) {
      expect(await knex.schema.hasTable(table)).toBe(false);
    }
    await knex.migrate.latest({ directory: migrationsDirectory });
    expect(await knex.schema.hasTable('jira_sync_issues')).toBe(true);

    // The last migration alone rolls back cleanly (its index goes, the table stays).
    await knex.migrate.down({ directory: migrationsDirectory, name: '20261125020000_issue_key_lookup_index.js' });
    expect(await indexNames(knex, 'jira_sync_issues')).not.toContain('jira_sync_issues_issue_key_idx');
    expect(await indexNames(knex, 'jira_sync_issues')).toContain('jira_sync_issues_key_idx');
  });

  it.each(databases.eachSupportedId())('the text-search migration indexes existing issues and rolls back on %p', async databaseId => {
    const knex = await databases.init(databaseId);
    const textSearch = '20261202030000_issue_text_search.js';
    // Every migration before it, one at a time.
    for (;;) {
      const [, pending]: [unknown, Array<{ file: string }>] = await knex.migrate.list({ directory: migrationsDirectory });
      if (pending[0].file === textSearch) break;
      await knex.migrate.up({ directory: migrationsDirectory });
    }
    expect(await knex.schema.hasColumn('jira_sync_issues', 'search_words')).toBe(false);
    // Rows written before the migration, more than one backfill batch, in two instances.
    const row = (instance: string, id: number, summary: string | null) => ({
      instance, issue_id: String(id), issue_key: `ABC-${id}`, project_key: 'ABC', summary, raw_fields: '{}', content_hash: 'h',
      created_ms: 1, updated_ms: id, first_synced_ms: 1, synced_ms: 1,
    });
    const rows = Array.from({ length: 2100 }, (_, i) => row(i % 2 ? 'dc' : 'cloud', i + 1, i === 2099 ? 'Été: Über-Fehler' : `Issue number ${i + 1}`));
    rows.push(row('cloud', 5000, null));
    for (let i = 0; i < rows.length; i += 200) await knex('jira_sync_issues').insert(rows.slice(i, i + 200));
    await knex.migrate.latest({ directory: migrationsDirectory });

    const query = await KnexIssueQueryStore.create({ database: { getClient: async () => knex } });
    const keys = async (text: string) => (await query.listIssues({ text }, { limit: 500 })).items.map(i => `${i.instance}/${i.issueKey}`).sort();
    expect(await keys('ete uber fehl')).toEqual(['dc/ABC-2100']);
    expect(await keys('issue 1999')).toEqual(['cloud/ABC-1999']);
    expect((await query.listIssues({ text: 'number' }, { limit: 1 })).items).toHaveLength(1);
    const [{ n }] = await knex('jira_sync_issues').whereNull('search_words').count({ n: '*' });
    expect(Number(n)).toBe(1);

    await knex.migrate.down({ directory: migrationsDirectory, name: textSearch });
    expect(await knex.schema.hasColumn('jira_sync_issues', 'search_words')).toBe(false);
    const leftovers =
      databaseId === 'SQLITE_3'
        ? (await knex.raw("select name from sqlite_master where name like 'jira_sync_issue_search%'")).map((r: { name: string }) => r.name)
        : (await indexNames(knex, 'jira_sync_issues')).filter(name => name === 'jira_sync_issues_search_idx');
    expect(leftovers).toEqual([]);
    // Up again: writes after the rollback are indexed too.
    await knex('jira_sync_issues').where({ instance: 'cloud', issue_id: '1' }).update({ summary: 'Rewritten while rolled back' });
    await knex.migrate.up({ directory: migrationsDirectory, name: textSearch });
    expect(await keys('rewritten')).toEqual(['cloud/ABC-1']);
  });
  it.each(databases.eachSupportedId())('the sort-columns migration backfills existing issues and rolls back on %p', async databaseId => {
    const knex = await databases.init(databaseId);
    const sortColumns = '20261204010000_issue_sort_columns.js';
    for (;;) {
      const [, pending]: [unknown, Array<{ file: string }>] = await knex.migrate.list({ directory: migrationsDirectory });
      if (pending[0].file === sortColumns) break;
      await knex.migrate.up({ directory: migrationsDirectory });
    }
    expect(await knex.schema.hasColumn('jira_sync_issues', 'priority_seq')).toBe(false);
    // More than one backfill batch; priorities as Jira returns them in the stored fields.
    const priorities = [{ id: '1', name: 'Highest' }, { id: '10001', name: 'Custom' }, { id: '5', name: 'Lowest' }, null];
    const statuses = [['Done', 'done'], ['To Do', 'new'], ['In Progress', 'indeterminate']];
    const rows = Array.from({ length: 1203 }, (_, i) => ({
      instance: 'cloud', issue_id: String(i + 1), issue_key: `ALPHA-${i + 1}`, project_key: 'ALPHA', raw_fields: JSON.stringify({ priority: priorities[i % 4] }),
      status: statuses[i % 3][0], status_category: statuses[i % 3][1], content_hash: 'h', created_ms: 1, updated_ms: i, first_synced_ms: 1, synced_ms: 1,
    }));
    for (let i = 0; i < rows.length; i += 200) await knex('jira_sync_issues').insert(rows.slice(i, i + 200));
    await knex.migrate.up({ directory: migrationsDirectory, name: sortColumns });

    const query = await KnexIssueQueryStore.create({ database: { getClient: async () => knex } });
    const keys = async (sort: 'key' | 'priority' | 'status', order: 'asc' | 'desc', limit = 4) =>
      (await query.listIssues({ instance: 'cloud' }, { sort, order, limit })).items.map(i => i.issueKey);
    expect(await keys('key', 'asc')).toEqual(['ALPHA-1', 'ALPHA-2', 'ALPHA-3', 'ALPHA-4']);
    expect(await keys('key', 'desc', 2)).toEqual(['ALPHA-1203', 'ALPHA-1202']);
    // Highest (every fourth from ALPHA-1), lowest id first on a tie.
    expect(await keys('priority', 'desc', 2)).toEqual(['ALPHA-1', 'ALPHA-5']);
    // No priority is least urgent.
    expect(await keys('priority', 'asc', 2)).toEqual(['ALPHA-1200', 'ALPHA-1196']);
    expect(await keys('status', 'asc', 2)).toEqual(['ALPHA-2', 'ALPHA-5']);
    expect(await indexNames(knex, 'jira_sync_issues')).toContain('jira_sync_issues_project_priority_idx');

    await knex.migrate.down({ directory: migrationsDirectory, name: sortColumns });
    for (const column of ['issue_number', 'priority_seq', 'status_order']) {
      expect(await knex.schema.hasColumn('jira_sync_issues', column)).toBe(false);
    }
    expect((await indexNames(knex, 'jira_sync_issues')).filter(name => /priority|status_order|key_number/.test(name))).toEqual([]);
  });
});
