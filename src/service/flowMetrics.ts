import { compareIds } from '../lib/ids';
import type { FlowIssueRecord, StatusCategory, StatusChangeRecord } from '../store/types';

/**
 * Flow metrics from stored changelogs: pure functions, no I/O.
 *
 * Limitation: Jira's changelog names statuses but not their categories. The category of a
 * historical status is taken from the issues passed in (a status some current issue is in, with
 * that issue's category). A status no current issue is in has an unknown category and counts
 * as neither in progress nor done, except the current status of an issue, which is always known.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

export type StatusChange = StatusChangeRecord;

/** One stay of an issue in one status; `endMs` null = still there. */
export interface StatusSegment {
  status: string | null;
  startMs: number;
  endMs: number | null;
}

// Types, not interfaces, so they fit the typed router's JSON bodies (index signatures).
export type DurationStats = {
  count: number;
  meanHours: number | null;
  medianHours: number | null;
  p85Hours: number | null;
};

export type FlowMetrics = {
  from: string;
  to: string;
  issues: number;
  cycleTime: DurationStats;
  leadTime: DurationStats;
  throughput: Array<{ weekStart: string; count: number }>;
  timeInStatus: Array<{ status: string; totalHours: number; meanHours: number; issues: number }>;
};

/** Monday 00:00 UTC of the ISO week containing `ms`. */
export function isoWeekStartMs(ms: number): number {
  const day = new Date(ms);
  const midnight = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
  return midnight - ((day.getUTCDay() + 6) % 7) * DAY_MS;
}

/** The last `weeks` ISO weeks, the current (partial) one included: from its Monday to now. */
export function flowWindow(nowMs: number, weeks: number): { fromMs: number; toMs: number } {
  return { fromMs: isoWeekStartMs(nowMs) - (weeks - 1) * WEEK_MS, toMs: nowMs };
}

export const categoryKey = (instance: string, status: string) => `${instance}\u0000${status}`;

/** Status name → category per instance, from the statuses the given issues are in now. */
export function statusCategoryMap(issues: FlowIssueRecord[]): Map<string, StatusCategory> {
  const map = new Map<string, StatusCategory>();
  for (const issue of issues) {
    if (issue.status !== null && issue.statusCategory !== null) map.set(categoryKey(issue.instance, issue.status), issue.statusCategory);
  }
  return map;
}


/**
 * The statuses an issue went through, from creation: before its first status change it was in
 * that change's `fromString` (the value at creation); with no change, in its current status.
 */
export function statusTimeline(issue: FlowIssueRecord, changes: StatusChange[]): StatusSegment[] {
  const sorted = [...changes].sort((a, b) => a.createdMs - b.createdMs || compareIds(a.historyId, b.historyId));
  const initial = sorted.length ? sorted[0].fromString : issue.status;
  const segments: StatusSegment[] = [{ status: initial, startMs: issue.createdMs, endMs: null }];
  for (const change of sorted) {
    // A change stamped before creation (clock skew) still starts no earlier than creation.
    const at = Math.max(change.createdMs, issue.createdMs);
    segments[segments.length - 1].endMs = at;
    segments.push({ status: change.toString, startMs: at, endMs: null });
  }
  return segments;
}

function categoryOf(
  issue: FlowIssueRecord,
  segments: StatusSegment[],
  index: number,
  categories: Map<string, StatusCategory>,
): StatusCategory | undefined {
  if (index === segments.length - 1) return issue.statusCategory ?? undefined;
  const status = segments[index].status;
  return status === null ? undefined : categories.get(categoryKey(issue.instance, status));
}

/** When the issue was completed: the start of its final run of done statuses; null if not done now. */
export function completionMs(issue: FlowIssueRecord, segments: StatusSegment[], categories: Map<string, StatusCategory>): number | null {
  if (issue.statusCategory !== 'done') return null;
  let first = segments.length - 1;
  while (first > 0 && categoryOf(issue, segments, first - 1, categories) === 'done') first--;
  return segments[first].startMs;
}

/** First entry into an in-progress status, creation included, before `doneMs`; null if never. */
export function cycleStartMs(
  issue: FlowIssueRecord,
  segments: StatusSegment[],
  doneMs: number,
  categories: Map<string, StatusCategory>,
): number | null {
  for (let i = 0; i < segments.length && segments[i].startMs < doneMs; i++) {
    if (categoryOf(issue, segments, i, categories) === 'indeterminate') return segments[i].startMs;
  }
  return null;
}

const hours = (ms: number) => ms / HOUR_MS;

/** Mean, median (middle pair averaged) and 85th percentile (nearest rank) of durations, in hours. */
export function durationStats(durationsMs: number[]): DurationStats {
  const n = durationsMs.length;
  if (!n) return { count: 0, meanHours: null, medianHours: null, p85Hours: null };
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, d) => sum + d, 0) / n;
  return { count: n, meanHours: hours(mean), medianHours: hours(medianOf(sorted)!), p85Hours: hours(nearestRank(sorted, 0.85)!) };
}

/** The median of ascending values (middle pair averaged); null for none. */
export function medianOf(sorted: number[]): number | null {
  const n = sorted.length;
  if (!n) return null;
  return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/** The nearest-rank percentile (0 < p ≤ 1) of ascending values; null for none. */
export function nearestRank(sorted: number[], p: number): number | null {
  return sorted.length ? sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1] : null;
}

/** One issue completed in a window: when, its cycle start (null if never in progress) and time per status until done. */
export interface CompletedFlow {
  issue: FlowIssueRecord;
  doneMs: number;
  cycleStartMs: number | null;
  /** Milliseconds in each status from creation to completion. */
  msByStatus: Map<string, number>;
}

