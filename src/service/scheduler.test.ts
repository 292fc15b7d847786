import request from 'supertest';
import type { Knex } from 'knex';
import { TestDatabases, mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { KnexIssueQueryStore, KnexSyncStore } from '../store';
import { storeDatabase } from '../store/testFixtures';
import { syncDefinition } from '../../test/support/factories';
import { syncTaskId } from '../sync/scheduleSyncs';
import { createRouter } from './router';
import { createSchedulerTaskStateReader } from './schedulerTaskStates';
import { jiraSyncAuthPolicies } from './permissions';

const MIN = 60_000;
const sync = syncDefinition({ id: 'acme-pay', instance: 'acme', projects: ['PAY'] });

async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000) {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 50));
  }
}

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/** Backstage's real scheduler: next run times from its task API, triggers and 409 while running. */
describe.each(databases.eachSupportedId())('syncs against the real scheduler on %p', databaseId => {
  let knex: Knex;
  let server: any;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let runs = 0;
  let release: () => void = () => {};

  beforeAll(async () => {
    knex = await databases.init(databaseId);
    const store = await KnexSyncStore.create(storeDatabase(knex));
    const testPlugin = createBackendPlugin({
      pluginId: 'jira-sync',
      register(env) {
        env.registerInit({
          deps: {
            logger: coreServices.logger, httpRouter: coreServices.httpRouter, httpAuth: coreServices.httpAuth,
            permissions: coreServices.permissions, scheduler: coreServices.scheduler,
            discovery: coreServices.discovery, auth: coreServices.auth,
          },
          async init({ logger, httpRouter, httpAuth, permissions, scheduler, discovery, auth }) {
            await scheduler.scheduleTask({
              ...sync.schedule,
              id: syncTaskId(sync.id),
              scope: 'global',
              fn: async () => {
                runs++;
                await new Promise<void>(r => { release = r; });
              },
            });
            for (const policy of jiraSyncAuthPolicies) httpRouter.addAuthPolicy(policy);
            httpRouter.use(
              await createRouter({
                logger, httpAuth, permissions, scheduler,
                catalog: { getEntityByRef: async () => undefined },
                queryStore: await KnexIssueQueryStore.create(storeDatabase(knex)),
                syncStore: store,
                syncs: [sync],
                instances: [],
                webhooks: { handle: async () => 'ignored' as const },
                engine: { retryDeadLetter: async () => ({ outcome: 'not-found' as const }) },
                webhookBodyLimitBytes: 1024,
                taskStates: createSchedulerTaskStateReader({ discovery, auth }),
              }),
            );
          },
        });
      },
    });
    backend = await startTestBackend({
      features: [
        testPlugin,
        schedulerServiceFactory,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({ data: {} }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ],
    });
    server = backend.server;
  });

  afterAll(async () => {
    release();
    await backend?.stop();
  });

  const user = mockCredentials.user.header();

  const syncsNow = async () => {
    const res = await request(server).get('/api/jira-sync/syncs').set('Authorization', user);
    expect(res.status).toBe(200);
    return res.body.items[0];
  };

  it('has no next run while the first run is going, and answers a trigger with 409', async () => {
    // The scheduler starts the task at once; the run blocks until released.
    await waitFor(() => runs === 1, 'the first run');
    expect((await syncsNow()).nextRunAt).toBeNull();
    const again = await request(server).post('/api/jira-sync/syncs/acme-pay/trigger').set('Authorization', user);
    expect(again.status).toBe(409);
    expect(again.body.error.name).toBe('ConflictError');
  });

  it('reports the next run the scheduler planned once the run ended', async () => {
    const endedAt = Date.now();
    release();
    let nextRunAt: string | null = null;
    const deadline = Date.now() + 20_000;
    while (!nextRunAt && Date.now() < deadline) {
      nextRunAt = (await syncsNow()).nextRunAt;
      if (!nextRunAt) await new Promise(r => setTimeout(r, 100));
    }
    // The scheduler's own plan (start + 30 min), read through its task API.
    expect(Date.parse(nextRunAt!)).toBeGreaterThan(endedAt + 25 * MIN);
    expect(Date.parse(nextRunAt!)).toBeLessThan(Date.now() + 31 * MIN);
  });

  it('triggers a run now', async () => {
    const res = await request(server).post('/api/jira-sync/syncs/acme-pay/trigger').set('Authorization', user);
    expect(res.status).toBe(202);
    await waitFor(() => runs === 2, 'the triggered run');
    release();
  });
});
