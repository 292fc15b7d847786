import type { IssueFilter, IssueQueryStore, StatusCategory, StatusGroupRecord } from '../../store/types';
import { categoryKey, issueKeyOf } from '../flowMetrics';
import type { ChartWindow } from './chartWindow';
import { cumulativeFlow, cycleTime, throughput, timeInStatus, type FlowInput } from './charts';

/** Status → category per instance, from the statuses the selection's issues are in now. */
function categoriesOf(groups: StatusGroupRecord[]): Map<string, StatusCategory> {
  const map = new Map<string, StatusCategory>();
  for (const g of groups) if (g.status !== null && g.statusCategory !== null) map.set(categoryKey(g.instance, g.status), g.statusCategory);
  return map;
}

/**
 * What a window's charts need, read in three statements. Only issues updated since the window
 * opened have their rows and histories read: a status change updates the issue, so the others
 * stayed in their current status all through the window and are counted per status by SQL.
 * `completedOnly` narrows the changed issues to those done now (the only ones a window can have completed).
 */
async function flowInput(queryStore: IssueQueryStore, filter: IssueFilter, window: ChartWindow, completedOnly: boolean): Promise<FlowInput> {
  const changed: IssueFilter = { ...filter, updatedSinceMs: window.fromMs };
  if (completedOnly && filter.statusCategory === undefined) changed.statusCategory = 'done';
  const [issues, statusChanges, groups] = await Promise.all([
    queryStore.issuesForFlow(changed),
    queryStore.statusChanges(changed),
    queryStore.statusGroups(filter, window.fromMs),
  ]);
  return { issues, statusChanges, window, categories: categoriesOf(groups), unchanged: groups.filter(g => !g.changedSince) };
}

/** The cycle-time chart with the summaries of the completed issues it plots. */
async function cycleTimeChart(queryStore: IssueQueryStore, filter: IssueFilter, window: ChartWindow) {
  const input = await flowInput(queryStore, filter, window, true);
  const completed = new Set(cycleTime({ ...input, summaries: new Map() }).points.map(p => p.issueId));
  const byInstance = new Map<string, string[]>();
  for (const issue of input.issues) {
    if (!completed.has(issue.issueId)) continue;
    const ids = byInstance.get(issue.instance);
    if (ids) ids.push(issue.issueId);
    else byInstance.set(issue.instance, [issue.issueId]);
  }
  const summaries = new Map<string, string | null>();
  for (const [instance, ids] of byInstance) {
    for (const [id, summary] of await queryStore.issueSummaries(instance, ids)) summaries.set(issueKeyOf({ instance, issueId: id }), summary);
  }
  return cycleTime({ ...input, summaries });
}

/** The entity tab's charts for an issue filter; each is a plain object, as the typed router serves it. */
export function entityCharts(queryStore: IssueQueryStore) {
  return {
    cumulativeFlow: async (filter: IssueFilter, window: ChartWindow, by: 'category' | 'status' = 'category') => ({
      ...cumulativeFlow({ ...(await flowInput(queryStore, filter, window, false)), by }),
    }),
    cycleTime: async (filter: IssueFilter, window: ChartWindow) => ({ ...(await cycleTimeChart(queryStore, filter, window)) }),
    throughput: async (filter: IssueFilter, window: ChartWindow) => throughput(await flowInput(queryStore, filter, window, true)),
    timeInStatus: async (filter: IssueFilter, window: ChartWindow) => ({ ...timeInStatus(await flowInput(queryStore, filter, window, true)) }),
  };
}
