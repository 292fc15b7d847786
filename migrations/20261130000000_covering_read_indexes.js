// @ts-check

/**
 * Covering indexes for the read path measured by `npm run bench:api` at 100,000 issues: counts by
 * status category skip soft-deleted rows without visiting the table, and an assignee's issues come
 * newest first as an ordered index range (keyset tie-breakers last).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('jira_sync_issues', table => {
    table.dropIndex([], 'jira_sync_issues_project_status_idx');
    table.dropIndex([], 'jira_sync_issues_project_category_idx');
    table.dropIndex([], 'jira_sync_issues_assignee_idx');
  });
  await knex.schema.alterTable('jira_sync_issues', table => {
    // An entity's counts (by project, any instance) and a sync's counts (instance and projects).
    table.index(['project_key', 'status_category', 'deleted_ms', 'instance'], 'jira_sync_issues_project_status_live_idx');
    table.index(['instance', 'project_key', 'status_category', 'deleted_ms'], 'jira_sync_issues_project_category_live_idx');
    table.index(['assignee_account_id', 'updated_ms', 'instance', 'issue_id'], 'jira_sync_issues_assignee_updated_page_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('jira_sync_issues', table => {
    table.dropIndex([], 'jira_sync_issues_assignee_updated_page_idx');
    table.dropIndex([], 'jira_sync_issues_project_category_live_idx');
    table.dropIndex([], 'jira_sync_issues_project_status_live_idx');
  });
  await knex.schema.alterTable('jira_sync_issues', table => {
    table.index(['assignee_account_id'], 'jira_sync_issues_assignee_idx');
    table.index(['instance', 'project_key', 'status_category'], 'jira_sync_issues_project_category_idx');
    table.index(['project_key', 'status_category'], 'jira_sync_issues_project_status_idx');
  });
};
