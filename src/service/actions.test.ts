import request from 'supertest';
import { TestDatabases, mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { KnexIssueQueryStore, KnexSyncStore } from '../store';
import { storeDatabase } from '../store/testFixtures';
import { instanceConfig, syncDefinition } from '../../test/support/factories';
import { flowFixtureVersions } from '../../test/service/seed';
import { FLOW_NOW_MS, expectedFlowMetrics } from '../../test/service/flowFixture';
import { createJiraSyncApi } from './jiraSyncApi';
import { registerJiraSyncActions } from './actions';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const flowEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'flow', namespace: 'default', annotations: { 'jira/project-key': 'FLOW' } },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

describe.each(databases.eachSupportedId())('actions on %p', databaseId => {
  let server: any;
  const denied = new Set<string>();
  const scheduler = { triggerTask: jest.fn(async (_id: string) => {}), getScheduledTasks: jest.fn(async () => []) };
  const decide = (requests: Array<{ permission: { name: string } }>) =>
    requests.map(r => ({ result: denied.has(r.permission.name) ? AuthorizeResult.DENY : AuthorizeResult.ALLOW }) as const);
  const permissionsMock = mockServices.permissions.mock({
    authorize: async requests => decide(requests),
    authorizeConditional: async requests => decide(requests),
  });

  /** Through the real actions registry's HTTP API, as the MCP server calls it. */
  const invoke = (name: string, input: object) =>
    request(server)
      .post(`/api/jira-sync/.backstage/actions/v1/actions/jira-sync:${name}/invoke`)
      .set('Authorization', mockCredentials.user.header('user:default/ann'))
      .send(input);

  beforeAll(async () => {
    const knex = await databases.init(databaseId);
    const store = await KnexSyncStore.create(storeDatabase(knex));
    await store.writePage({ syncId: 'acme-flow', instance: 'acme', versions: flowFixtureVersions(), nowMs: FLOW_NOW_MS });
    const queryStore = await KnexIssueQueryStore.create(storeDatabase(knex));
    const testPlugin = createBackendPlugin({
      pluginId: 'jira-sync',
      register(env) {
        env.registerInit({
          deps: { logger: coreServices.logger, permissions: coreServices.permissions, catalog: catalogServiceRef, actionsRegistry: actionsRegistryServiceRef },
          async init({ logger, permissions, catalog, actionsRegistry }) {
            const api = createJiraSyncApi({
              logger, permissions, catalog, scheduler, queryStore, syncStore: store, now: () => FLOW_NOW_MS,
              syncs: [syncDefinition({ id: 'acme-flow', instance: 'acme', projects: ['FLOW'] })],
              instances: [instanceConfig({ name: 'acme', baseUrl: 'https://acme.atlassian.net' })],
              engine: { retryDeadLetter: jest.fn() },
            });
            registerJiraSyncActions(actionsRegistry, api);
          },
        });
      },
    });
    const backend = await startTestBackend({
      features: [testPlugin, permissionsMock.factory, catalogServiceMock.factory({ entities: [flowEntity] })],
    });
    server = backend.server;
  });

  beforeEach(() => {
    denied.clear();
    scheduler.triggerTask.mockClear();
  });

  it('lists the five actions with their schemas', async () => {
    const res = await request(server)
      .get('/api/jira-sync/.backstage/actions/v1/actions')
      .set('Authorization', mockCredentials.user.header('user:default/ann'));
    expect(res.status).toBe(200);
    expect(res.body.actions.map((a: any) => a.name).sort()).toEqual(['get-entity-issues', 'get-issue', 'get-project-flow-metrics', 'list-syncs', 'trigger-sync']);
    const trigger = res.body.actions.find((a: any) => a.name === 'trigger-sync');
    expect(trigger.attributes.readOnly).toBe(false);
    expect(trigger.schema.input.required).toEqual(['syncId']);
  });

  it("reads an entity's issues with the same filters as the API", async () => {
    const res = await invoke('get-entity-issues', { entityRef: 'component:default/flow', statusCategory: 'open', sort: 'key', order: 'asc' });
    expect(res.status).toBe(200);
    expect(res.body.output.items.map((i: any) => i.key)).toEqual(['FLOW-5', 'FLOW-8']);
    expect(res.body.output.items[0]).toMatchObject({ url: 'https://acme.atlassian.net/browse/FLOW-5', labels: [] });
    expect(res.body.output.counts).toEqual({ new: 0, indeterminate: 2, done: 6, total: 8 });
    expect(res.body.output.syncs.map((s: any) => s.id)).toEqual(['acme-flow']);
    // Every sort the route serves, the status sort in workflow order (To Do before In Progress before Review).
    const byStatus = await invoke('get-entity-issues', { entityRef: 'component:default/flow', statusCategory: 'open', sort: 'status', order: 'asc' });
    expect(byStatus.status).toBe(200);
    expect(byStatus.body.output.items.map((i: any) => i.status)).toEqual(['In Progress', 'Review']);
  });

  it('reads one issue with its history and flow facts', async () => {
    const res = await invoke('get-issue', { keyOrId: 'flow-1' });
    expect(res.status).toBe(200);
    const { issue, history, historyTruncated, flow } = res.body.output;
    expect(issue).toMatchObject({ id: '101', key: 'FLOW-1', status: 'Done', links: [], historyCount: 3 });
    expect(history.map((h: any) => h.items[0].toString)).toEqual(['In Progress', 'Review', 'Done']);
    expect(historyTruncated).toBe(false);
    // Hand-checked in flowFixture.ts: To Do 24h, In Progress 48h, Review 24h.
    expect(flow).toMatchObject({ cycleStarted: '2026-03-03T09:00:00.000Z', completed: '2026-03-06T09:00:00.000Z', leadTimeHours: 96, cycleTimeHours: 72 });
    expect(flow.statuses.map((s: any) => [s.status, s.hours])).toEqual([['To Do', 24], ['In Progress', 48], ['Review', 24], ['Done', 291]]);
  });

  it("computes a project's flow metrics as the API does", async () => {
    const res = await invoke('get-project-flow-metrics', { projectKey: 'flow', instance: 'acme', weeks: 3 });
    expect(res.status).toBe(200);
    expect(res.body.output).toEqual(expectedFlowMetrics);
  });

  it('reports the syncs and triggers one through the scheduler', async () => {
    const syncs = await invoke('list-syncs', {});
    expect(syncs.status).toBe(200);
    expect(syncs.body.output.items[0]).toMatchObject({ id: 'acme-flow', instance: 'acme', health: { status: expect.any(String) } });
    const triggered = await invoke('trigger-sync', { syncId: 'acme-flow' });
    expect(triggered.status).toBe(200);
    expect(triggered.body.output).toEqual({ syncId: 'acme-flow' });
    expect(scheduler.triggerTask).toHaveBeenCalledWith('jira-sync:acme-flow');
    expect((await invoke('trigger-sync', { syncId: 'nope' })).status).toBe(404);
  });

  it('refuses bad input by the schema and unknown issues as 404', async () => {
    expect((await invoke('get-project-flow-metrics', { projectKey: 'FLOW', weeks: 0 })).status).toBe(400);
    expect((await invoke('get-issue', { keyOrId: 'NOPE-1' })).status).toBe(404);
  });

  it("checks the caller's permissions: a denied trigger is 403 and triggers nothing", async () => {
    denied.add('jira-sync.sync.trigger');
    const res = await invoke('trigger-sync', { syncId: 'acme-flow' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('jira-sync.sync.trigger');
    expect(scheduler.triggerTask).not.toHaveBeenCalled();
  });

  it('refuses issue reads to callers without the issue read permission, and only those', async () => {
    denied.add('jira-sync.issue.read');
    const res = await invoke('get-issue', { keyOrId: 'FLOW-1' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('jira-sync.issue.read');
    expect((await invoke('get-entity-issues', { entityRef: 'component:default/flow' })).status).toBe(403);
    expect((await invoke('list-syncs', {})).status).toBe(200);
  });

  it('hides the sync actions from callers without the sync read permission', async () => {
    denied.add('jira-sync.sync.read');
    expect((await invoke('list-syncs', {})).status).toBe(404);
  });
});
