import type { FlowIssueRecord, StatusCategory, StatusGroupRecord } from '../../store/types';
import {
  categoryKey,
  changesByIssue,
  completedFlows,
  dayOf,
  emptyWeeks,
  isoWeekStartMs,
  issueKeyOf,
  medianOf,
  nearestRank,
  statusTimeline,
  type StatusChange,
} from '../flowMetrics';
import { DAY_MS, type ChartWindow } from './chartWindow';

/**
 * Chart data for the entity page, from stored status histories, by the definitions of
 * flowMetrics.ts (completion, cycle start, historical categories and their limitation).
 */

const HOUR_MS = 3_600_000;
type CategoryKey = StatusCategory | 'unknown';
const CATEGORY_ORDER: CategoryKey[] = ['new', 'indeterminate', 'done', 'unknown'];
const CATEGORY_LABELS: Record<CategoryKey, string> = { new: 'To Do', indeterminate: 'In Progress', done: 'Done', unknown: 'Unknown' };
const rank = (category: StatusCategory | null | undefined) => CATEGORY_ORDER.indexOf(category ?? 'unknown');

export interface FlowInput {
  /** The issues whose timelines are worked out, with their status changes. */
  issues: FlowIssueRecord[];
  statusChanges: StatusChange[];
  window: ChartWindow;
  /** Status → category (by `categoryKey`) of the whole selection. */
  categories: Map<string, StatusCategory>;
  /** Issues in one status all through the window (not updated since it opened), counted per status. */
  unchanged: StatusGroupRecord[];
}

export interface CumulativeFlow {
  from: string;
  to: string;
  by: 'category' | 'status';
  series: Array<{ key: string; label: string; category: StatusCategory | null }>;
  points: Array<{ date: string; counts: Record<string, number> }>;
}

/** Issues in each status (or category) at the end of each day of the window, from their timelines. */
export function cumulativeFlow(input: FlowInput & { by: 'category' | 'status' }): CumulativeFlow {
  const { issues, window, by, categories } = input;
  const byIssue = changesByIssue(input.statusChanges);
  const days: number[] = [];
  for (let day = window.fromMs; day <= window.toMs; day += DAY_MS) days.push(day);
  // Per key, +n on the first day counted and -n after the last: one pass per stay, not per day.
  const deltas = new Map<string, number[]>();
  const add = (key: string, firstDay: number, lastDay: number, n: number) => {
    if (firstDay > lastDay) return;
    let delta = deltas.get(key);
    if (!delta) deltas.set(key, (delta = new Array<number>(days.length + 1).fill(0)));
    delta[firstDay] += n;
    delta[lastDay + 1] -= n;
  };
  // The first day whose end (23:59:59.999) is at or after `ms`; days.length if none.
  const firstDayEndingAtOrAfter = (ms: number) => Math.min(days.length, Math.max(0, Math.ceil((ms - window.fromMs - DAY_MS + 1) / DAY_MS)));
  const statusCategory = new Map<string, StatusCategory | null>();
  const firstSeenMs = new Map<string, number>();
  const seenStatus = (status: string, startMs: number, category: StatusCategory | null) => {
    const seen = firstSeenMs.get(status);
    if (seen === undefined || startMs < seen) firstSeenMs.set(status, startMs);
    if (category !== null) statusCategory.set(status, category);
    else if (!statusCategory.has(status)) statusCategory.set(status, null);
  };

  for (const issue of issues) {
    const segments = statusTimeline(issue, byIssue.get(issueKeyOf(issue)) ?? []);
    const last = segments.length - 1;
    const categoryAt = (i: number): StatusCategory | null => {
      if (i === last) return issue.statusCategory;
      const status = segments[i].status;
      return status === null ? null : (categories.get(categoryKey(issue.instance, status)) ?? null);
    };
    segments.forEach((segment, i) => {
      const category = categoryAt(i);
      if (segment.status !== null) seenStatus(segment.status, segment.startMs, category);
      const key = by === 'category' ? (category ?? 'unknown') : segment.status;
      if (key === null) return;
      // A day counts the stay the issue is in at its end: started by then, not yet left.
      const firstDay = firstDayEndingAtOrAfter(segment.startMs);
      const lastDay = i === last ? days.length - 1 : firstDayEndingAtOrAfter(segments[i + 1].startMs) - 1;
      add(key, firstDay, lastDay, 1);
    });
  }
  // Created before their last update, so before the window: in their current status on every day of it.
  for (const group of input.unchanged) {
    if (group.status !== null) seenStatus(group.status, group.firstCreatedMs, group.statusCategory);
    const key = by === 'category' ? (group.statusCategory ?? 'unknown') : group.status;
    if (key !== null) add(key, 0, days.length - 1, group.issues);
  }
  const counts = days.map(() => new Map<string, number>());
  for (const [key, delta] of deltas) {
    let running = 0;
    days.forEach((_, d) => {
      running += delta[d];
      if (running) counts[d].set(key, running);
    });
  }

  let series: CumulativeFlow['series'];
  if (by === 'category') {
    const used = new Set(counts.flatMap(c => [...c.keys()]));
    series = CATEGORY_ORDER.filter(c => c !== 'unknown' || used.has(c)).map(c => ({
      key: c,
      label: CATEGORY_LABELS[c],
      category: c === 'unknown' ? null : c,
    }));
  } else {
    series = [...statusCategory.entries()]
      .sort(([a, ca], [b, cb]) => rank(ca) - rank(cb) || firstSeenMs.get(a)! - firstSeenMs.get(b)! || a.localeCompare(b))
      .map(([status, category]) => ({ key: status, label: status, category }));
  }
  return {
    from: window.from,
    to: window.to,
    by,
    series,
    points: days.map((day, d) => ({ date: dayOf(day), counts: Object.fromEntries(series.map(x => [x.key, counts[d].get(x.key) ?? 0])) })),
  };
}

