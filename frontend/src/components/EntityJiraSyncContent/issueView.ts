import type { StatusCategory } from '@jira-sync/backstage-plugin-jira-sync-common';
import type { EntityIssueListQuery, EntityIssueSort } from '@jira-sync/backstage-plugin-jira-sync-common';
import { SORTS } from '../EntityJiraSyncCard/serverSort';

/** What the tab shows, all of it kept in the URL's search params so a view can be shared. */
export interface IssueView {
  statusCategory: StatusCategory[];
  type: string[];
  assignee: string[];
  label: string[];
  component: string[];
  q: string;
  sort: EntityIssueSort;
  order: 'asc' | 'desc';
  cursor?: string;
  /** The issue open in the drawer, by key, and its instance. */
  issue?: string;
  instance?: string;
  /** The charts' period in weeks up to today, and the cumulative flow's grouping. */
  weeks: number;
  by: 'category' | 'status';
}

export type ListFilter = 'statusCategory' | 'type' | 'assignee' | 'label' | 'component';
export const LIST_FILTERS: ListFilter[] = ['statusCategory', 'type', 'assignee', 'label', 'component'];

const CATEGORIES: StatusCategory[] = ['new', 'indeterminate', 'done'];
export const PERIODS_IN_WEEKS = [4, 12, 26, 52, 104];
const DEFAULT_WEEKS = 12;

const list = (params: URLSearchParams, name: string) =>
  (params.get(name) ?? '')
    .split(',')
    .map(value => value.trim())
    .filter(Boolean);

/** The view in the URL; unknown values fall back to the defaults rather than reach the API. */
export function readIssueView(params: URLSearchParams): IssueView {
  const sort = params.get('sort') as EntityIssueSort;
  const weeks = Number(params.get('weeks'));
  return {
    statusCategory: list(params, 'statusCategory').filter((c): c is StatusCategory => CATEGORIES.includes(c as StatusCategory)),
    type: list(params, 'type'),
    assignee: list(params, 'assignee'),
    label: list(params, 'label'),
    component: list(params, 'component'),
    q: params.get('q') ?? '',
    sort: SORTS.includes(sort) ? sort : 'updated',
    order: params.get('order') === 'asc' ? 'asc' : 'desc',
    cursor: params.get('cursor') || undefined,
    issue: params.get('issue') || undefined,
    instance: params.get('instance') || undefined,
    weeks: PERIODS_IN_WEEKS.includes(weeks) ? weeks : DEFAULT_WEEKS,
    by: params.get('by') === 'status' ? 'status' : 'category',
  };
}

/** The URL's params for a view; defaults are left out so shared links stay short. */
export function writeIssueView(view: IssueView, previous: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(previous);
  const set = (name: string, value: string | undefined, fallback = '') => {
    if (value === undefined || value === fallback) next.delete(name);
    else next.set(name, value);
  };
  for (const name of LIST_FILTERS) set(name, view[name].join(','));
  set('q', view.q);
  set('sort', view.sort, 'updated');
  set('order', view.order, 'desc');
  set('cursor', view.cursor);
  set('issue', view.issue);
  set('instance', view.instance);
  set('weeks', String(view.weeks), String(DEFAULT_WEEKS));
  set('by', view.by, 'category');
  return next;
}

/** The API query for the view's page of issues. */
export function issueQueryOf(view: IssueView, limit: number): EntityIssueListQuery {
  return {
    statusCategory: view.statusCategory,
    type: view.type,
    assignee: view.assignee,
    label: view.label,
    component: view.component,
    q: view.q || undefined,
    sort: view.sort,
    order: view.order,
    limit,
    cursor: view.cursor,
  };
}

/** The charts' period: the last `weeks` weeks up to today, as ISO dates in UTC. */
export function periodOf(weeks: number, now: number): { from: string; to: string } {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { from: day(now - weeks * 7 * 86_400_000), to: day(now) };
}
