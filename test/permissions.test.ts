import request from 'supertest';
import { TestDatabases, mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createBackendModule, type PermissionsService } from '@backstage/backend-plugin-api';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { permissionsRegistryServiceFactory } from '@backstage/backend-defaults/permissionsRegistry';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import type { Entity } from '@backstage/catalog-model';
import permissionBackend from '@backstage/plugin-permission-backend';
import { AuthorizeResult, isPermission, type PolicyDecision } from '@backstage/plugin-permission-common';
import type { PermissionPolicy, PolicyQuery, PolicyQueryUser } from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  createJiraSyncIssueConditionalDecision,
  jiraSyncIssueConditions,
  jiraSyncIssueReadPermission,
} from '@jira-sync/backstage-plugin-jira-sync-common';
import { KnexSyncStore } from '../src/store';
import { storeDatabase } from '../src/store/testFixtures';
import { instanceConfig, syncDefinition } from './support/factories';
import { at, issueVersion, statusHistory } from './service/seed';
import { onBehalfOfAuthServiceFactory } from './support/permissionFramework';
import { startRouteTestBackend, type RouteTestServices } from './support/routeTestApp';

jest.setTimeout(120_000);

const NOW = at('2026-01-20T00:00:00Z');
const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/** ann: project PAY only; bob: OPS, or PAY issues not labelled backend; carol: nothing; anyone else: everything. */
class ProjectScopedPolicy implements PermissionPolicy {
  async handle(query: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
    if (!isPermission(query.permission, jiraSyncIssueReadPermission)) return { result: AuthorizeResult.ALLOW };
    const { hasProjectKey, hasLabel } = jiraSyncIssueConditions;
    switch (user?.info.userEntityRef) {
      case 'user:default/ann':
        return createJiraSyncIssueConditionalDecision(query.permission, hasProjectKey({ projectKey: 'pay' }));
      case 'user:default/bob':
        return createJiraSyncIssueConditionalDecision(query.permission, {
          anyOf: [hasProjectKey({ projectKey: 'OPS' }), { allOf: [hasProjectKey({ projectKey: 'PAY' }), { not: hasLabel({ label: 'backend' }) }] }],
        });
      case 'user:default/carol':
        return { result: AuthorizeResult.DENY };
      default:
        return { result: AuthorizeResult.ALLOW };
    }
  }
}

const policyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'jira-sync-test-policy',
  register(env) {
    env.registerInit({ deps: { policy: policyExtensionPoint }, async init({ policy }) { policy.setPolicy(new ProjectScopedPolicy()); } });
  },
});

const entities: Entity[] = [{
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', namespace: 'default', annotations: { 'jira/project-key': 'PAY,OPS' } },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
}];

