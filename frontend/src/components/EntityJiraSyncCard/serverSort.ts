import type { EntityIssueSort } from '@jira-sync/backstage-plugin-jira-sync-common';

/** The server-side order of an issue list: the API sorts the whole selection, so a table never sorts a page by itself. */
export interface IssueOrder {
  sort: EntityIssueSort;
  order: 'asc' | 'desc';
}

/** Every sort the API serves, in the order the URL accepts them. */
export const SORTS: EntityIssueSort[] = ['updated', 'created', 'key', 'priority', 'status'];

// The columns the API sorts by, by column field (the same fields in the card and the tab).
const SORT_OF: Partial<Record<string, EntityIssueSort>> = { key: 'key', created: 'created', updated: 'updated', priority: 'priority', status: 'status' };
// Times newest first, priority most urgent first; keys and statuses ascending (natural and workflow order).
const NATURAL_ORDER: Record<EntityIssueSort, IssueOrder['order']> = { key: 'asc', created: 'desc', updated: 'desc', priority: 'desc', status: 'asc' };
// The rows come sorted by the server: a comparator that keeps that order for material-table's own sort.
const keepServerOrder = () => 0;

/** A column's sorting props for core-components' Table: sortable only when the API sorts by it, its arrow on the current order. */
export function serverSortable(field: string, current: IssueOrder) {
  return {
    sorting: SORT_OF[field] !== undefined,
    customSort: keepServerOrder,
    ...(SORT_OF[field] === current.sort && { defaultSort: current.order }),
  };
}

/**
 * The order after a click on a column's header, or undefined for a column the API cannot sort by:
 * material-table's reported direction starts from the previous column's; ours: a new column starts at its natural order, the same column flips.
 */
export function orderAfterClick(field: string, current: IssueOrder): IssueOrder | undefined {
  const sort = SORT_OF[field];
  if (!sort) return undefined;
  if (sort === current.sort) return { sort, order: current.order === 'asc' ? 'desc' : 'asc' };
  return { sort, order: NATURAL_ORDER[sort] };
}
