import { jest } from '@jest/globals';
import type { Entity } from '@backstage/catalog-model';
import type {
  CumulativeFlow,
  CycleTimeChart,
  EntityIssueFacets,
  EntityIssues,
  Issue,
  IssueDetail,
  IssueHistory,
  JiraSyncApi,
  SyncStatus,
  ThroughputChart,
  TimeInStatusChart,
} from '@jira-sync/backstage-plugin-jira-sync-common';

/** Shared set-up of the Jira tab's and the card's component tests: an entity, answers in the contract's shapes, a recording API. */

export const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default', annotations: { 'jira/project-key': 'SHOP' } },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

export function issue(n: number, overrides: Partial<Issue> = {}): Issue {
  return {
    instance: 'main',
    id: String(10000 + n),
    key: `SHOP-${n}`,
    url: `https://jira.example.com/browse/SHOP-${n}`,
    projectKey: 'SHOP',
    issueType: 'Bug',
    status: 'In Progress',
    statusCategory: 'indeterminate',
    priority: 'High',
    summary: `Summary of issue ${n}`,
    assignee: { accountId: 'a1', displayName: 'Ada Lovelace' },
    labels: [],
    components: [],
    created: '2026-11-01T10:00:00.000Z',
    updated: '2026-11-20T10:00:00.000Z',
    customFields: {},
    ...overrides,
  };
}

export function sync(overrides: Partial<SyncStatus> = {}): SyncStatus {
  return {
    id: 'shop',
    instance: 'main',
    strategy: 'incremental',
    projects: ['SHOP'],
    lastSuccessAt: new Date().toISOString(),
    health: { status: 'healthy', reason: 'last run succeeded' },
    progress: null,
    ...overrides,
  };
}

export function entityIssues(overrides: Partial<EntityIssues> = {}): EntityIssues {
  return {
    entityRef: 'component:default/checkout',
    selector: { projectKeys: ['SHOP'] },
    counts: { new: 4, indeterminate: 2, done: 7, total: 13 },
    items: [issue(1), issue(2, { summary: 'Pay with card', status: 'To Do', statusCategory: 'new', priority: 'Low' })],
    syncs: [sync()],
    ...overrides,
  };
}

export const facets: EntityIssueFacets = {
  types: ['Bug', 'Story', 'Task'],
  assignees: [
    { accountId: 'a1', displayName: 'Ada Lovelace' },
    { accountId: 'a2', displayName: 'Grace Hopper' },
  ],
  labels: ['payments', 'ui'],
  components: ['Checkout'],
  statuses: [
    { name: 'To Do', category: 'new' },
    { name: 'In Progress', category: 'indeterminate' },
    { name: 'Done', category: 'done' },
  ],
};

export const cumulativeFlow: CumulativeFlow = {
  from: '2026-11-16',
  to: '2026-11-18',
  by: 'category',
  series: [
    { key: 'new', label: 'To do', category: 'new' },
    { key: 'indeterminate', label: 'In progress', category: 'indeterminate' },
    { key: 'done', label: 'Done', category: 'done' },
  ],
  points: [
    { date: '2026-11-16', counts: { new: 9, indeterminate: 3, done: 1 } },
    { date: '2026-11-17', counts: { new: 8, indeterminate: 3, done: 2 } },
    { date: '2026-11-18', counts: { new: 6, indeterminate: 4, done: 5 } },
  ],
};

export const cycleTime: CycleTimeChart = {
  points: [
    { issueId: '10003', key: 'SHOP-3', summary: 'Fast one', completedAt: '2026-11-10T12:00:00.000Z', cycleTimeDays: 1.25 },
    { issueId: '10004', key: 'SHOP-4', summary: 'Slow one', completedAt: '2026-11-12T12:00:00.000Z', cycleTimeDays: 9.5 },
  ],
  percentiles: { p50: 5.4, p85: 8.2, p95: 9.1 },
};

export const throughput: ThroughputChart = {
  weeks: [
    { weekStart: '2026-11-02', completed: 3 },
    { weekStart: '2026-11-09', completed: 0 },
    { weekStart: '2026-11-16', completed: 5 },
  ],
};

export const timeInStatus: TimeInStatusChart = {
  statuses: [
    { status: 'To Do', category: 'new', issues: 10, medianHours: 30, p85Hours: 70.25, totalHours: 400 },
    { status: 'In Progress', category: 'indeterminate', issues: 8, medianHours: 12.5, p85Hours: 40, totalHours: 150 },
  ],
};

export function histories(count: number): IssueHistory[] {
  return Array.from({ length: count }, (_, i) => ({
    id: String(50000 + i),
    author: { accountId: 'a2', displayName: 'Grace Hopper' },
    created: new Date(Date.UTC(2026, 9, 1) + i * 3_600_000).toISOString(),
    items: [{ field: 'summary', fromString: `Title ${i}`, toString: `Title ${i + 1}` }],
  }));
}

/** A recording API answering from the fixtures; the changelog comes in pages of the requested size, cursors being offsets. */
export function fakeApi(options: { issues?: EntityIssues; changelog?: IssueHistory[] } = {}) {
  const answer = options.issues ?? entityIssues();
  const changelog = options.changelog ?? histories(3);
  return {
    getEntityIssues: jest.fn<JiraSyncApi['getEntityIssues']>(async () => answer as any),
    getEntityFlowMetrics: jest.fn<JiraSyncApi['getEntityFlowMetrics']>(async () => ({
      from: '2026-09-01T00:00:00Z',
      to: '2026-11-23T00:00:00Z',
      issues: 0,
      cycleTime: { count: 0 },
      leadTime: { count: 0 },
      throughput: [],
      timeInStatus: [],
    })),
    listEntityIssues: jest.fn<JiraSyncApi['listEntityIssues']>(async () => answer),
    getEntityIssueFacets: jest.fn<JiraSyncApi['getEntityIssueFacets']>(async () => facets),
    getEntityCumulativeFlow: jest.fn<JiraSyncApi['getEntityCumulativeFlow']>(async () => cumulativeFlow),
    getEntityCycleTime: jest.fn<JiraSyncApi['getEntityCycleTime']>(async () => cycleTime),
    getEntityThroughput: jest.fn<JiraSyncApi['getEntityThroughput']>(async () => throughput),
    getEntityTimeInStatus: jest.fn<JiraSyncApi['getEntityTimeInStatus']>(async () => timeInStatus),
    getIssue: jest.fn<JiraSyncApi['getIssue']>(async keyOrId => {
      const found = answer.items.find(item => item.key === keyOrId) ?? issue(Number(keyOrId.split('-')[1]), { key: keyOrId });
      const detail: IssueDetail = { ...found, links: [], historyCount: changelog.length, reporter: { accountId: 'a2', displayName: 'Grace Hopper' } };
      return detail;
    }),
    getIssueChangelog: jest.fn<JiraSyncApi['getIssueChangelog']>(async (_keyOrId, page = {}) => {
      const start = Number(page.cursor ?? 0);
      const end = start + (page.limit ?? 50);
      return { items: changelog.slice(start, end), ...(end < changelog.length && { nextCursor: String(end) }) };
    }),
  } satisfies JiraSyncApi;
}
