import request from 'supertest';
import type { Knex } from 'knex';
import {
  TestDatabases,
  mockCredentials,
  mockServices,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConflictError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { KnexSyncStore } from '../store';
import { storeDatabase } from '../store/testFixtures';
import type { SyncDefinition } from '../spec/types';
import { instanceConfig, syncDefinition } from '../../test/support/factories';
import { startRouteTestBackend } from '../../test/support/routeTestApp';
import { jiraSyncPermissions } from '@jira-sync/backstage-plugin-jira-sync-common';
import { at, flowFixtureVersions, issueVersion, statusHistory } from '../../test/service/seed';
import { FLOW_NOW_MS, expectedFlowMetrics } from '../../test/service/flowFixture';

const NOW = FLOW_NOW_MS;
const MIN = 60_000;

const instances = [
  instanceConfig({ name: 'acme', baseUrl: 'https://acme.atlassian.net/', webhookSecret: 's3cret' }),
  instanceConfig({ name: 'other', baseUrl: 'https://jira.other.example' }),
];

const sync = (id: string, instance: string, projects: string[], extra: Partial<SyncDefinition> = {}) =>
  syncDefinition({ id, instance, projects, ...extra });
const syncs = [
  sync('acme-pay', 'acme', ['PAY', 'OPS']),
  sync('acme-flow', 'acme', ['FLOW']),
  sync('other-pay', 'other', ['PAY'], { jql: 'labels = mobile' }),
];

const entity = (name: string, annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
});
const entities = [
  entity('payments', { 'jira/project-key': 'PAY' }),
  entity('payments-acme', { 'jira/project-key': 'PAY', 'jira-sync/instance': 'acme' }),
  entity('payments-api', { 'jira/project-key': 'PAY', 'jira/component': 'api', 'jira-sync/instance': 'acme' }),
  entity('payments-axis', { 'jira.com/project-key': 'PAY,OPS', 'jira.com/components': 'web, infra,', 'jira-sync/instance': 'acme' }),
  entity('backend-work', { 'jira/project-key': 'pay, OPS', 'jira/label': 'backend' }),
  entity('platform', { 'jira/project-key': 'PAY,OPS', 'jira-sync/instance': 'acme' }),
  entity('flow', { 'jira/project-key': 'FLOW' }),
  entity('no-jira', { 'backstage.io/techdocs-ref': 'dir:.' }),
];