describe.each(databases.eachSupportedId())('issue reads through the real permission framework on %p', databaseId => {
  let server: any;
  let backend: Awaited<ReturnType<typeof startRouteTestBackend>>['backend'];
  let permissions: PermissionsService;
  const as = (user: string) => (path: string) =>
    request(server).get(`/api/jira-sync${path}`).set('Authorization', mockCredentials.user.header(`user:default/${user}`));
  const ann = as('ann');
  const bob = as('bob');
  const admin = as('admin');
  const keysOf = (body: { items: Array<{ key: string; instance: string }> }) => body.items.map(i => `${i.instance}/${i.key}`).sort();

  beforeAll(async () => {
    const knex = await databases.init(databaseId);
    const store = await KnexSyncStore.create(storeDatabase(knex));
    const updated = at('2026-01-15T00:00:00Z');
    await store.writePage({
      syncId: 'acme-all', instance: 'acme', nowMs: NOW - 1000, versions: [
        issueVersion({ instance: 'acme', issueId: '1001', issueKey: 'PAY-1', issueType: 'Bug', labels: ['backend'], status: 'In Progress', statusCategory: 'indeterminate', updatedMs: updated },
          [statusHistory('9001', '2026-01-14T00:00:00Z', 'To Do', 'In Progress')]),
        issueVersion({ instance: 'acme', issueId: '1002', issueKey: 'PAY-2', labels: ['frontend'], updatedMs: updated }),
        issueVersion({ instance: 'acme', issueId: '2001', issueKey: 'OPS-1', labels: ['backend'], status: 'Done', statusCategory: 'done', resolvedMs: updated, updatedMs: updated },
          [statusHistory('9101', '2026-01-14T00:00:00Z', 'To Do', 'Done')]),
      ],
    });
    await store.writePage({
      syncId: 'other-pay', instance: 'other', nowMs: NOW - 1000,
      versions: [issueVersion({ instance: 'other', issueId: '5001', issueKey: 'PAY-1', status: 'Done', statusCategory: 'done', resolvedMs: updated, updatedMs: updated },
        [statusHistory('9201', '2026-01-14T00:00:00Z', 'To Do', 'Done')])],
    });

    let services: RouteTestServices;
    ({ backend, server, services } = await startRouteTestBackend({
      knex,
      router: () => ({
        scheduler: { triggerTask: async () => {}, getScheduledTasks: async () => [] },
        syncStore: store,
        syncs: [syncDefinition({ id: 'acme-all', instance: 'acme', projects: ['PAY', 'OPS'] }), syncDefinition({ id: 'other-pay', instance: 'other', projects: ['PAY'] })],
        instances: [instanceConfig({ name: 'acme', baseUrl: 'https://acme.atlassian.net' }), instanceConfig({ name: 'other', baseUrl: 'https://jira.other.example' })],
        webhooks: { handle: async () => { throw new Error('no webhooks here'); } },
        engine: { retryDeadLetter: async () => { throw new Error('no retries here'); } },
        webhookBodyLimitBytes: 4096,
        now: () => NOW,
      }),
      features: [
        permissionBackend,
        policyModule,
        permissionsServiceFactory,
        permissionsRegistryServiceFactory,
        onBehalfOfAuthServiceFactory,
        httpAuthServiceFactory,
        mockServices.rootConfig.factory({ data: { permission: { enabled: true } } }),
        catalogServiceMock.factory({ entities }),
      ],
    }));
    permissions = services.permissions;
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('lists and counts only the issues of the permitted project', async () => {
    expect(keysOf((await admin('/issues')).body)).toEqual(['acme/OPS-1', 'acme/PAY-1', 'acme/PAY-2', 'other/PAY-1']);
    const listed = await ann('/issues');
    expect(listed.status).toBe(200);
    expect(keysOf(listed.body)).toEqual(['acme/PAY-1', 'acme/PAY-2', 'other/PAY-1']);
    expect((await ann('/issues?project=OPS')).body.items).toEqual([]);

    const entity = await ann('/entities/component/default/payments/issues');
    expect(entity.status).toBe(200);
    expect(keysOf(entity.body)).toEqual(['acme/PAY-1', 'acme/PAY-2', 'other/PAY-1']);
    expect(entity.body.counts).toEqual({ new: 1, indeterminate: 1, done: 1, total: 3 });
    expect((await admin('/entities/component/default/payments/issues')).body.counts.total).toBe(4);
  });

  it('answers 404 for a hidden issue and its changelog', async () => {
    expect((await ann('/issues/PAY-1?instance=acme')).status).toBe(200);
    expect((await ann('/issues/PAY-1/changelog?instance=acme')).body.items).toHaveLength(1);
    for (const path of ['/issues/OPS-1', '/issues/2001', '/issues/OPS-1/changelog']) {
      const res = await ann(path);
      expect(res.status).toBe(404);
      expect(res.body.error.name).toBe('NotFoundError');
    }
    expect((await admin('/issues/OPS-1/changelog')).body.items).toHaveLength(1);
  });

  it('computes entity and project metrics over the permitted issues only', async () => {
    // `issues` counts the issues completed in the window: OPS-1 and other/PAY-1.
    expect((await admin('/projects/OPS/metrics')).body.issues).toBe(1);
    expect((await ann('/projects/OPS/metrics')).body.issues).toBe(0);
    expect((await admin('/entities/component/default/payments/metrics')).body.issues).toBe(2);
    expect((await ann('/entities/component/default/payments/metrics')).body.issues).toBe(1);
  });

  it('applies anyOf and not conditions', async () => {
    expect(keysOf((await bob('/issues')).body)).toEqual(['acme/OPS-1', 'acme/PAY-2', 'other/PAY-1']);
    expect((await bob('/issues/PAY-1?instance=acme')).status).toBe(404);
    expect((await bob('/entities/component/default/payments/issues')).body.counts.total).toBe(3);
  });

  it('is 403 when the policy denies issue reads', async () => {
    const res = await as('carol')('/issues');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('jira-sync.issue.read');
  });

  it('lets the permission backend decide batch checks of single issues by resource ref', async () => {
    const decisions = await permissions.authorize(
      ['acme/1001', 'acme/2001', 'other/5001', 'acme/PAY-2', 'acme/9999', 'nonsense'].map(resourceRef => ({ permission: jiraSyncIssueReadPermission, resourceRef })),
      { credentials: mockCredentials.user('user:default/ann') },
    );
    expect(decisions.map(d => d.result)).toEqual([
      AuthorizeResult.ALLOW, AuthorizeResult.DENY, AuthorizeResult.ALLOW, AuthorizeResult.ALLOW, AuthorizeResult.DENY, AuthorizeResult.DENY,
    ]);
  });
});
