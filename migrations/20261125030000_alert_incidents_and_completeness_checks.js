// @ts-check

/**
 * Operations: alert incidents (one row per subject and kind, claimed with conditional updates so
 * replicas never send the same notice twice) and the results of scheduled completeness checks.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('jira_sync_alert_incidents', table => {
    table.string('subject_type', 16).notNullable().comment('sync | instance');
    table.string('subject_id', 255).notNullable().comment('sync id or Jira instance name');
    table.string('kind', 64).notNullable().comment('consecutive-failures | stale | slow-run | ...');
    table.bigInteger('opened_ms').notNullable();
    table.text('message').notNullable();
    table.bigInteger('notice_sent_ms').nullable().comment('when the opening notice was claimed for sending; null: not sent');
    table.bigInteger('resolved_ms').nullable().comment('null while the incident is open');
    table.bigInteger('recovery_sent_ms').nullable();
    table.integer('occurrences').notNullable().defaultTo(1).comment('incidents of this kind so far');
    table.primary(['subject_type', 'subject_id', 'kind']);
  });

  await knex.schema.createTable('jira_sync_completeness_checks', table => {
    table.bigIncrements('check_id').primary();
    table.string('sync_id', 255).notNullable();
    table.bigInteger('started_ms').notNullable();
    table.bigInteger('ended_ms').nullable();
    table.string('outcome', 16).notNullable().comment('running | succeeded | failed | skipped');
    table.integer('sampled').notNullable().defaultTo(0);
    table.integer('compared').notNullable().defaultTo(0).comment('sampled minus those changed in Jira since the last run');
    table.integer('differing').notNullable().defaultTo(0).comment('compared issues with at least one difference');
    table.integer('missing_in_jira').notNullable().defaultTo(0).comment('stored live, not returned by Jira');
    table.integer('count_mismatches').notNullable().defaultTo(0).comment('projects whose count differs from Jira');
    table.integer('repaired').notNullable().defaultTo(0);
    table.integer('unrepaired_drift').notNullable().defaultTo(0).comment('differing + missing + count mismatches - repaired');
    table.text('counts').nullable().comment('JSON: [{project, jira, stored}]');
    table.text('differences').nullable().comment('JSON: first differences found');
    table.text('error').nullable();
    table.index(['sync_id', 'started_ms'], 'jira_sync_completeness_checks_sync_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('jira_sync_completeness_checks');
  await knex.schema.dropTable('jira_sync_alert_incidents');
};
