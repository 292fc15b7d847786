// @ts-check

/**
 * The field ids and scope a sync last fetched (so a mapping-only spec change is re-projected locally), and
 * rotated OAuth refresh tokens, persisted before use because Jira invalidates the previous one.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('jira_sync_sync_state', table => {
    table.text('fetched_fields').nullable().comment('JSON array of Jira field ids the last complete sweep fetched');
    table.text('scope_jql').nullable().comment('the scope JQL of the last complete sweep; a change means a full sweep');
  });
  await knex.schema.createTable('jira_sync_oauth_tokens', table => {
    table.string('instance', 100).primary();
    table.text('refresh_token').notNullable();
    table.bigInteger('updated_ms').notNullable();
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTableIfExists('jira_sync_oauth_tokens');
  await knex.schema.alterTable('jira_sync_sync_state', table => {
    table.dropColumn('fetched_fields');
    table.dropColumn('scope_jql');
  });
};
