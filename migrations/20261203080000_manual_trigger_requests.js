// @ts-check

/**
 * Who triggered a run, across replicas: the trigger API writes a pending request before asking the
 * scheduler, and the next run of that sync claims (deletes) it and records itself as manual.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('jira_sync_trigger_requests', table => {
    table.increments('request_id').primary();
    table.string('sync_id', 255).notNullable();
    table.bigInteger('requested_ms').notNullable();
    table.string('actor', 512).notNullable().comment('User entity ref or service subject that asked for the run');
    table.index(['sync_id', 'request_id'], 'jira_sync_trigger_requests_sync_idx');
  });
  await knex.schema.alterTable('jira_sync_runs', table => {
    table.string('triggered_by', 512).nullable().comment('Who triggered a manual run; null for scheduled runs');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('jira_sync_runs', table => {
    table.dropColumn('triggered_by');
  });
  await knex.schema.dropTable('jira_sync_trigger_requests');
};