const days = (ms: number) => ms / DAY_MS;
const hours = (ms: number) => ms / HOUR_MS;

export interface CycleTimeChart {
  points: Array<{ issueId: string; key: string; summary: string | null; completedAt: string; cycleTimeDays: number }>;
  percentiles: { p50: number | null; p85: number | null; p95: number | null };
}

/** One point per issue completed in the window that was ever in progress, oldest completion first; percentiles in days. */
export function cycleTime(input: FlowInput & { summaries: Map<string, string | null> }): CycleTimeChart {
  const flows = completedFlows({ ...input, fromMs: input.window.fromMs, toMs: input.window.toMs, categories: input.categories })
    .filter(f => f.cycleStartMs !== null)
    .sort((a, b) => a.doneMs - b.doneMs || a.issue.issueKey.localeCompare(b.issue.issueKey));
  const points = flows.map(f => ({
    issueId: f.issue.issueId,
    key: f.issue.issueKey,
    summary: input.summaries.get(issueKeyOf(f.issue)) ?? null,
    completedAt: new Date(f.doneMs).toISOString(),
    cycleTimeDays: days(f.doneMs - f.cycleStartMs!),
  }));
  const sorted = points.map(p => p.cycleTimeDays).sort((a, b) => a - b);
  return { points, percentiles: { p50: medianOf(sorted), p85: nearestRank(sorted, 0.85), p95: nearestRank(sorted, 0.95) } };
}

/** Issues completed per ISO week (Monday), weeks without completions included. */
export function throughput(input: FlowInput): { weeks: Array<{ weekStart: string; completed: number }> } {
  const weeks = emptyWeeks(input.window.fromMs, input.window.toMs);
  for (const f of completedFlows({ ...input, fromMs: input.window.fromMs, toMs: input.window.toMs, categories: input.categories })) {
    const week = isoWeekStartMs(f.doneMs);
    weeks.set(week, (weeks.get(week) ?? 0) + 1);
  }
  return { weeks: [...weeks.entries()].sort(([a], [b]) => a - b).map(([week, completed]) => ({ weekStart: dayOf(week), completed })) };
}

export interface TimeInStatusChart {
  statuses: Array<{ status: string; category: StatusCategory | null; issues: number; medianHours: number; p85Hours: number; totalHours: number }>;
}

/** Over the issues completed in the window: time in each status from creation to completion, workflow order. */
export function timeInStatus(input: FlowInput): TimeInStatusChart {
  const { categories } = input;
  const perStatus = new Map<string, { durations: number[]; category: StatusCategory | null }>();
  for (const f of completedFlows({ ...input, fromMs: input.window.fromMs, toMs: input.window.toMs, categories })) {
    for (const [status, ms] of f.msByStatus) {
      const entry = perStatus.get(status) ?? { durations: [], category: categories.get(categoryKey(f.issue.instance, status)) ?? null };
      entry.durations.push(ms);
      perStatus.set(status, entry);
    }
  }
  return {
    statuses: [...perStatus.entries()]
      .map(([status, { durations, category }]) => {
        const sorted = durations.sort((a, b) => a - b);
        return {
          status,
          category,
          issues: sorted.length,
          medianHours: hours(medianOf(sorted)!),
          p85Hours: hours(nearestRank(sorted, 0.85)!),
          totalHours: hours(sorted.reduce((sum, d) => sum + d, 0)),
        };
      })
      .sort((a, b) => rank(a.category) - rank(b.category) || b.totalHours - a.totalHours || a.status.localeCompare(b.status)),
  };
}
