// @ts-check

/**
 * Indexes for the REST API's reads. An entity selects by project key without an instance, so the
 * instance-first indexes of the data model cannot serve it: these lead with the project key and
 * end with the keyset tie-breakers (instance, issue_id), so a page is an ordered index range.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('jira_sync_issues', table => {
    // Entity and project lists, newest update first (the card's default), and flow metrics (project + updated since).
    table.index(['project_key', 'updated_ms', 'instance', 'issue_id'], 'jira_sync_issues_project_updated_page_idx');
    table.index(['project_key', 'created_ms', 'instance', 'issue_id'], 'jira_sync_issues_project_created_page_idx');
    table.index(['project_key', 'issue_key'], 'jira_sync_issues_project_key_order_idx');
    // Counts by status category for an entity's projects.
    table.index(['project_key', 'status_category'], 'jira_sync_issues_project_status_idx');
    // Unfiltered lists sorted by creation, and issues looked up by numeric id without an instance.
    table.index(['created_ms', 'instance', 'issue_id'], 'jira_sync_issues_created_page_idx');
    table.index(['issue_id'], 'jira_sync_issues_issue_id_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('jira_sync_issues', table => {
    table.dropIndex([], 'jira_sync_issues_issue_id_idx');
    table.dropIndex([], 'jira_sync_issues_created_page_idx');
    table.dropIndex([], 'jira_sync_issues_project_status_idx');
    table.dropIndex([], 'jira_sync_issues_project_key_order_idx');
    table.dropIndex([], 'jira_sync_issues_project_created_page_idx');
    table.dropIndex([], 'jira_sync_issues_project_updated_page_idx');
  });
};
