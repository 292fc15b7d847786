// @ts-check

/**
 * Covering indexes for the entity tab's charts, so they read no table rows (wide with raw fields):
 * a project's issues updated since a time with every column a timeline needs, and the status items
 * with their history's time. The items index is partial: status names are short, other fields'
 * values (descriptions) can exceed PostgreSQL's index row limit.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.raw(`create index jira_sync_issues_project_flow_idx on jira_sync_issues
    (project_key, updated_ms, instance, issue_id, deleted_ms, status, status_category, created_ms, resolved_ms, issue_key)`);
  await knex.raw(`create index jira_sync_history_items_status_idx on jira_sync_history_items
    (instance, issue_id, history_id, from_string, to_string) where field = 'status'`);
  await knex.raw('create index jira_sync_histories_time_idx on jira_sync_histories (instance, history_id, created_ms)');
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.raw('drop index jira_sync_histories_time_idx');
  await knex.raw('drop index jira_sync_history_items_status_idx');
  await knex.raw('drop index jira_sync_issues_project_flow_idx');
};
