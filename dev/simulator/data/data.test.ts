import { startJiraSimulator, type JiraSimulator } from '../index';
import { CUSTOM_FIELDS } from './catalog';
import { SimData } from './store';
import { jiraTimestamp, parseJiraTimestamp } from './time';
import { TEST_NOW } from '../testSupport';

const JIRA_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}$/;

describe('generated data', () => {
  let sim: JiraSimulator;
  beforeAll(async () => {
    sim = await startJiraSimulator({ issues: 1500, projects: 4, seed: 9, clock: { startMs: TEST_NOW, frozen: true } });
  });
  afterAll(() => sim.close());

  it('is deterministic for a seed and differs for another', () => {
    const make = (seed: number) => new SimData({ seed, projects: 3, issues: 200, historyShape: 'longTail', nowMs: TEST_NOW }, () => TEST_NOW);
    const digest = (d: SimData) => JSON.stringify(d.live().map(i => [i.key, i.values.summary, d.histories(i).map(h => [h.id, h.createdMs, h.items])]));
    expect(digest(make(4))).toBe(digest(make(4)));
    expect(digest(make(4))).not.toBe(digest(make(5)));
  });

  it('has deterministic project keys and the requested number of issues', () => {
    expect(sim.data.projects()).toEqual(['ALPHA', 'BETA', 'GAMMA', 'DELTA']);
    expect(sim.data.all()).toHaveLength(1500);
  });

  it('has custom fields of every type in Jira shapes', () => {
    const fields = sim.truth().map(t => t.fields);
    const some = (id: string, check: (v: any) => boolean) => expect(fields.some(f => f[id] !== null && check(f[id]))).toBe(true);
    some(CUSTOM_FIELDS.team.id, v => typeof v.value === 'string' && typeof v.id === 'string' && v.self.includes('customFieldOption'));
    some(CUSTOM_FIELDS.severity.id, v => typeof v.value === 'string');
    some(CUSTOM_FIELDS.platforms.id, v => Array.isArray(v) && v.length > 0 && typeof v[0].value === 'string');
    some(CUSTOM_FIELDS.area.id, v => typeof v.value === 'string' && typeof v.child.value === 'string');
    some(CUSTOM_FIELDS.tags.id, v => Array.isArray(v) && v.every((x: unknown) => typeof x === 'string'));
    some(CUSTOM_FIELDS.storyPoints.id, v => typeof v === 'number');
    some(CUSTOM_FIELDS.targetDate.id, v => /^\d{4}-\d\d-\d\d$/.test(v));
    some(CUSTOM_FIELDS.releasedAt.id, v => JIRA_TIME.test(v));
    some(CUSTOM_FIELDS.reviewer.id, v => typeof v.accountId === 'string' && typeof v.displayName === 'string');
    some(CUSTOM_FIELDS.stakeholders.id, v => Array.isArray(v) && v.length > 0 && typeof v[0].accountId === 'string');
    some(CUSTOM_FIELDS.sprint.id, v => Array.isArray(v) && ['id', 'name', 'state', 'boardId', 'goal', 'startDate', 'endDate'].every(k => k in v[0]));
    some(CUSTOM_FIELDS.notes.id, v => typeof v === 'string');
    some('labels', v => v.length > 0);
    const categories = new Set(fields.map(f => (f.status as any).statusCategory.key));
    expect(categories).toEqual(new Set(['new', 'indeterminate', 'done']));
    expect(fields.every(f => JIRA_TIME.test(f.created as string) && JIRA_TIME.test(f.updated as string))).toBe(true);
    expect(fields.some(f => f.resolution !== null && JIRA_TIME.test(f.resolutiondate as string))).toBe(true);
  });

  it('links appear on both issues with the same link id; sub-tasks point at parents that list them', () => {
    const truth = sim.truth();
    const byId = new Map(truth.map(t => [t.id, t]));
    const links = truth.flatMap(t => (t.fields.issuelinks as any[]).map(l => ({ from: t.id, link: l })));
    expect(links.length).toBeGreaterThan(50);
    for (const { from, link } of links) {
      const other = byId.get((link.outwardIssue ?? link.inwardIssue).id)!;
      const mirror = (other.fields.issuelinks as any[]).find(l => l.id === link.id);
      expect(mirror).toBeDefined();
      expect((mirror.outwardIssue ?? mirror.inwardIssue).id).toBe(from);
      expect(Boolean(mirror.outwardIssue)).toBe(Boolean(link.inwardIssue));
    }
    const children = truth.filter(t => t.fields.parent);
    expect(children.length).toBeGreaterThan(20);
    for (const child of children) {
      expect((child.fields.issuetype as any).subtask).toBe(true);
      const parent = byId.get((child.fields.parent as any).id)!;
      expect((parent.fields.subtasks as any[]).map(s => s.id)).toContain(child.id);
    }
  });

  it('histories have a long tail, end where the fields are, and start from creation values', () => {
    const truth = sim.truth();
    const counts = truth.map(t => t.histories.length).sort((a, b) => a - b);
    expect(counts[Math.floor(counts.length / 2)]).toBeLessThanOrEqual(12);
    expect(counts.filter(c => c > 40).length / counts.length).toBeGreaterThan(0.02);
    expect(counts.at(-1)).toBeGreaterThan(1000);
    for (const t of truth) {
      const statusItems = t.histories.flatMap(h => h.items.filter((i: any) => i.field === 'status'));
      // Every issue is created To Do; its status is the last status change, or To Do without one.
      expect(statusItems.at(-1)?.to ?? '10000').toBe((t.fields.status as any).id);
      expect(statusItems[0]?.from ?? '10000').toBe('10000');
      expect(t.fields.updated).toBe(t.histories.at(-1)?.created ?? t.fields.created);
    }
  });

  it('mutations: creation writes no history; an edit writes one history and bumps updated; silent edits write neither', () => {
    sim.clock.advance(60_000);
    const created = sim.data.createIssue({ project: 'DELTA', fields: { summary: 'new', assignee: sim.truth()[0].fields.reporter as any, [CUSTOM_FIELDS.storyPoints.id]: 3 } });
    const t0 = sim.truth().find(t => t.id === created.id)!;
    expect(t0.histories).toEqual([]);
    expect(t0.fields.updated).toBe(jiraTimestamp(TEST_NOW + 60_000, 'America/Los_Angeles'));
    sim.clock.advance(1000);
    sim.data.updateIssue(created.key, { status: 'Done', [CUSTOM_FIELDS.storyPoints.id]: 5, labels: ['a', 'b'] });
    const t1 = sim.truth().find(t => t.id === created.id)!;
    expect(t1.histories).toHaveLength(1);
    expect(t1.histories[0].items).toEqual([
      { field: 'status', fieldtype: 'jira', fieldId: 'status', from: '10000', fromString: 'To Do', to: '10003', toString: 'Done' },
      { field: 'resolution', fieldtype: 'jira', fieldId: 'resolution', from: null, fromString: null, to: '10000', toString: 'Done' },
      { field: 'Story Points', fieldtype: 'custom', fieldId: CUSTOM_FIELDS.storyPoints.id, from: null, fromString: '3', to: null, toString: '5' },
      { field: 'labels', fieldtype: 'jira', fieldId: 'labels', from: null, fromString: expect.any(String), to: null, toString: 'a b' },
    ]);
    expect(parseJiraTimestamp(t1.fields.updated as string)).toBe(TEST_NOW + 61_000);
    expect(t1.fields.resolutiondate).toBe(t1.fields.updated);
    sim.clock.advance(1000);
    sim.data.updateIssue(created.key, { summary: 'drifted' }, { silent: true });
    const t2 = sim.truth().find(t => t.id === created.id)!;
    expect(t2.fields.summary).toBe('drifted');
    expect(t2.histories).toHaveLength(1);
    expect(t2.fields.updated).toBe(t1.fields.updated);
    expect(Number(t1.histories[0].id)).toBeGreaterThan(Math.max(...sim.truth().filter(t => t.id !== created.id).flatMap(t => t.histories.map(h => Number(h.id)))) - 1);
  });

  it('writes timestamps exactly as Jira does, offsets without a colon', () => {
    expect(jiraTimestamp(Date.UTC(2022, 5, 9, 23, 29, 31, 871), 'America/Los_Angeles')).toBe('2022-06-09T16:29:31.871-0700');
    expect(jiraTimestamp(Date.UTC(2022, 5, 9, 23, 29, 31, 871), 'Asia/Kolkata')).toBe('2022-06-10T04:59:31.871+0530');
    expect(jiraTimestamp(Date.UTC(2022, 5, 9, 23, 29, 31, 871), 'America/St_Johns')).toBe('2022-06-09T20:59:31.871-0230');
    expect(parseJiraTimestamp('2022-06-09T16:29:31.871-0700')).toBe(Date.UTC(2022, 5, 9, 23, 29, 31, 871));
  });
});
