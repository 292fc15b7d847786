// @ts-check

/**
 * Looking an issue up by key alone (`/issues/ABC-1` without an instance) cannot use the
 * (instance, issue_key) index; this one serves it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('jira_sync_issues', table => {
    table.index(['issue_key'], 'jira_sync_issues_issue_key_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('jira_sync_issues', table => {
    table.dropIndex(['issue_key'], 'jira_sync_issues_issue_key_idx');
  });
};
