// @ts-check

const { NO_PRIORITY, issueNumber, prioritySeq, statusOrder } = require('./lib/issueSort');

/** @type {Array<[string, string[]]>} */
const INDEXES = [
  ['jira_sync_issues_key_number_idx', ['project_key', 'issue_number', 'instance', 'issue_id']],
  ['jira_sync_issues_project_key_number_idx', ['instance', 'project_key', 'issue_number', 'issue_id']],
  ['jira_sync_issues_priority_idx', ['priority_seq', 'instance', 'issue_id']],
  ['jira_sync_issues_project_priority_idx', ['instance', 'project_key', 'priority_seq', 'issue_id']],
  ['jira_sync_issues_status_order_idx', ['status_order', 'instance', 'issue_id']],
  ['jira_sync_issues_project_status_order_idx', ['instance', 'project_key', 'status_order', 'issue_id']],
];

/**
 * Sorts by priority, status and natural key order: plain columns by the rules of lib/issueSort.js,
 * written by the store and backfilled here, each indexed for the unfiltered list and per project
 * (the entity routes filter by instance and project), with the tie-breakers of the keyset paging.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('jira_sync_issues', table => {
    table.bigInteger('issue_number').notNullable().defaultTo(0).comment('the number of the issue key (migrations/lib/issueSort.js)');
    table.integer('priority_seq').notNullable().defaultTo(NO_PRIORITY).comment('the priority id, lower is more urgent (migrations/lib/issueSort.js)');
    table.string('status_order', 255).notNullable().defaultTo('3').comment('status category rank then status name (migrations/lib/issueSort.js)');
  });
  await backfill(knex);
  await knex.schema.alterTable('jira_sync_issues', table => {
    for (const [name, columns] of INDEXES) table.index(columns, name);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('jira_sync_issues', table => {
    for (const [name] of INDEXES) table.dropIndex([], name);
  });
  await knex.schema.alterTable('jira_sync_issues', table => {
    table.dropColumn('issue_number');
    table.dropColumn('priority_seq');
    table.dropColumn('status_order');
  });
};

/**
 * Existing rows get their sort keys, a keyset batch at a time.
 *
 * @param {import('knex').Knex} knex
 */
async function backfill(knex) {
  const batch = 1000;
  /** @type {{ instance: string, issue_id: string | number } | undefined} */
  let after;
  for (;;) {
    const query = knex('jira_sync_issues')
      .select('instance', 'issue_id', 'issue_key', 'status', 'status_category', 'raw_fields')
      .orderBy(['instance', 'issue_id'])
      .limit(batch);
    if (after) {
      const { instance, issue_id } = after;
      query.where(q => q.where('instance', '>', instance).orWhere(q2 => q2.where('instance', instance).andWhere('issue_id', '>', issue_id)));
    }
    const rows = await query;
    if (!rows.length) return;
    const updates = rows.map(row => ({
      instance: row.instance,
      issue_id: String(row.issue_id),
      number: issueNumber(row.issue_key),
      priority: prioritySeq(rawPriority(row.raw_fields)),
      status: statusOrder(row.status_category, row.status),
    }));
    if (isSqlite(knex)) {
      for (const u of updates) {
        await knex('jira_sync_issues')
          .where({ instance: u.instance, issue_id: u.issue_id })
          .update({ issue_number: u.number, priority_seq: u.priority, status_order: u.status });
      }
    } else {
      await knex.raw(
        `update jira_sync_issues i set issue_number = u.number, priority_seq = u.priority, status_order = u.status
         from unnest(?::text[], ?::bigint[], ?::bigint[], ?::int[], ?::text[]) as u(instance, issue_id, number, priority, status)
         where i.instance = u.instance and i.issue_id = u.issue_id`,
        [updates.map(u => u.instance), updates.map(u => u.issue_id), updates.map(u => u.number), updates.map(u => u.priority), updates.map(u => u.status)],
      );
    }
    const last = rows[rows.length - 1];
    after = { instance: last.instance, issue_id: last.issue_id };
  }
}

/** @param {unknown} rawFields the stored Jira fields (JSON text) */
function rawPriority(rawFields) {
  try {
    return JSON.parse(String(rawFields ?? '{}'))?.priority;
  } catch {
    return undefined;
  }
}

/** @param {import('knex').Knex} knex */
function isSqlite(knex) {
  return /sqlite/i.test(String(knex.client.config.client));
}
