import {
  completionMs,
  computeFlowMetrics,
  cycleStartMs,
  durationStats,
  flowWindow,
  isoWeekStartMs,
  statusCategoryMap,
  statusTimeline,
} from './flowMetrics';
import {
  FLOW_NOW_MS,
  expectedFlowMetrics,
  fixtureFlowIssue,
  fixtureStatusChanges,
  flowFixture,
} from '../../test/service/flowFixture';

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const fixture = (key: string) => flowFixture.find(i => i.key === key)!;

describe('flow metrics', () => {
  const issues = flowFixture.map(fixtureFlowIssue);
  const statusChanges = flowFixture.flatMap(fixtureStatusChanges);
  const categories = statusCategoryMap(issues);

  it('starts ISO weeks on Monday 00:00 UTC', () => {
    expect(new Date(isoWeekStartMs(at('2026-03-18T12:00:00Z'))).toISOString()).toBe('2026-03-16T00:00:00.000Z');
    expect(new Date(isoWeekStartMs(at('2026-03-16T00:00:00Z'))).toISOString()).toBe('2026-03-16T00:00:00.000Z');
    expect(new Date(isoWeekStartMs(at('2026-03-22T23:59:59Z'))).toISOString()).toBe('2026-03-16T00:00:00.000Z');
    expect(new Date(isoWeekStartMs(at('2026-01-01T05:00:00Z'))).toISOString()).toBe('2025-12-29T00:00:00.000Z');
    expect(flowWindow(FLOW_NOW_MS, 3)).toEqual({ fromMs: at('2026-03-02T00:00:00Z'), toMs: FLOW_NOW_MS });
    expect(flowWindow(FLOW_NOW_MS, 1).fromMs).toBe(at('2026-03-16T00:00:00Z'));
  });

  it('counts the status at creation: the from of the first change, else the current status', () => {
    const b = fixture('FLOW-2');
    expect(statusTimeline(fixtureFlowIssue(b), fixtureStatusChanges(b))).toEqual([
      { status: 'In Progress', startMs: at('2026-03-09T10:00:00Z'), endMs: at('2026-03-10T10:00:00Z') },
      { status: 'Done', startMs: at('2026-03-10T10:00:00Z'), endMs: null },
    ]);
    const g = fixture('FLOW-7');
    expect(statusTimeline(fixtureFlowIssue(g), [])).toEqual([{ status: 'Done', startMs: at('2026-03-04T00:00:00Z'), endMs: null }]);
  });

  it('orders changes by time whatever order they come in', () => {
    const a = fixture('FLOW-1');
    const shuffled = [...fixtureStatusChanges(a)].reverse();
    expect(statusTimeline(fixtureFlowIssue(a), shuffled).map(s => s.status)).toEqual(['To Do', 'In Progress', 'Review', 'Done']);
  });

  it('derives historical categories from current issues, leaving unseen statuses unknown', () => {
    expect(categories.get('acme\u0000In Progress')).toBe('indeterminate');
    expect(categories.get('acme\u0000Review')).toBe('indeterminate');
    expect(categories.get('acme\u0000Done')).toBe('done');
    expect(categories.get('acme\u0000Closed')).toBe('done');
    expect(categories.has('acme\u0000To Do')).toBe(false);
  });

  it('completes a reopened issue at the start of its final run of done statuses', () => {
    const d = fixture('FLOW-4');
    const issue = fixtureFlowIssue(d);
    const segments = statusTimeline(issue, fixtureStatusChanges(d));
    const done = completionMs(issue, segments, categories)!;
    expect(new Date(done).toISOString()).toBe('2026-03-17T12:00:00.000Z');
    expect(new Date(cycleStartMs(issue, segments, done, categories)!).toISOString()).toBe('2026-03-16T06:00:00.000Z');
  });

  it('gives no completion to an issue that is not done and no cycle start to one never in progress', () => {
    const e = fixture('FLOW-5');
    const issue = fixtureFlowIssue(e);
    expect(completionMs(issue, statusTimeline(issue, fixtureStatusChanges(e)), categories)).toBeNull();
    const c = fixture('FLOW-3');
    const cIssue = fixtureFlowIssue(c);
    const segments = statusTimeline(cIssue, fixtureStatusChanges(c));
    expect(cycleStartMs(cIssue, segments, completionMs(cIssue, segments, categories)!, categories)).toBeNull();
  });

  it('computes mean, median (middle pair averaged) and p85 (nearest rank)', () => {
    expect(durationStats([])).toEqual({ count: 0, meanHours: null, medianHours: null, p85Hours: null });
    expect(durationStats([4 * H, 1 * H, 3 * H, 2 * H])).toEqual({ count: 4, meanHours: 2.5, medianHours: 2.5, p85Hours: 4 });
    // 20 values 1..20 h: p85 = 17th.
    expect(durationStats(Array.from({ length: 20 }, (_, i) => (i + 1) * H)).p85Hours).toBe(17);
  });

  it('matches the hand-computed metrics of the fixture', () => {
    const { fromMs, toMs } = flowWindow(FLOW_NOW_MS, 3);
    expect(computeFlowMetrics({ issues, statusChanges, fromMs, toMs })).toEqual(expectedFlowMetrics);
  });

  it('includes weeks without completions as zero', () => {
    const { fromMs, toMs } = flowWindow(FLOW_NOW_MS, 5);
    const metrics = computeFlowMetrics({ issues, statusChanges, fromMs, toMs });
    expect(metrics.throughput).toEqual([
      { weekStart: '2026-02-16', count: 0 },
      { weekStart: '2026-02-23', count: 1 }, // F, done 02-25
      { weekStart: '2026-03-02', count: 2 },
      { weekStart: '2026-03-09', count: 2 },
      { weekStart: '2026-03-16', count: 1 },
    ]);
    expect(metrics.issues).toBe(6);
  });
});
