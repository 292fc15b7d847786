// @ts-check

/**
 * Incremental sweeps start the overlap before Jira's own clock at the previous sweep's first
 * search, not before the newest stored `updated` (which re-read the last overlap's edits on every
 * run). Null for state written before: those syncs keep the old rule until their next sweep ends.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('jira_sync_sync_state', table => {
    table.bigInteger('last_sweep_jira_start_ms').nullable().comment("Jira's clock when the last completed sweep's first search ran");
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('jira_sync_sync_state', table => {
    table.dropColumn('last_sweep_jira_start_ms');
  });
};