export const issueKeyOf = (issue: { instance: string; issueId: string }) => `${issue.instance}\u0000${issue.issueId}`;

/** Groups status changes by issue (instance + id). */
export function changesByIssue(statusChanges: StatusChange[]): Map<string, StatusChange[]> {
  const byIssue = new Map<string, StatusChange[]>();
  for (const change of statusChanges) {
    const key = issueKeyOf(change);
    const list = byIssue.get(key);
    if (list) list.push(change);
    else byIssue.set(key, [change]);
  }
  return byIssue;
}


/** The issues completed within [fromMs, toMs], by the definitions of cycle and lead time below. */
export function completedFlows(input: {
  issues: FlowIssueRecord[];
  statusChanges: StatusChange[];
  fromMs: number;
  toMs: number;
  categories?: Map<string, StatusCategory>;
}): CompletedFlow[] {
  const { issues, fromMs, toMs } = input;
  const categories = input.categories ?? statusCategoryMap(issues);
  const byIssue = changesByIssue(input.statusChanges);
  const out: CompletedFlow[] = [];
  for (const issue of issues) {
    const segments = statusTimeline(issue, byIssue.get(issueKeyOf(issue)) ?? []);
    const doneMs = completionMs(issue, segments, categories);
    if (doneMs === null || doneMs < fromMs || doneMs > toMs) continue;
    const msByStatus = new Map<string, number>();
    for (const segment of segments) {
      if (segment.startMs >= doneMs || segment.status === null) continue;
      const end = Math.min(segment.endMs ?? doneMs, doneMs);
      msByStatus.set(segment.status, (msByStatus.get(segment.status) ?? 0) + (end - segment.startMs));
    }
    out.push({ issue, doneMs, cycleStartMs: cycleStartMs(issue, segments, doneMs, categories), msByStatus });
  }
  return out;
}

/** Monday 00:00 UTC of every ISO week from the one holding fromMs to the one holding toMs, each with 0. */
export function emptyWeeks(fromMs: number, toMs: number): Map<number, number> {
  const weeks = new Map<number, number>();
  for (let week = isoWeekStartMs(fromMs); week <= toMs; week += WEEK_MS) weeks.set(week, 0);
  return weeks;
}

export const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Metrics over the issues completed within [fromMs, toMs]: cycle time (first move into an
 * in-progress status to completion; issues that never were in progress are left out), lead
 * time (creation to completion), throughput per ISO week (weeks without completions included)
 * and time in each status from creation to completion.
 */
export function computeFlowMetrics(input: {
  issues: FlowIssueRecord[];
  statusChanges: StatusChange[];
  fromMs: number;
  toMs: number;
}): FlowMetrics {
  const { fromMs, toMs } = input;
  const flows = completedFlows(input);
  const weekCounts = emptyWeeks(fromMs, toMs);
  const statusTotals = new Map<string, { totalMs: number; issues: number }>();
  for (const flow of flows) {
    const week = isoWeekStartMs(flow.doneMs);
    weekCounts.set(week, (weekCounts.get(week) ?? 0) + 1);
    for (const [status, ms] of flow.msByStatus) {
      const total = statusTotals.get(status) ?? { totalMs: 0, issues: 0 };
      statusTotals.set(status, { totalMs: total.totalMs + ms, issues: total.issues + 1 });
    }
  }
  return {
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    issues: flows.length,
    cycleTime: durationStats(flows.flatMap(f => (f.cycleStartMs === null ? [] : [f.doneMs - f.cycleStartMs]))),
    leadTime: durationStats(flows.map(f => f.doneMs - f.issue.createdMs)),
    throughput: [...weekCounts.entries()].sort(([a], [b]) => a - b).map(([week, count]) => ({ weekStart: dayOf(week), count })),
    timeInStatus: [...statusTotals.entries()]
      .map(([status, t]) => ({ status, totalHours: hours(t.totalMs), meanHours: hours(t.totalMs) / t.issues, issues: t.issues }))
      .sort((a, b) => b.totalHours - a.totalHours || a.status.localeCompare(b.status)),
  };
}

export interface IssueFlowFacts {
  created: string;
  /** First move into an in-progress status before completion; null if never in progress or not done. */
  cycleStarted: string | null;
  /** Start of the final run of done statuses; null while not done. */
  completed: string | null;
  leadTimeHours: number | null;
  cycleTimeHours: number | null;
  /** Every stay in a status, oldest first; `end` null = still there. */
  statuses: Array<{ status: string | null; start: string; end: string | null; hours: number }>;
}

/** One issue's flow: its status timeline and, once done, its lead and cycle time (as computeFlowMetrics counts them). */
export function issueFlowFacts(issue: FlowIssueRecord, changes: StatusChange[], categories: Map<string, StatusCategory>, nowMs = Date.now()): IssueFlowFacts {
  const segments = statusTimeline(issue, changes);
  const doneMs = completionMs(issue, segments, categories);
  const startMs = doneMs === null ? null : cycleStartMs(issue, segments, doneMs, categories);
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    created: new Date(issue.createdMs).toISOString(),
    cycleStarted: iso(startMs),
    completed: iso(doneMs),
    leadTimeHours: doneMs === null ? null : hours(doneMs - issue.createdMs),
    cycleTimeHours: doneMs === null || startMs === null ? null : hours(doneMs - startMs),
    statuses: segments.map(s => ({ status: s.status, start: new Date(s.startMs).toISOString(), end: iso(s.endMs), hours: hours((s.endMs ?? nowMs) - s.startMs) })),
  };
}