const keysOf = (body: { items: Array<{ key: string; instance: string }> }) => body.items.map(i => `${i.instance}/${i.key}`);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('REST API on %p', databaseId => {
  let knex: Knex;
  let server: any;
  let backend: Awaited<ReturnType<typeof startRouteTestBackend>>['backend'];
  let store: KnexSyncStore;
  const denied = new Set<string>();
  const scheduler = { triggerTask: jest.fn(async (_id: string) => {}), getScheduledTasks: jest.fn() };
  const engine = { retryDeadLetter: jest.fn() };
  const webhooks = { handle: jest.fn() };
  const getEntityByRef = jest.fn();
  const decide = (requests: Array<{ permission: { name: string } }>) =>
    requests.map(r => ({ result: denied.has(r.permission.name) ? AuthorizeResult.DENY : AuthorizeResult.ALLOW } as const));
  const permissionsMock = mockServices.permissions.mock({
    authorize: async requests => decide(requests),
    authorizeConditional: async requests => decide(requests),
  });
  const registered: string[] = [];
  const user = mockCredentials.user.header('user:default/ann');

  const get = (path: string) => request(server).get(`/api/jira-sync${path}`).set('Authorization', user);
  const post = (path: string) => request(server).post(`/api/jira-sync${path}`).set('Authorization', user);

  beforeAll(async () => {
    knex = await databases.init(databaseId);
    store = await KnexSyncStore.create(storeDatabase(knex));
    const write = (instance: string, syncId: string | null, versions: ReturnType<typeof issueVersion>[]) =>
      store.writePage({ syncId, instance, versions, nowMs: NOW - 60 * MIN });

    await write('acme', 'acme-pay', [
      issueVersion({
        instance: 'acme', issueId: '1001', issueKey: 'PAY-1', issueType: 'Bug', summary: 'Checkout fails on Safari',
        assigneeAccountId: 'u-ann', assigneeName: 'Ann', labels: ['backend', 'urgent'], components: ['api'],
        customFields: { team: 'Payments', points: 3, sprints: ['S1', 'S2'] },
        createdMs: at('2026-01-01T00:00:00Z'), updatedMs: at('2026-01-10T00:00:00Z'),
      }),
      issueVersion(
        {
          instance: 'acme', issueId: '1002', issueKey: 'PAY-2', issueType: 'Story', summary: 'Redesign the CART page',
          status: 'In Progress', statusCategory: 'indeterminate', assigneeAccountId: 'u-bob', assigneeName: 'Bob',
          labels: ['frontend'], components: ['web'], customFields: { team: 'Payments', points: 5 },
          parentId: '1001', parentKey: 'PAY-1',
          createdMs: at('2026-01-02T00:00:00Z'), updatedMs: at('2026-01-11T00:00:00Z'),
        },
        [
          statusHistory('9001', '2026-01-03T00:00:00Z', 'To Do', 'In Progress'),
          { historyId: '9002', authorAccountId: null, authorName: null, createdMs: at('2026-01-04T00:00:00Z'), createdRaw: '2026-01-04T00:00:00.000+0000',
            items: [{ field: 'assignee', fieldtype: 'jira', fieldId: 'assignee', fromValue: null, fromString: null, toValue: 'u-bob', toString: 'Bob' }] },
          statusHistory('9003', '2026-01-05T00:00:00Z', 'In Progress', 'In Progress'),
        ],
        [{ linkId: '70', linkType: 'Blocks', direction: 'outward', description: 'blocks', otherIssueId: '1001', otherIssueKey: 'PAY-1' }],
      ),
      issueVersion({
        instance: 'acme', issueId: '1003', issueKey: 'PAY-3', summary: 'Index the ledger table', status: 'Done', statusCategory: 'done',
        labels: ['backend'], components: ['api', 'db'], customFields: { team: 'Ledger', sprints: ['S2'] },
        createdMs: at('2026-01-03T00:00:00Z'), updatedMs: at('2026-01-12T00:00:00Z'), resolvedMs: at('2026-01-12T00:00:00Z'),
      }),
      issueVersion({ instance: 'acme', issueId: '1004', issueKey: 'PAY-4', summary: 'Gone', createdMs: at('2026-01-04T00:00:00Z'), updatedMs: at('2026-01-13T00:00:00Z') }),
      issueVersion({
        instance: 'acme', issueId: '2001', issueKey: 'OPS-1', summary: 'Rotate certificates', status: 'In Progress', statusCategory: 'indeterminate',
        components: ['infra'], createdMs: at('2026-01-05T00:00:00Z'), updatedMs: at('2026-01-09T00:00:00Z'),
      }),
    ]);
    await store.softDeleteIssue({ instance: 'acme', issueId: '1004', reason: 'deleted in Jira (webhook)', nowMs: NOW - 30 * MIN });
    await write('other', 'other-pay', [
      issueVersion({ instance: 'other', issueId: '5001', issueKey: 'PAY-1', summary: 'Other instance issue', createdMs: at('2026-01-01T00:00:00Z'), updatedMs: at('2026-01-08T00:00:00Z') }),
    ]);
    await write('acme', 'acme-flow', flowFixtureVersions());

    // Runs: acme-pay succeeded 20 min ago after an older failure; acme-flow failed three times.
    const run = async (syncId: string, minutesAgo: number, outcome: 'succeeded' | 'failed', error?: string) => {
      const runId = await store.startRun({ syncId, strategy: 'incremental', trigger: 'schedule', nowMs: NOW - minutesAgo * MIN });
      const counters = { issuesRead: 5, issuesInserted: 1, issuesUpdated: 0, issuesUnchanged: 4, issuesDeleted: 0, issuesRestored: 0, historiesWritten: 3, deadLetters: 0, apiCalls: 2, apiRetries: 0, apiBytes: 1000, rateLimitWaitMs: 0 };
      await store.finishRun({ runId, outcome, counters, error, nowMs: NOW - minutesAgo * MIN + MIN });
    };
    await run('acme-pay', 50, 'failed', 'Jira answered 503');
    await run('acme-pay', 20, 'succeeded');
    for (const m of [80, 50, 20]) await run('acme-flow', m, 'failed', 'JQL error: field "Team" does not exist');
    await store.addDeadLetter({ syncId: 'acme-pay', instance: 'acme', issueId: '1999', issueKey: 'PAY-99', error: 'field "points": expected a number', payload: { id: '1999' }, nowMs: NOW - 40 * MIN });
    await store.addDeadLetter({ syncId: 'acme-pay', instance: 'acme', issueId: '1998', issueKey: 'PAY-98', error: 'old problem', payload: {}, nowMs: NOW - 90 * MIN });
    await store.resolveDeadLetter({ syncId: 'acme-pay', instance: 'acme', issueId: '1998', nowMs: NOW - 80 * MIN });
    await store.saveState({ syncId: 'acme-pay', instance: 'acme', watermarkMs: at('2026-01-13T00:00:00Z'), lastFullMs: NOW - 24 * 60 * MIN }, NOW);

    scheduler.getScheduledTasks.mockResolvedValue([
      { id: 'jira-sync:acme-pay', scope: 'global', settings: {} },
      { id: 'jira-sync:acme-flow', scope: 'global', settings: {} },
    ]);

    ({ backend, server } = await startRouteTestBackend({
      knex,
      permissionsRegistry: registry => ({
        addPermissions: ps => { registered.push(...ps.map(p => p.name)); registry.addPermissions(ps); },
        addResourceType: type => { registered.push(...(type.permissions ?? []).map(p => p.name)); registry.addResourceType(type); },
      }),
      router: ({ catalog }) => {
        // A spy in front of the catalog, to see which credentials the router reads entities with.
        getEntityByRef.mockImplementation((ref, options) => catalog.getEntityByRef(ref, options));
        return {
          catalog: { getEntityByRef },
          scheduler,
          syncStore: store,
          syncs,
          instances,
          webhooks,
          engine,
          webhookBodyLimitBytes: 4096,
          now: () => NOW,
        };
      },
      features: [
        mockServices.rootConfig.factory({ data: {} }),
        mockServices.httpAuth.factory({ defaultCredentials: mockCredentials.none() }),
        permissionsMock.factory,
        catalogServiceMock.factory({ entities }),
      ],
    }));
  });

  afterAll(async () => {
    await backend?.stop();
  });

  beforeEach(() => {
    denied.clear();
    jest.clearAllMocks();
  });

  describe('authentication and permissions', () => {
    it('registers its permissions', () => {
      expect([...registered].sort()).toEqual(['jira-sync.dead-letter.retry', 'jira-sync.issue.read', 'jira-sync.sync.read', 'jira-sync.sync.trigger']);
      expect(jiraSyncPermissions.map(p => p.attributes.action)).toEqual(['read', 'read', 'update', 'update']);
    });

    it.each([
      ['get', '/issues'], ['get', '/issues/PAY-1'], ['get', '/issues/PAY-1/changelog'],
      ['get', '/entities/component/default/payments/issues'], ['get', '/entities/component/default/flow/metrics'],
      ['get', '/projects/FLOW/metrics'], ['get', '/syncs'], ['get', '/syncs/acme-pay/runs'],
      ['get', '/syncs/acme-pay/dead-letters'], ['post', '/syncs/acme-pay/trigger'], ['post', '/syncs/acme-pay/dead-letters/1999/retry'],
    ])('%s %s needs credentials (401)', async (method, path) => {
      const res = await (request(server) as any)[method](`/api/jira-sync${path}`);
      expect(res.status).toBe(401);
      expect(scheduler.triggerTask).not.toHaveBeenCalled();
      expect(engine.retryDeadLetter).not.toHaveBeenCalled();
    });

    it('accepts service credentials', async () => {
      const res = await request(server).get('/api/jira-sync/issues?limit=1').set('Authorization', mockCredentials.service.header());
      expect(res.status).toBe(200);
    });

    it.each([
      ['get', '/issues', 'jira-sync.issue.read'],
      ['get', '/issues/PAY-1', 'jira-sync.issue.read'],
      ['get', '/issues/PAY-1/changelog', 'jira-sync.issue.read'],
      ['get', '/entities/component/default/payments/issues', 'jira-sync.issue.read'],
      ['get', '/entities/component/default/flow/metrics', 'jira-sync.issue.read'],
      ['get', '/projects/FLOW/metrics', 'jira-sync.issue.read'],
      ['get', '/syncs', 'jira-sync.sync.read'],
      ['get', '/syncs/acme-pay/runs', 'jira-sync.sync.read'],
      ['get', '/syncs/acme-pay/dead-letters', 'jira-sync.sync.read'],
      ['post', '/syncs/acme-pay/trigger', 'jira-sync.sync.trigger'],
      ['post', '/syncs/acme-pay/dead-letters/1999/retry', 'jira-sync.dead-letter.retry'],
    ])('%s %s is 403 when %s is denied', async (method, path, permission) => {
      denied.add(permission);
      const res = await (method === 'get' ? get(path) : post(path));
      expect(res.status).toBe(403);
      expect(res.body.error.name).toBe('NotAllowedError');
      expect(res.body.error.message).toContain(permission);
      expect(scheduler.triggerTask).not.toHaveBeenCalled();
      expect(engine.retryDeadLetter).not.toHaveBeenCalled();
      expect(getEntityByRef).not.toHaveBeenCalled();
    });

    it('allows reading issues when only the sync permissions are denied', async () => {
      denied.add('jira-sync.sync.read').add('jira-sync.sync.trigger');
      expect((await get('/issues')).status).toBe(200);
    });

    it('serves /health and /openapi.json without credentials', async () => {
      const health = await request(server).get('/api/jira-sync/health');
      expect(health.status).toBe(200);
      expect(health.body).toEqual({ status: 'ok' });
      const doc = await request(server).get('/api/jira-sync/openapi.json');
      expect(doc.status).toBe(200);
      // Backstage's router serves the document through openapi-merge, which writes 3.0.3.
      expect(doc.body.openapi).toMatch(/^3\./);
      expect(doc.body.info.title).toBe('jira-sync');
      // The document's paths are relative to the plugin (servers: /); served, they carry the mount point.
      expect(Object.keys(doc.body.paths)).toContain('/api/jira-sync/entities/{kind}/{namespace}/{name}/issues');
    });
  });

  describe('GET /issues', () => {
    const list = async (query: string) => {
      const res = await get(`/issues?${query}`);
      expect(res.status).toBe(200);
      return res.body;
    };

    it('lists live issues, newest update first, with browse links and ISO times', async () => {
      const body = await list('project=PAY');
      expect(keysOf(body)).toEqual(['acme/PAY-3', 'acme/PAY-2', 'acme/PAY-1', 'other/PAY-1']);
      const pay2 = body.items[1];
      expect(pay2).toMatchObject({
        instance: 'acme', id: '1002', key: 'PAY-2', url: 'https://acme.atlassian.net/browse/PAY-2', projectKey: 'PAY',
        issueType: 'Story', status: 'In Progress', statusCategory: 'indeterminate',
        assignee: { accountId: 'u-bob', displayName: 'Bob' }, reporter: null, parent: { id: '1001', key: 'PAY-1' },
        created: '2026-01-02T00:00:00.000Z', updated: '2026-01-11T00:00:00.000Z', resolved: null, deleted: null,
        customFields: { team: 'Payments', points: 5 },
      });
      expect(body.items[3].url).toBe('https://jira.other.example/browse/PAY-1');
      expect(body.nextCursor).toBeUndefined();
    });

    it('leaves soft-deleted issues out unless includeDeleted=true', async () => {
      expect(keysOf(await list('project=PAY&instance=acme'))).not.toContain('acme/PAY-4');
      const body = await list('project=PAY&instance=acme&includeDeleted=true');
      const gone = body.items.find((i: any) => i.key === 'PAY-4');
      expect(gone.deleted).toEqual({ at: new Date(NOW - 30 * MIN).toISOString(), reason: 'deleted in Jira (webhook)' });
    });

    it.each([
      ['instance=other', ['other/PAY-1']],
      ['project=pay,ops&instance=acme', ['acme/PAY-3', 'acme/PAY-2', 'acme/PAY-1', 'acme/OPS-1']],
      ['project=OPS&project=PAY&instance=acme', ['acme/PAY-3', 'acme/PAY-2', 'acme/PAY-1', 'acme/OPS-1']],
      ['key=pay-1', ['acme/PAY-1', 'other/PAY-1']],
      ['key=PAY-1,OPS-1&instance=acme', ['acme/PAY-1', 'acme/OPS-1']],
      ['status=In%20Progress', ['acme/PAY-2', 'acme/OPS-1']],
      ['statusCategory=done&project=PAY', ['acme/PAY-3']],
      ['type=Bug', ['acme/PAY-1']],
      ['assignee=u-bob', ['acme/PAY-2']],
      ['label=backend', ['acme/PAY-3', 'acme/PAY-1']],
      ['component=api', ['acme/PAY-3', 'acme/PAY-1']],
      ['component=ap', []],
      ['customField=team:Payments', ['acme/PAY-2', 'acme/PAY-1']],
      ['customField=points:5', ['acme/PAY-2']],
      ['customField=sprints:S2', ['acme/PAY-3', 'acme/PAY-1']],
      ['updatedSince=2026-01-11T00:00:00Z&project=PAY', ['acme/PAY-3', 'acme/PAY-2']],
      ['q=cart', ['acme/PAY-2']],
      ['q=100%25', []],
      ['q=safar%20CHECK', ['acme/PAY-1']],
      ['q=%00', []],
    ])('filters by %s', async (query, expected) => {
      const body = await list(query);
      expect(keysOf(body).filter(k => !k.includes('FLOW'))).toEqual(expected);
    });

    it('matches the status filter exactly, in every project', async () => {
      const body = await list('status=In%20Progress&sort=key&order=asc');
      expect(keysOf(body)).toEqual(['acme/FLOW-8', 'acme/OPS-1', 'acme/PAY-2']);
    });

    it.each([
      ['sort=created&order=asc&project=PAY&instance=acme', ['acme/PAY-1', 'acme/PAY-2', 'acme/PAY-3']],
      ['sort=key&order=asc&instance=acme&project=PAY,OPS', ['acme/OPS-1', 'acme/PAY-1', 'acme/PAY-2', 'acme/PAY-3']],
      ['sort=key&order=desc&instance=acme&project=PAY,OPS', ['acme/PAY-3', 'acme/PAY-2', 'acme/PAY-1', 'acme/OPS-1']],
      // Workflow order (To Do, In Progress, Done), the issue id breaking the In Progress tie.
      ['sort=status&order=asc&instance=acme&project=PAY,OPS', ['acme/PAY-1', 'acme/PAY-2', 'acme/OPS-1', 'acme/PAY-3']],
      ['sort=status&order=desc&instance=acme&project=PAY,OPS', ['acme/PAY-3', 'acme/OPS-1', 'acme/PAY-2', 'acme/PAY-1']],
      // No issue has a priority id in its fields: all tie, most urgent first runs by id.
      ['sort=priority&order=desc&instance=acme&project=PAY,OPS', ['acme/PAY-1', 'acme/PAY-2', 'acme/PAY-3', 'acme/OPS-1']],
      ['order=asc&project=PAY', ['other/PAY-1', 'acme/PAY-1', 'acme/PAY-2', 'acme/PAY-3']],
    ])('sorts with %s', async (query, expected) => {
      expect(keysOf(await list(query))).toEqual(expected);
    });

    it.each([
      ['statusCategory=closed', 'statusCategory'],
      ['sort=severity', 'sort'],
      ['order=up', 'order'],
      ['limit=0', 'limit'],
      ['limit=ten', 'limit'],
      ['includeDeleted=yes', 'includeDeleted'],
      ['updatedSince=yesterday', 'updatedSince'],
      ['updatedSince=2026-01-01', 'updatedSince'],
      ['customField=Payments', 'customField'],
      ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['instance=a&instance=b', 'instance'],
      ['projetc=PAY', 'projetc'],
    ])('refuses %s with 400 naming %s', async (query, parameter) => {
      const res = await get(`/issues?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toContain(parameter);
    });

    it.each([
      ['limit=ten', 'request/query/limit must be integer'],
      ['sort=severity', 'request/query/sort must be equal to one of the allowed values'],
      ['updatedSince=yesterday', 'request/query/updatedSince must match format "date-time"'],
      ['instance=a&instance=b', 'request/query/instance must be string'],
      ['projetc=PAY', "Unknown query parameter 'projetc'"],
    ])('refuses %s in the typed router, before any handler runs', async (query, message) => {
      const res = await get(`/issues?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(message);
    });

    it('accepts comma lists and alias:value unencoded (allowReserved)', async () => {
      expect(keysOf(await list('project=PAY,OPS&instance=acme&key=PAY-1,OPS-1'))).toEqual(['acme/PAY-1', 'acme/OPS-1']);
      expect(keysOf(await list('customField=team:Ledger'))).toEqual(['acme/PAY-3']);
    });

    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    it.each([
      ['an array as the sort value', ['updated:desc', [1, 2, 3], 'acme', '1001']],
      ['an object as the sort value', ['updated:desc', { a: 1 }, 'acme', '1001']],
      ['text as an updated time', ['updated:desc', 'yesterday', 'acme', '1001']],
      ['a fraction as an updated time', ['updated:desc', 1.5, 'acme', '1001']],
      ['a non-numeric issue id', ['updated:desc', 1, 'acme', "1' or '1'='1"]],
      ['an instance name longer than any', ['updated:desc', 1, 'a'.repeat(101), '1001']],
      ['a number as the key', ['key:desc', 5, 'acme', '1001']],
      ['nulls', ['updated:desc', null, null, null]],
    ])('refuses a forged cursor with %s: 400 naming cursor, no SQL in the body', async (_what, value) => {
      for (const path of ['/issues?cursor=', '/entities/component/default/platform/issues?cursor=']) {
        const res = await get(`${path}${forged(value)}`);
        expect(res.status).toBe(400);
        expect(res.body.error).toMatchObject({ name: 'InputError', message: 'query parameter "cursor" is not a cursor of this listing' });
        expect(JSON.stringify(res.body)).not.toMatch(/select|jira_sync_|stack/i);
      }
    });

    it('refuses a forged changelog cursor with 400', async () => {
      for (const value of [['history', [1], '9001'], ['history', 1, { id: 1 }], ['history', 'x', '9001']]) {
        const res = await get(`/issues/1002/changelog?cursor=${forged(value)}`);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain('"cursor"');
      }
    });

    it('caps the page size at 500', async () => {
      const body = await list('limit=100000');
      expect(body.items.length).toBeGreaterThan(5);
      expect(body.nextCursor).toBeUndefined();
    });

    it('pages with an opaque cursor, losing and repeating nothing while rows are inserted between pages', async () => {
      const base = at('2026-02-01T00:00:00Z');
      // 12 issues, updated times in pairs so the sort value ties across page boundaries.
      await store.writePage({
        syncId: null, instance: 'acme', nowMs: NOW,
        versions: Array.from({ length: 12 }, (_, i) =>
          issueVersion({ instance: 'acme', issueId: String(3000 + i), issueKey: `PAGE-${i + 1}`, updatedMs: base + Math.floor(i / 2) * MIN, createdMs: base - i * MIN })),
      });
      for (const query of ['project=PAGE&limit=5', 'project=PAGE&limit=5&sort=key&order=asc', 'project=PAGE&limit=4&sort=created&order=asc']) {
        const original = new Set(keysOf(await list(`${query.replace(/limit=\d+/, 'limit=500')}`)));
        const seen: string[] = [];
        let cursor: string | undefined;
        let inserted = 0;
        do {
          const body = await list(`${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
          seen.push(...keysOf(body));
          cursor = body.nextCursor;
          // Between pages: one issue newer than all, one older than all, one inside the range.
          const idBlock = ['key', 'created'].findIndex(sort => query.includes(sort)) + 1; // separate ids per sort: key 50, created 100
          const id = 3100 + (inserted++) * 3 + idBlock * 50;
          await store.writePage({
            syncId: null, instance: 'acme', nowMs: NOW,
            versions: [
              issueVersion({ instance: 'acme', issueId: String(id), issueKey: `PAGE-${id}`, updatedMs: base + 100 * MIN, createdMs: base + 100 * MIN }),
              issueVersion({ instance: 'acme', issueId: String(id + 1), issueKey: `PAGE-0${id}`, updatedMs: base - 100 * MIN, createdMs: base - 100 * MIN }),
              issueVersion({ instance: 'acme', issueId: String(id + 2), issueKey: `PAGE-5${id}`, updatedMs: base + 3 * MIN, createdMs: base - 5 * MIN }),
            ],
          });
        } while (cursor);
        expect(new Set(seen).size).toBe(seen.length);
        for (const key of original) expect(seen).toContain(key);
      }
    });
  });

  describe('GET /issues/{keyOrId} and its changelog', () => {
    it('returns one issue by key with links and history count', async () => {
      const res = await get('/issues/pay-2');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        instance: 'acme', id: '1002', key: 'PAY-2', url: 'https://acme.atlassian.net/browse/PAY-2', historyCount: 3,
        links: [{ id: '70', type: 'Blocks', direction: 'outward', description: 'blocks', otherIssueId: '1001', otherIssueKey: 'PAY-1' }],
        customFields: { team: 'Payments', points: 5 },
      });
      expect(res.body.rawFields).toBeUndefined();
    });

    it('finds by numeric id, and by key on a chosen instance', async () => {
      expect((await get('/issues/5001')).body.instance).toBe('other');
      const other = await get('/issues/PAY-1?instance=other');
      expect(other.body).toMatchObject({ id: '5001', url: 'https://jira.other.example/browse/PAY-1' });
    });

    it('returns a soft-deleted issue with its deletion', async () => {
      const res = await get('/issues/PAY-4');
      expect(res.status).toBe(200);
      expect(res.body.deleted.reason).toBe('deleted in Jira (webhook)');
    });

    it('is 404 for an unknown issue', async () => {
      const res = await get('/issues/NOPE-1');
      expect(res.status).toBe(404);
      expect((await get('/issues/PAY-2/changelog?instance=other')).status).toBe(404);
    });

    it('pages the changelog oldest first', async () => {
      const first = await get('/issues/PAY-2/changelog?limit=2');
      expect(first.status).toBe(200);
      expect(first.body.items.map((h: any) => h.id)).toEqual(['9001', '9002']);
      expect(first.body.items[0]).toEqual({
        id: '9001', author: { accountId: 'u-ann', displayName: 'Ann' }, created: '2026-01-03T00:00:00.000Z',
        items: [{ field: 'status', fieldtype: 'jira', fieldId: 'status', from: '1', fromString: 'To Do', to: '3', toString: 'In Progress' }],
      });
      expect(first.body.items[1].author).toBeNull();
      const second = await get(`/issues/1002/changelog?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
      expect(second.body.items.map((h: any) => h.id)).toEqual(['9003']);
      expect(second.body.nextCursor).toBeUndefined();
    });

    it('refuses a bad changelog parameter', async () => {
      const res = await get('/issues/PAY-2/changelog?limit=-1');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('limit');
    });
  });

  describe('GET /entities/{kind}/{namespace}/{name}/issues', () => {
    const entityIssues = async (name: string, query = '') => {
      const res = await get(`/entities/component/default/${name}/issues${query}`);
      expect(res.status).toBe(200);
      return res.body;
    };

    it('selects by one project key, counts by status category, reads the entity with the caller credentials', async () => {
      const body = await entityIssues('payments-acme');
      expect(body.entityRef).toBe('component:default/payments-acme');
      expect(body.selector).toEqual({ projectKeys: ['PAY'], component: null, components: [], label: null });
      expect(keysOf(body)).toEqual(['acme/PAY-3', 'acme/PAY-2', 'acme/PAY-1']);
      expect(body.counts).toEqual({ new: 1, indeterminate: 1, done: 1, total: 3 });
      expect(getEntityByRef).toHaveBeenCalledWith('component:default/payments-acme', { credentials: expect.objectContaining({ principal: expect.objectContaining({ userEntityRef: 'user:default/ann' }) }) });
    });

    it('includes every instance unless the entity names one', async () => {
      expect(keysOf(await entityIssues('payments'))).toEqual(['acme/PAY-3', 'acme/PAY-2', 'acme/PAY-1', 'other/PAY-1']);
    });

    it('selects by several comma-separated project keys', async () => {
      const body = await entityIssues('platform', '?sort=key&order=asc');
      expect(body.selector.projectKeys).toEqual(['PAY', 'OPS']);
      expect(keysOf(body)).toEqual(['acme/OPS-1', 'acme/PAY-1', 'acme/PAY-2', 'acme/PAY-3']);
      expect(body.counts).toEqual({ new: 1, indeterminate: 2, done: 1, total: 4 });
    });

    it('narrows by jira/component and by jira/label', async () => {
      const api = await entityIssues('payments-api');
      expect(api.selector.component).toBe('api');
      expect(keysOf(api)).toEqual(['acme/PAY-3', 'acme/PAY-1']);
      expect(api.counts.total).toBe(2);
      const labelled = await entityIssues('backend-work');
      expect(labelled.selector).toEqual({ projectKeys: ['PAY', 'OPS'], component: null, components: [], label: 'backend' });
      expect(keysOf(labelled)).toEqual(['acme/PAY-3', 'acme/PAY-1']);
    });

    it("narrows by Axis's jira.com/components: issues with any of the listed components", async () => {
      const axis = await entityIssues('payments-axis');
      expect(axis.selector).toEqual({ projectKeys: ['PAY', 'OPS'], component: null, components: ['web', 'infra'], label: null });
      expect(keysOf(axis)).toEqual(['acme/PAY-2', 'acme/OPS-1']);
      expect(axis.counts).toEqual({ new: 0, indeterminate: 2, done: 0, total: 2 });
    });

    it('filters items by status category (open = new + indeterminate) and text, keeping the counts whole', async () => {
      const open = await entityIssues('platform', '?statusCategory=open');
      expect(keysOf(open)).toEqual(['acme/PAY-2', 'acme/PAY-1', 'acme/OPS-1']);
      expect(open.counts.total).toBe(4);
      expect(keysOf(await entityIssues('platform', '?statusCategory=done'))).toEqual(['acme/PAY-3']);
      expect(keysOf(await entityIssues('platform', '?q=CERTIFICATES'))).toEqual(['acme/OPS-1']);
    });

    it('pages the entity issues', async () => {
      const first = await entityIssues('platform', '?limit=3');
      expect(first.items).toHaveLength(3);
      const second = await entityIssues('platform', `?limit=3&cursor=${encodeURIComponent(first.nextCursor)}`);
      expect([...keysOf(first), ...keysOf(second)]).toEqual(['acme/PAY-3', 'acme/PAY-2', 'acme/PAY-1', 'acme/OPS-1']);
    });

    it('reports the syncs covering the projects', async () => {
      const body = await entityIssues('platform');
      expect(body.syncs.map((s: any) => s.id)).toEqual(['acme-pay']);
      expect(body.syncs[0].health.status).toBe('degraded'); // one dead letter waiting
      expect((await entityIssues('payments')).syncs.map((s: any) => s.id)).toEqual(['acme-pay', 'other-pay']);
    });

    it('is 400 naming jira/project-key for an entity without it', async () => {
      const res = await get('/entities/component/default/no-jira/issues');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('jira/project-key');
    });

    it('is 404 for an entity the catalog does not return', async () => {
      const res = await get('/entities/component/default/unknown/issues');
      expect(res.status).toBe(404);
      expect(res.body.error.message).toContain('component:default/unknown');
    });

    it('refuses bad parameters', async () => {
      const res = await get('/entities/component/default/platform/issues?statusCategory=closed');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('statusCategory');
    });
  });

  describe('flow metrics', () => {
    it('computes the hand-checked values for an entity', async () => {
      const res = await get('/entities/component/default/flow/metrics?weeks=3');
      expect(res.status).toBe(200);
      expect(res.body).toEqual(expectedFlowMetrics);
    });

    it('computes them for a project, defaulting to 12 weeks', async () => {
      const res = await get('/projects/flow/metrics?instance=acme');
      expect(res.status).toBe(200);
      expect(res.body.throughput).toHaveLength(12);
      expect(res.body.issues).toBe(6); // F (done 2026-02-25) is inside 12 weeks
      expect(res.body.leadTime.count).toBe(6);
    });

    it('is empty for a project without issues', async () => {
      const res = await get('/projects/NONE/metrics?weeks=2');
      expect(res.body).toMatchObject({ issues: 0, cycleTime: { count: 0, meanHours: null }, throughput: [{ count: 0 }, { count: 0 }], timeInStatus: [] });
    });

    it.each(['weeks=0', 'weeks=105', 'weeks=two'])('refuses %s', async query => {
      const res = await get(`/projects/FLOW/metrics?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('weeks');
    });

    it('is 404/400 for unknown or unannotated entities', async () => {
      expect((await get('/entities/component/default/unknown/metrics')).status).toBe(404);
      expect((await get('/entities/component/default/no-jira/metrics')).status).toBe(400);
    });
  });

  describe('syncs', () => {
    it('lists every sync with state, runs, next run and health', async () => {
      const res = await get('/syncs');
      expect(res.status).toBe(200);
      const [pay, flow, other] = res.body.items;
      expect(pay).toMatchObject({
        id: 'acme-pay', instance: 'acme', strategy: 'incremental', projects: ['PAY', 'OPS'],
        watermark: '2026-01-13T00:00:00.000Z', lastFullRun: new Date(NOW - 24 * 60 * MIN).toISOString(), lastReconciliation: null,
        lastSuccessAt: new Date(NOW - 19 * MIN).toISOString(),
        // Estimated: last start (20 min ago) + 30 min.
        nextRunAt: new Date(NOW + 10 * MIN).toISOString(),
        deadLetters: 1, issues: 4,
        health: { status: 'degraded', reason: '1 issue waiting in dead letters' },
      });
      expect(pay.lastRun).toMatchObject({ syncId: 'acme-pay', outcome: 'succeeded', startedAt: new Date(NOW - 20 * MIN).toISOString(), counters: { issuesRead: 5 } });
      expect(flow.health).toEqual({ status: 'failing', reason: 'the last 3 runs failed: JQL error: field "Team" does not exist; no successful run yet' });
      expect(flow.issues).toBe(8);
      expect(other).toMatchObject({ id: 'other-pay', lastRun: null, nextRunAt: null, health: { status: 'unknown' } });
      expect(other.issues).toBeUndefined();
    });

    it('lists runs newest first, limited', async () => {
      const res = await get('/syncs/acme-pay/runs?limit=1');
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(1);
      expect(res.body.items[0].outcome).toBe('succeeded');
      const all = await get('/syncs/acme-pay/runs');
      expect(all.body.items.map((r: any) => r.outcome)).toEqual(['succeeded', 'failed']);
      expect(all.body.items[1].error).toBe('Jira answered 503');
      expect((await get('/syncs/acme-pay/runs?limit=201')).status).toBe(400);
      expect((await get('/syncs/nope/runs')).status).toBe(404);
    });

    it('lists waiting dead letters, resolved ones on request, without payloads', async () => {
      const res = await get('/syncs/acme-pay/dead-letters');
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([{
        issueId: '1999', issueKey: 'PAY-99', error: 'field "points": expected a number', attempts: 1,
        firstFailedAt: new Date(NOW - 40 * MIN).toISOString(), lastFailedAt: new Date(NOW - 40 * MIN).toISOString(), resolvedAt: null,
      }]);
      const all = await get('/syncs/acme-pay/dead-letters?includeResolved=true');
      expect(all.body.items.map((d: any) => d.issueId).sort()).toEqual(['1998', '1999']);
      expect((await get('/syncs/nope/dead-letters')).status).toBe(404);
    });

    it('retries a waiting dead letter through the engine', async () => {
      engine.retryDeadLetter.mockResolvedValueOnce({ outcome: 'still-failing', error: 'field "points": expected a number' });
      const res = await post('/syncs/acme-pay/dead-letters/1999/retry');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ outcome: 'still-failing', error: 'field "points": expected a number' });
      expect(engine.retryDeadLetter).toHaveBeenCalledWith(expect.objectContaining({ id: 'acme-pay' }), '1999');
    });

    it('answers an internal failure with a bare 500: no SQL, no stack', async () => {
      engine.retryDeadLetter.mockRejectedValueOnce(new Error('insert into "jira_sync_dead_letters" ("attempts") values ($1) - SQLITE_CONSTRAINT'));
      const res = await post('/syncs/acme-pay/dead-letters/1999/retry');
      expect(res.status).toBe(500);
      expect(res.body.error.message).toBe('internal error; the backend log has the details');
      expect(JSON.stringify(res.body)).not.toMatch(/insert|jira_sync_|SQLITE|at .*\.ts/);
    });

    it('does not retry what is not waiting', async () => {
      expect((await post('/syncs/acme-pay/dead-letters/1998/retry')).status).toBe(404); // resolved
      expect((await post('/syncs/acme-pay/dead-letters/424242/retry')).status).toBe(404);
      expect((await post('/syncs/nope/dead-letters/1999/retry')).status).toBe(404);
      expect((await post('/syncs/acme-pay/dead-letters/PAY-99/retry')).status).toBe(400);
      expect(engine.retryDeadLetter).not.toHaveBeenCalled();
    });

    it('triggers a sync through the scheduler', async () => {
      const res = await post('/syncs/acme-pay/trigger');
      expect(res.status).toBe(202);
      expect(scheduler.triggerTask).toHaveBeenCalledWith('jira-sync:acme-pay');
    });

    it('records a triggered run as manual with the caller, and a scheduled run as schedule', async () => {
      // The scheduler starts the task, whose engine run starts a run row the way SyncEngine.recordRun does.
      const startEngineRun = (nowMs: number) => store.startRun({ syncId: 'acme-pay', strategy: 'incremental', trigger: 'schedule', nowMs });
      scheduler.triggerTask.mockImplementationOnce(async () => { await startEngineRun(NOW + MIN); });
      expect((await post('/syncs/acme-pay/trigger')).status).toBe(202);
      await startEngineRun(NOW + 2 * MIN);
      const res = await get('/syncs/acme-pay/runs?limit=2');
      expect(res.body.items.map((r: { trigger: string; triggeredBy: string | null }) => [r.trigger, r.triggeredBy])).toEqual([
        ['schedule', null],
        ['manual', 'user:default/ann'],
      ]);
      expect(await knex('jira_sync_trigger_requests').where({ sync_id: 'acme-pay' })).toEqual([]);
    });

    it('is 409 when the sync is running and 404 for an unknown sync', async () => {
      scheduler.triggerTask.mockRejectedValueOnce(new ConflictError('Task jira-sync:acme-pay is currently running'));
      const conflict = await post('/syncs/acme-pay/trigger');
      expect(conflict.status).toBe(409);
      // The refused trigger leaves no request behind for a later scheduled run to claim.
      expect(await knex('jira_sync_trigger_requests').where({ sync_id: 'acme-pay' })).toEqual([]);
      expect((await post('/syncs/nope/trigger')).status).toBe(404);
    });
  });
});

