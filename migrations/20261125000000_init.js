// @ts-check

/**
 * The whole jira-sync data model. Times are epoch milliseconds (bigint) so they compare exactly
 * on SQLite and PostgreSQL; JSON is stored as text for portability.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  // One row per Jira issue, identified by (instance, numeric issue id); key and project change on moves.
  await knex.schema.createTable('jira_sync_issues', table => {
    table.string('instance', 100).notNullable();
    table.bigInteger('issue_id').notNullable();
    table.string('issue_key', 255).notNullable();
    table.string('project_key', 255).notNullable();
    table.bigInteger('project_id').nullable();
    table.string('issue_type', 255).nullable();
    table.string('status', 255).nullable();
    table.string('status_category', 32).nullable().comment('new | indeterminate | done');
    table.string('priority', 255).nullable();
    table.text('summary').nullable();
    table.string('assignee_account_id', 255).nullable();
    table.string('assignee_name', 255).nullable();
    table.string('reporter_account_id', 255).nullable();
    table.string('reporter_name', 255).nullable();
    table.text('labels').notNullable().defaultTo('[]').comment('JSON array of strings');
    table.text('components').notNullable().defaultTo('[]').comment('JSON array of names');
    table.text('fix_versions').notNullable().defaultTo('[]').comment('JSON array of names');
    table.bigInteger('parent_id').nullable();
    table.string('parent_key', 255).nullable();
    table.bigInteger('created_ms').notNullable();
    table.bigInteger('updated_ms').notNullable();
    table.bigInteger('resolved_ms').nullable();
    table.text('custom_fields').notNullable().defaultTo('{}').comment('JSON: alias -> coerced value');
    table.text('raw_fields').notNullable().comment('JSON: Jira fields exactly as fetched');
    table.string('content_hash', 64).notNullable();
    table.integer('history_count').notNullable().defaultTo(0);
    table.bigInteger('last_history_id').nullable();
    table.bigInteger('deleted_ms').nullable();
    table.string('deleted_reason', 255).nullable();
    table.bigInteger('first_synced_ms').notNullable();
    table.bigInteger('synced_ms').notNullable();
    table.primary(['instance', 'issue_id']);
    table.index(['instance', 'issue_key'], 'jira_sync_issues_key_idx');
    table.index(['instance', 'project_key', 'updated_ms'], 'jira_sync_issues_project_updated_idx');
    table.index(['updated_ms'], 'jira_sync_issues_updated_idx');
    table.index(['instance', 'project_key', 'status_category'], 'jira_sync_issues_project_category_idx');
    table.index(['assignee_account_id'], 'jira_sync_issues_assignee_idx');
  });

  // Which syncs currently see an issue: an issue is soft-deleted only when no sync sees it any more.
  await knex.schema.createTable('jira_sync_issue_scopes', table => {
    table.string('sync_id', 255).notNullable();
    table.string('instance', 100).notNullable();
    table.bigInteger('issue_id').notNullable();
    table.bigInteger('seen_ms').notNullable();
    table.primary(['sync_id', 'instance', 'issue_id']);
    table.index(['instance', 'issue_id'], 'jira_sync_issue_scopes_issue_idx');
  });

  // Changelog histories; ids are unique within a Jira instance and histories are append-only.
  await knex.schema.createTable('jira_sync_histories', table => {
    table.string('instance', 100).notNullable();
    table.bigInteger('history_id').notNullable();
    table.bigInteger('issue_id').notNullable();
    table.string('author_account_id', 255).nullable();
    table.string('author_name', 255).nullable();
    table.bigInteger('created_ms').notNullable();
    table.string('created_raw', 40).notNullable().comment('timestamp exactly as Jira wrote it');
    table.primary(['instance', 'history_id']);
    table.index(['instance', 'issue_id', 'created_ms'], 'jira_sync_histories_issue_idx');
  });

  await knex.schema.createTable('jira_sync_history_items', table => {
    table.string('instance', 100).notNullable();
    table.bigInteger('history_id').notNullable();
    table.integer('item_index').notNullable();
    table.bigInteger('issue_id').notNullable();
    table.string('field', 255).notNullable();
    table.string('fieldtype', 64).nullable();
    table.string('field_id', 255).nullable();
    table.text('from_value').nullable();
    table.text('from_string').nullable();
    table.text('to_value').nullable();
    table.text('to_string').nullable();
    table.primary(['instance', 'history_id', 'item_index']);
    table.index(['instance', 'issue_id', 'field'], 'jira_sync_history_items_issue_field_idx');
  });

  // Issue links as seen from each issue (a link appears on both of its issues).
  await knex.schema.createTable('jira_sync_issue_links', table => {
    table.string('instance', 100).notNullable();
    table.bigInteger('issue_id').notNullable();
    table.bigInteger('link_id').notNullable();
    table.string('link_type', 255).notNullable();
    table.string('direction', 16).notNullable().comment('inward | outward');
    table.string('description', 255).nullable();
    table.bigInteger('other_issue_id').notNullable();
    table.string('other_issue_key', 255).nullable();
    table.primary(['instance', 'issue_id', 'link_id']);
    table.index(['instance', 'other_issue_id'], 'jira_sync_issue_links_other_idx');
  });

  await knex.schema.createTable('jira_sync_sync_state', table => {
    table.string('sync_id', 255).primary();
    table.string('instance', 100).notNullable();
    table.bigInteger('watermark_ms').nullable().comment('max issue updated time fully committed');
    table.text('resume_point').nullable().comment('JSON checkpoint of an unfinished run');
    table.bigInteger('last_full_ms').nullable();
    table.bigInteger('last_reconcile_ms').nullable();
    table.string('spec_hash', 64).nullable();
    table.string('fields_hash', 64).nullable().comment('hash of the Jira fields the sync fetches');
    table.bigInteger('updated_ms').notNullable();
  });

  await knex.schema.createTable('jira_sync_runs', table => {
    table.bigIncrements('run_id').primary();
    table.string('sync_id', 255).notNullable();
    table.string('strategy', 32).notNullable().comment('full | incremental | reconcile | reproject | backfill');
    table.string('trigger', 32).notNullable().defaultTo('schedule');
    table.bigInteger('started_ms').notNullable();
    table.bigInteger('ended_ms').nullable();
    table.string('outcome', 32).notNullable().defaultTo('running').comment('running | succeeded | failed | aborted');
    table.integer('issues_read').notNullable().defaultTo(0);
    table.integer('issues_inserted').notNullable().defaultTo(0);
    table.integer('issues_updated').notNullable().defaultTo(0);
    table.integer('issues_unchanged').notNullable().defaultTo(0);
    table.integer('issues_deleted').notNullable().defaultTo(0);
    table.integer('issues_restored').notNullable().defaultTo(0);
    table.integer('histories_written').notNullable().defaultTo(0);
    table.integer('dead_letters').notNullable().defaultTo(0);
    table.integer('api_calls').notNullable().defaultTo(0);
    table.integer('api_retries').notNullable().defaultTo(0);
    table.bigInteger('api_bytes').notNullable().defaultTo(0);
    table.bigInteger('rate_limit_wait_ms').notNullable().defaultTo(0);
    table.text('error').nullable();
    table.text('details').nullable().comment('JSON: guard reports, per-endpoint counters');
    table.index(['sync_id', 'started_ms'], 'jira_sync_runs_sync_idx');
  });

  await knex.schema.createTable('jira_sync_dead_letters', table => {
    table.bigIncrements('dead_letter_id').primary();
    table.string('sync_id', 255).notNullable();
    table.string('instance', 100).notNullable();
    table.bigInteger('issue_id').notNullable();
    table.string('issue_key', 255).nullable();
    table.text('error').notNullable();
    table.text('payload').notNullable();
    table.integer('attempts').notNullable().defaultTo(1);
    table.bigInteger('first_failed_ms').notNullable();
    table.bigInteger('last_failed_ms').notNullable();
    table.bigInteger('resolved_ms').nullable();
    table.unique(['sync_id', 'instance', 'issue_id'], { indexName: 'jira_sync_dead_letters_issue_uq' });
  });

  await knex.schema.createTable('jira_sync_fields', table => {
    table.string('instance', 100).notNullable();
    table.string('field_id', 255).notNullable();
    table.string('name', 255).notNullable();
    table.boolean('custom').notNullable();
    table.text('schema').nullable().comment('JSON schema object from /field');
    table.text('clause_names').notNullable().defaultTo('[]');
    table.bigInteger('fetched_ms').notNullable();
    table.primary(['instance', 'field_id']);
  });

  // Received webhook deliveries, keyed so a duplicate delivery is recognised and ignored.
  await knex.schema.createTable('jira_sync_webhook_events', table => {
    table.string('instance', 100).notNullable();
    table.string('event_key', 64).notNullable().comment('sha256 of the raw body');
    table.string('webhook_event', 64).notNullable();
    table.bigInteger('issue_id').nullable();
    table.bigInteger('event_ms').nullable().comment('Jira timestamp of the event');
    table.bigInteger('received_ms').notNullable();
    table.string('outcome', 32).notNullable();
    table.primary(['instance', 'event_key']);
    table.index(['instance', 'issue_id'], 'jira_sync_webhook_events_issue_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  for (const table of [
    'jira_sync_webhook_events',
    'jira_sync_fields',
    'jira_sync_dead_letters',
    'jira_sync_runs',
    'jira_sync_sync_state',
    'jira_sync_issue_links',
    'jira_sync_history_items',
    'jira_sync_histories',
    'jira_sync_issue_scopes',
    'jira_sync_issues',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
};
