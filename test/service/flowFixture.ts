import type { FlowIssueRecord, StatusCategory } from '../../src/store/types';
import type { StatusChange } from '../../src/service/flowMetrics';

/**
 * A small history of eight issues with flow metrics computed by hand (see expectedFlowMetrics).
 * "Now" is Wednesday 2026-03-18 12:00 UTC; a 3-week window starts Monday 2026-03-02.
 * No issue is currently in "To Do", so that status's category is unknown (the documented limitation).
 */
export const FLOW_NOW_MS = Date.parse('2026-03-18T12:00:00Z');
export const FLOW_INSTANCE = 'acme';
export const FLOW_PROJECT = 'FLOW';

export interface FixtureIssue {
  id: string;
  key: string;
  created: string;
  /** Status at creation. */
  initial: string;
  changes: Array<[at: string, to: string]>;
  category: StatusCategory;
}

export const flowFixture: FixtureIssue[] = [
  // A: To Do 24h, In Progress 48h, Review 24h; done 03-06 09:00. Lead 96h, cycle 72h.
  { id: '101', key: 'FLOW-1', created: '2026-03-02T09:00:00Z', initial: 'To Do', category: 'done',
    changes: [['2026-03-03T09:00:00Z', 'In Progress'], ['2026-03-05T09:00:00Z', 'Review'], ['2026-03-06T09:00:00Z', 'Done']] },
  // B: created In Progress (initial value counts): In Progress 24h; done 03-10 10:00. Lead 24h, cycle 24h.
  { id: '102', key: 'FLOW-2', created: '2026-03-09T10:00:00Z', initial: 'In Progress', category: 'done',
    changes: [['2026-03-10T10:00:00Z', 'Done']] },
  // C: never in progress: To Do 48h; done 03-11. Lead 48h, no cycle time.
  { id: '103', key: 'FLOW-3', created: '2026-03-09T00:00:00Z', initial: 'To Do', category: 'done',
    changes: [['2026-03-11T00:00:00Z', 'Done']] },
  // D: reopened, then closed: To Do 6h, In Progress 6h+12h, Done 12h; completed 03-17 12:00 (the final
  // Done → Closed run). Lead 36h, cycle 30h.
  { id: '104', key: 'FLOW-4', created: '2026-03-16T00:00:00Z', initial: 'To Do', category: 'done',
    changes: [
      ['2026-03-16T06:00:00Z', 'In Progress'], ['2026-03-16T12:00:00Z', 'Done'], ['2026-03-17T00:00:00Z', 'In Progress'],
      ['2026-03-17T12:00:00Z', 'Done'], ['2026-03-17T18:00:00Z', 'Closed'],
    ] },
  // E: in Review now (gives Review its category), not done.
  { id: '105', key: 'FLOW-5', created: '2026-03-10T00:00:00Z', initial: 'To Do', category: 'indeterminate',
    changes: [['2026-03-12T00:00:00Z', 'Review']] },
  // F: done before the window: left out.
  { id: '106', key: 'FLOW-6', created: '2026-02-20T00:00:00Z', initial: 'To Do', category: 'done',
    changes: [['2026-02-25T00:00:00Z', 'Done']] },
  // G: created Done, no history: done at creation. Lead 0h, no cycle time, no time in status.
  { id: '107', key: 'FLOW-7', created: '2026-03-04T00:00:00Z', initial: 'Done', category: 'done', changes: [] },
  // H: in progress now (gives In Progress its category), not done.
  { id: '108', key: 'FLOW-8', created: '2026-03-13T00:00:00Z', initial: 'To Do', category: 'indeterminate',
    changes: [['2026-03-13T12:00:00Z', 'In Progress']] },
];

export const currentStatus = (issue: FixtureIssue) => issue.changes.length ? issue.changes[issue.changes.length - 1][1] : issue.initial;
export const updatedMs = (issue: FixtureIssue) => Date.parse(issue.changes.length ? issue.changes[issue.changes.length - 1][0] : issue.created);

/** History ids: issue id × 10 + position, increasing with time within an issue. */
export function fixtureStatusChanges(issue: FixtureIssue): StatusChange[] {
  return issue.changes.map(([at, to], i) => ({
    instance: FLOW_INSTANCE,
    issueId: issue.id,
    historyId: String(Number(issue.id) * 10 + i),
    createdMs: Date.parse(at),
    fromString: i === 0 ? issue.initial : issue.changes[i - 1][1],
    toString: to,
  }));
}

export function fixtureFlowIssue(issue: FixtureIssue): FlowIssueRecord {
  return {
    instance: FLOW_INSTANCE,
    issueId: issue.id,
    issueKey: issue.key,
    projectKey: FLOW_PROJECT,
    createdMs: Date.parse(issue.created),
    resolvedMs: issue.category === 'done' ? updatedMs(issue) : null,
    status: currentStatus(issue),
    statusCategory: issue.category,
  };
}

/** Worked out by hand from the comments above (3 weeks to FLOW_NOW_MS). */
export const expectedFlowMetrics = {
  from: '2026-03-02T00:00:00.000Z',
  to: '2026-03-18T12:00:00.000Z',
  issues: 5, // A, B, C, D, G
  // Lead hours 0, 24, 36, 48, 96: mean 204/5, median 36, p85 = 5th of 5 (nearest rank).
  leadTime: { count: 5, meanHours: 40.8, medianHours: 36, p85Hours: 96 },
  // Cycle hours 24, 30, 72: mean 42, median 30, p85 = 3rd of 3.
  cycleTime: { count: 3, meanHours: 42, medianHours: 30, p85Hours: 72 },
  throughput: [
    { weekStart: '2026-03-02', count: 2 }, // A, G
    { weekStart: '2026-03-09', count: 2 }, // B, C
    { weekStart: '2026-03-16', count: 1 }, // D
  ],
  timeInStatus: [
    { status: 'In Progress', totalHours: 90, meanHours: 30, issues: 3 }, // A 48 + B 24 + D 18
    { status: 'To Do', totalHours: 78, meanHours: 26, issues: 3 }, // A 24 + C 48 + D 6
    { status: 'Review', totalHours: 24, meanHours: 24, issues: 1 }, // A
    { status: 'Done', totalHours: 12, meanHours: 12, issues: 1 }, // D between reopenings
  ],
};
