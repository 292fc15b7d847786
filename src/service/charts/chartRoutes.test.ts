import request from 'supertest';
import { TestDatabases, mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { KnexSyncStore } from '../../store';
import { storeDatabase } from '../../store/testFixtures';
import { instanceConfig, syncDefinition } from '../../../test/support/factories';
import { at, flowFixtureVersions, issueVersion } from '../../../test/service/seed';
import { FLOW_NOW_MS } from '../../../test/service/flowFixture';
import { startRouteTestBackend } from '../../../test/support/routeTestApp';

jest.setTimeout(60_000);

const entity = (name: string, annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
});
const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
/** The flow fixture's window: Monday 2026-03-02 to "now", Wednesday 2026-03-18 (test/service/flowFixture.ts). */
const WINDOW = 'from=2026-03-02&to=2026-03-18';

describe.each(databases.eachSupportedId())('chart routes on %p', databaseId => {
  let server: any;
  let backend: Awaited<ReturnType<typeof startRouteTestBackend>>['backend'];
  const allow = async (requests: unknown[]) => requests.map(() => ({ result: AuthorizeResult.ALLOW } as const));
  const get = (path: string) =>
    request(server).get(`/api/jira-sync/entities/component/default/flow/charts${path}`).set('Authorization', mockCredentials.user.header());

  beforeAll(async () => {
    const knex = await databases.init(databaseId);
    const store = await KnexSyncStore.create(storeDatabase(knex));
    await store.writePage({ syncId: 'flow', instance: 'acme', versions: flowFixtureVersions(), nowMs: FLOW_NOW_MS });
    const faceted = (id: string, fields: Partial<Parameters<typeof issueVersion>[0]>) =>
      issueVersion({ instance: 'acme', issueId: id, issueKey: `FAC-${id}`, projectKey: 'FAC', createdMs: at('2026-03-01T00:00:00Z'), updatedMs: at('2026-03-01T00:00:00Z') + Number(id), ...fields });
    await store.writePage({
      syncId: 'flow',
      instance: 'acme',
      nowMs: FLOW_NOW_MS,
      versions: [
        faceted('1', { issueType: 'Bug', assigneeAccountId: 'u-ann', assigneeName: 'Ann', labels: ['api', 'urgent'], components: ['web'], status: 'In Progress', statusCategory: 'indeterminate' }),
        faceted('2', { issueType: 'Story', assigneeAccountId: 'u-bob', assigneeName: 'Bob', labels: ['api'], components: ['db', 'web'], status: 'To Do', statusCategory: 'new' }),
        faceted('3', { issueType: 'Bug', labels: ['ops'], components: [], status: 'Done', statusCategory: 'done' }),
        faceted('4', { issueType: 'Task', assigneeAccountId: 'u-ann', assigneeName: 'Ann', labels: [], components: ['db'], status: 'Backlog', statusCategory: 'new' }),
      ],
    });
    ({ backend, server } = await startRouteTestBackend({
      knex,
      router: () => ({
        scheduler: { triggerTask: async () => {}, getScheduledTasks: async () => [] },
        syncStore: store,
        syncs: [syncDefinition({ id: 'flow', instance: 'acme', projects: ['FLOW'] })],
        instances: [instanceConfig({ name: 'acme', baseUrl: 'https://acme.atlassian.net/' })],
        webhooks: { handle: jest.fn() } as any,
        engine: { retryDeadLetter: jest.fn() },
        webhookBodyLimitBytes: 4096,
        now: () => FLOW_NOW_MS,
      }),
      features: [
        mockServices.rootConfig.factory({ data: {} }),
        mockServices.permissions.mock({ authorize: allow, authorizeConditional: allow }).factory,
        catalogServiceMock.factory({ entities: [entity('flow', { 'jira/project-key': 'FLOW' }), entity('faceted', { 'jira/project-key': 'FAC' })] }),
      ],
    }));
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('cumulative flow by category: issues per category at the end of each day', async () => {
    const res = await get(`/cumulative-flow?${WINDOW}`);
    expect(res.status).toBe(200);
    expect(res.body.series.map((s: { key: string }) => s.key)).toEqual(['new', 'indeterminate', 'done', 'unknown']);
    expect(res.body.points).toHaveLength(17);
    const on = (date: string) => res.body.points.find((p: { date: string }) => p.date === date).counts;
    // "To Do" has no known category (no issue is in it now): it counts as unknown.
    expect(on('2026-03-02')).toEqual({ new: 0, indeterminate: 0, done: 1, unknown: 1 }); // F done before; A in To Do
    expect(on('2026-03-06')).toEqual({ new: 0, indeterminate: 0, done: 3, unknown: 0 }); // A, F, G
    expect(on('2026-03-10')).toEqual({ new: 0, indeterminate: 0, done: 4, unknown: 2 }); // + B; C and E in To Do
    expect(on('2026-03-18')).toEqual({ new: 0, indeterminate: 2, done: 6, unknown: 0 }); // E in Review, H in progress
  });

  it('cumulative flow by status, in workflow order', async () => {
    const res = await get(`/cumulative-flow?${WINDOW}&by=status`);
    expect(res.status).toBe(200);
    expect(res.body.series).toEqual([
      { key: 'In Progress', label: 'In Progress', category: 'indeterminate' },
      { key: 'Review', label: 'Review', category: 'indeterminate' },
      { key: 'Done', label: 'Done', category: 'done' },
      { key: 'Closed', label: 'Closed', category: 'done' },
      { key: 'To Do', label: 'To Do', category: null },
    ]);
    const on = (date: string) => res.body.points.find((p: { date: string }) => p.date === date).counts;
    expect(on('2026-03-16')).toEqual({ 'In Progress': 1, Review: 1, Done: 6, Closed: 0, 'To Do': 0 }); // D done at 12:00 (reopened next day), H in progress, E in Review
    expect(on('2026-03-17')).toEqual({ 'In Progress': 1, Review: 1, Done: 5, Closed: 1, 'To Do': 0 });
  });

  it('cycle time: one point per issue completed after being in progress, percentiles in days', async () => {
    const res = await get(`/cycle-time?${WINDOW}`);
    expect(res.status).toBe(200);
    expect(res.body.points.map((p: any) => [p.key, p.completedAt, p.cycleTimeDays])).toEqual([
      ['FLOW-1', '2026-03-06T09:00:00.000Z', 3],
      ['FLOW-2', '2026-03-10T10:00:00.000Z', 1],
      ['FLOW-4', '2026-03-17T12:00:00.000Z', 1.25],
    ]);
    expect(res.body.points[0]).toMatchObject({ issueId: '101' });
    expect(res.body.percentiles).toEqual({ p50: 1.25, p85: 3, p95: 3 });
  });

  it('throughput per ISO week', async () => {
    const res = await get(`/throughput?${WINDOW}`);
    expect(res.status).toBe(200);
    expect(res.body.weeks).toEqual([
      { weekStart: '2026-03-02', completed: 2 },
      { weekStart: '2026-03-09', completed: 2 },
      { weekStart: '2026-03-16', completed: 1 },
    ]);
  });

  it('time in status until completion, in workflow order', async () => {
    const res = await get(`/time-in-status?${WINDOW}`);
    expect(res.status).toBe(200);
    expect(res.body.statuses).toEqual([
      { status: 'In Progress', category: 'indeterminate', issues: 3, medianHours: 24, p85Hours: 48, totalHours: 90 },
      { status: 'Review', category: 'indeterminate', issues: 1, medianHours: 24, p85Hours: 24, totalHours: 24 },
      { status: 'Done', category: 'done', issues: 1, medianHours: 12, p85Hours: 12, totalHours: 12 },
      { status: 'To Do', category: null, issues: 3, medianHours: 24, p85Hours: 48, totalHours: 78 },
    ]);
  });

  it('defaults to the last 12 weeks', async () => {
    const res = await get('/throughput');
    expect(res.status).toBe(200);
    expect(res.body.weeks).toHaveLength(13); // 84 days from Thursday 2025-12-25 touch 13 ISO weeks
    const flow = await get('/cumulative-flow');
    expect(flow.body).toMatchObject({ from: '2025-12-25', to: '2026-03-18', by: 'category' });
    expect(flow.body.points).toHaveLength(84);
  });

  it.each([
    ['from=yesterday', 'from'],
    ['to=2026-02-30x', 'to'],
    ['from=2026-03-10&to=2026-03-01', 'from'],
    ['from=2023-01-01&to=2026-03-01', 'from'],
    ['by=week', 'by'],
    ['weeks=3', 'weeks'],
  ])('refuses %s with a 400 naming %s', async (query, name) => {
    const res = await get(`/cumulative-flow?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(name);
  });

  const entityGet = (path: string) =>
    request(server).get(`/api/jira-sync/entities/component/default/faceted${path}`).set('Authorization', mockCredentials.user.header());
  const keys = (body: { items: Array<{ key: string }> }) => body.items.map(i => i.key).sort();

  it('facets: the distinct values of the entity selection, for the filter menus', async () => {
    const res = await entityGet('/issues/facets');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      types: ['Bug', 'Story', 'Task'],
      assignees: [{ accountId: 'u-ann', displayName: 'Ann' }, { accountId: 'u-bob', displayName: 'Bob' }],
      labels: ['api', 'ops', 'urgent'],
      components: ['db', 'web'],
      statuses: [
        { name: 'Backlog', category: 'new' },
        { name: 'To Do', category: 'new' },
        { name: 'In Progress', category: 'indeterminate' },
        { name: 'Done', category: 'done' },
      ],
    });
  });

  it.each([
    ['type=Bug,Task', ['FAC-1', 'FAC-3', 'FAC-4']],
    ['assignee=u-bob', ['FAC-2']],
    ['label=urgent,ops', ['FAC-1', 'FAC-3']],
    ['component=db', ['FAC-2', 'FAC-4']],
    ['type=Bug&component=web', ['FAC-1']],
    ['statusCategory=new,done', ['FAC-2', 'FAC-3', 'FAC-4']],
    ['statusCategory=open&assignee=u-ann', ['FAC-1', 'FAC-4']],
  ])('the entity issue list filters %s (each list any-of, lists all-of)', async (query, expected) => {
    const res = await entityGet(`/issues?${query}`);
    expect(res.status).toBe(200);
    expect(keys(res.body)).toEqual(expected);
    expect(res.body.counts.total).toBe(4); // counts cover the whole selection
  });

  it('refuses an unknown status category in the list, naming the parameter', async () => {
    const res = await entityGet('/issues?statusCategory=new,closed');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('statusCategory');
  });
});
