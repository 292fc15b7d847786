// @ts-check

/**
 * A running run's progress, written on every page so any replica can show it: issues_read is the
 * live counter (final at the end), issues_expected Jira's approximate count at the start.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('jira_sync_runs', table => {
    table.integer('issues_expected').nullable().comment("Jira's approximate count of the run's issues, read when it started");
    table.bigInteger('progress_ms').nullable().comment('When issues_read was last written while the run was running');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('jira_sync_runs', table => {
    table.dropColumn('issues_expected');
    table.dropColumn('progress_ms');
  });
};
