import type { IssueFilter, IssueQueryStore } from '../../store/types';
import { issueKeyOf, type StatusChange } from '../flowMetrics';
import type { ChartWindow } from './chartWindow';
import { cumulativeFlow, cycleTime, throughput, timeInStatus, type FlowInput } from './charts';

/** The status changes of these issues, read per instance. */
export async function statusChangesOf(queryStore: IssueQueryStore, issues: Array<{ instance: string; issueId: string }>): Promise<StatusChange[]> {
  const byInstance = new Map<string, string[]>();
  for (const issue of issues) byInstance.set(issue.instance, [...(byInstance.get(issue.instance) ?? []), issue.issueId]);
  const changes: StatusChange[] = [];
  for (const [instance, ids] of byInstance) {
    for (const c of await queryStore.historiesForIssues(instance, ids, ['status'])) {
      changes.push({ instance, issueId: c.issueId, historyId: c.historyId, createdMs: c.createdMs, fromString: c.fromString, toString: c.toString });
    }
  }
  return changes;
}

/**
 * Issues and status histories for a window. Every issue of the selection is read, but histories
 * only of those updated since the window opened: a status change updates the issue, so the others
 * stayed in their current status all through the window (which is what their timeline says).
 */
async function flowInput(queryStore: IssueQueryStore, filter: IssueFilter, window: ChartWindow, allIssues: boolean): Promise<FlowInput> {
  const changed = await queryStore.issuesForFlow({ ...filter, updatedSinceMs: window.fromMs });
  if (!allIssues) return { issues: changed, statusChanges: await statusChangesOf(queryStore, changed), window };
  const changedKeys = new Set(changed.map(issueKeyOf));
  // Without their histories, the unchanged issues' timelines are their current status since creation.
  const issues = (await queryStore.issuesForFlow(filter)).map(i => (changedKeys.has(issueKeyOf(i)) ? i : { ...i, initialStatus: i.status }));
  return { issues, statusChanges: await statusChangesOf(queryStore, changed), window };
}

/** The cycle-time chart with the summaries of the completed issues it plots. */
async function cycleTimeChart(queryStore: IssueQueryStore, filter: IssueFilter, window: ChartWindow) {
  const input = await flowInput(queryStore, filter, window, false);
  const completed = new Set(cycleTime({ ...input, summaries: new Map() }).points.map(p => p.issueId));
  const byInstance = new Map<string, string[]>();
  for (const issue of input.issues) {
    if (completed.has(issue.issueId)) byInstance.set(issue.instance, [...(byInstance.get(issue.instance) ?? []), issue.issueId]);
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
      ...cumulativeFlow({ ...(await flowInput(queryStore, filter, window, true)), by }),
    }),
    cycleTime: async (filter: IssueFilter, window: ChartWindow) => ({ ...(await cycleTimeChart(queryStore, filter, window)) }),
    throughput: async (filter: IssueFilter, window: ChartWindow) => throughput(await flowInput(queryStore, filter, window, false)),
    timeInStatus: async (filter: IssueFilter, window: ChartWindow) => ({ ...timeInStatus(await flowInput(queryStore, filter, window, false)) }),
  };
}
