// @ts-check

const { searchDocument } = require('./lib/searchText');

/**
 * Text search (`q`) through a word index instead of `lower(summary) like '%…%'` (a scan of every
 * row): `search_words` holds the summary's words by the rules of lib/searchText.js, written by the
 * store and backfilled here. SQLite indexes them with FTS5 (kept in step by triggers), PostgreSQL
 * with a GIN index over the same words as a stored tsvector (`search_vector`, generated); both match word prefixes identically.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('jira_sync_issues', table => {
    table.text('search_words').nullable().comment('distinct words of the summary (migrations/lib/searchText.js)');
  });
  await backfill(knex);
  if (isSqlite(knex)) {
    // The ascii tokenizer keeps every non-ASCII character in its word: the words are already split and folded.
    await knex.raw(
      `create virtual table jira_sync_issue_search using fts5(search_words, content='jira_sync_issues', content_rowid='rowid', tokenize='ascii', prefix='1 2 3')`,
    );
    await knex.raw(`create trigger jira_sync_issue_search_ai after insert on jira_sync_issues begin
      insert into jira_sync_issue_search(rowid, search_words) values (new.rowid, new.search_words); end`);
    await knex.raw(`create trigger jira_sync_issue_search_ad after delete on jira_sync_issues begin
      insert into jira_sync_issue_search(jira_sync_issue_search, rowid, search_words) values ('delete', old.rowid, old.search_words); end`);
    await knex.raw(`create trigger jira_sync_issue_search_au after update of search_words on jira_sync_issues begin
      insert into jira_sync_issue_search(jira_sync_issue_search, rowid, search_words) values ('delete', old.rowid, old.search_words);
      insert into jira_sync_issue_search(rowid, search_words) values (new.rowid, new.search_words); end`);
    await knex.raw(`insert into jira_sync_issue_search(jira_sync_issue_search) values ('rebuild')`);
  } else {
    // Stored, so a plan that filters rows of another index (a project's, newest first) reads the vector instead of building it per row.
    await knex.raw(
      `alter table jira_sync_issues add column search_vector tsvector generated always as (array_to_tsvector(string_to_array(search_words, ' '))) stored`,
    );
    await knex.raw('create index jira_sync_issues_search_idx on jira_sync_issues using gin (search_vector)');
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  if (isSqlite(knex)) {
    for (const trigger of ['ai', 'ad', 'au']) await knex.raw(`drop trigger if exists jira_sync_issue_search_${trigger}`);
    await knex.raw('drop table if exists jira_sync_issue_search');
  } else {
    await knex.raw('drop index if exists jira_sync_issues_search_idx');
    await knex.raw('alter table jira_sync_issues drop column if exists search_vector');
  }
  await knex.schema.alterTable('jira_sync_issues', table => {
    table.dropColumn('search_words');
  });
};

/** @param {import('knex').Knex} knex */
function isSqlite(knex) {
  return /sqlite/i.test(String(knex.client.config.client));
}

/**
 * Existing rows get their words, a keyset batch at a time.
 *
 * @param {import('knex').Knex} knex
 */
async function backfill(knex) {
  const batch = 1000;
  /** @type {{ instance: string, issue_id: string | number } | undefined} */
  let after;
  for (;;) {
    const query = knex('jira_sync_issues').select('instance', 'issue_id', 'summary').orderBy(['instance', 'issue_id']).limit(batch);
    if (after) {
      const { instance, issue_id } = after;
      query.where(q => q.where('instance', '>', instance).orWhere(q2 => q2.where('instance', instance).andWhere('issue_id', '>', issue_id)));
    }
    const rows = await query;
    if (!rows.length) return;
    const updates = rows.map(row => ({ instance: row.instance, issue_id: String(row.issue_id), words: searchDocument(row.summary) }));
    if (isSqlite(knex)) {
      for (const u of updates) {
        await knex('jira_sync_issues').where({ instance: u.instance, issue_id: u.issue_id }).update({ search_words: u.words });
      }
    } else {
      await knex.raw(
        `update jira_sync_issues i set search_words = u.words
         from unnest(?::text[], ?::bigint[], ?::text[]) as u(instance, issue_id, words)
         where i.instance = u.instance and i.issue_id = u.issue_id`,
        [updates.map(u => u.instance), updates.map(u => u.issue_id), updates.map(u => u.words)],
      );
    }
    const last = rows[rows.length - 1];
    after = { instance: last.instance, issue_id: last.issue_id };
  }
}
