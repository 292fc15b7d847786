// @ts-check

/**
 * The sort keys of an issue, one implementation for the store's writes and the migration that
 * backfills them (migrations/20261204010000_issue_sort_columns.js).
 *
 * - issue_number: the number of the key (`ALPHA-10` → 10), so keys sort naturally within a project.
 * - priority_seq: the priority's id; Jira numbers the default scheme's priorities in its order
 *   (1 Highest … 5 Lowest) and custom priorities after them in creation order, so a lower value is
 *   more urgent; an issue without a priority gets NO_PRIORITY (least urgent).
 * - status_order: the status category's workflow rank (new, indeterminate, done, other) then the
 *   status name, as one text (`1In Progress`), so one column orders category then name.
 */

const NO_PRIORITY = 2147483647;
const CATEGORY_RANK = { new: '0', indeterminate: '1', done: '2' };

/**
 * @param {string} issueKey
 * @returns {number}
 */
function issueNumber(issueKey) {
  const match = /-(\d{1,15})$/.exec(issueKey);
  return match ? Number(match[1]) : 0;
}

/**
 * @param {unknown} priority the issue's `fields.priority` as Jira returns it
 * @returns {number}
 */
function prioritySeq(priority) {
  const id = priority && typeof priority === 'object' ? String(/** @type {{ id?: unknown }} */ (priority).id ?? '') : '';
  return /^\d{1,9}$/.test(id) ? Number(id) : NO_PRIORITY;
}

/**
 * @param {string | null | undefined} statusCategory
 * @param {string | null | undefined} status
 * @returns {string}
 */
function statusOrder(statusCategory, status) {
  const rank = CATEGORY_RANK[/** @type {keyof typeof CATEGORY_RANK} */ (statusCategory ?? '')] ?? '3';
  return `${rank}${(status ?? '').slice(0, 250)}`;
}

module.exports = { NO_PRIORITY, issueNumber, prioritySeq, statusOrder };
