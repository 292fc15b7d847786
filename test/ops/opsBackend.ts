import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import request from 'supertest';
import { createServiceFactory, type SchedulerService, type ServiceFactory } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService, type NotificationSendOptions } from '@backstage/plugin-notifications-node';
import type { JiraSimulator } from '../../dev/simulator';
import jiraSyncPlugin from '../../src';
import { ALERTS_TASK_ID, completenessTaskId } from '../../src/ops';
import { syncTaskId } from '../../src/sync';
import { simInstanceAppConfig } from '../support/factories';

export const SYNC_ID = 'alpha';
export const TEAM = 'group:default/team-alpha';

/** Every notice the mocked notifications service received. */
export type Sent = NotificationSendOptions[];

/** The component owning the synced project, so `owners` resolves to TEAM. */
const annotatedComponent = (projectKey: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'alpha-service', namespace: 'default', annotations: { 'jira/project-key': `${projectKey}, OTHER` } },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-alpha' },
});

export interface OpsBackend {
  sent: Sent;
  knex: Knex;
  runSync(): Promise<void>;
  runAlerts(): Promise<void>;
  runCheck(): Promise<void>;
  syncStatus(): Promise<{ health: { status: string; reason: string } }>;
  /** Opening notices (not recoveries) of an alert kind. */
  notices(kind: string): NotificationSendOptions[];
  recoveries(kind: string): NotificationSendOptions[];
  stop(): Promise<void>;
}

export async function startOpsBackend(options: {
  knex: Knex;
  sim: JiraSimulator;
  project: string;
  baseUrl?: string;
  auth?: JsonObject;
  alerts?: JsonObject;
  completeness?: JsonObject;
  /** false: no notification service factory installed (the default one posts to a notifications backend that is not there). */
  notifications?: boolean;
}): Promise<OpsBackend> {
  const { knex, sim, project } = options;
  const dir = mkdtempSync(join(tmpdir(), 'jira-sync-ops-'));
  const spec = join(dir, 'jira-sync.yaml');
  writeFileSync(spec, `syncs:\n  - id: ${SYNC_ID}\n    instance: sim\n    projects: [${project}]\n    strategy: incremental\n`);
  const sent: Sent = [];
  // The mock scheduler runs tasks on demand; its type is not exported, its factory is.
  const scheduler = mockServices.scheduler() as SchedulerService & { factory(options?: object): ServiceFactory };
  const delayed: JsonObject = { frequency: { minutes: 15 }, timeout: { minutes: 5 }, initialDelay: { minutes: 5 } };
  const features: any[] = [
    jiraSyncPlugin,
    mockServices.rootConfig.factory({
      data: {
        jiraSync: {
          instances: [
            simInstanceAppConfig(sim, {
              ...(options.baseUrl && { baseUrl: options.baseUrl }),
              ...(sim.deployment === 'datacenter' && { deployment: 'datacenter' }),
              ...(options.auth && { auth: options.auth }),
              rateLimit: { requestsPerSecond: 1000, maxAttempts: 2 },
            }),
          ],
          spec: { path: spec },
          // No initial delay: the sync runs once at start-up; ops tasks are delayed and triggered by the tests.
          schedule: { frequency: { minutes: 30 }, timeout: { minutes: 10 } },
          alerts: { recipients: ['owners', 'user:default/oncall'], schedule: delayed, ...options.alerts },
          completeness: { schedule: delayed, ...options.completeness },
        },
      },
    }),
    mockServices.database.factory({ knex }),
    scheduler.factory(),
    catalogServiceMock.factory({ entities: [annotatedComponent(project)] }),
  ];
  if (options.notifications !== false) {
    features.push(
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({ send: async (notice: NotificationSendOptions) => void sent.push(notice) }),
      }),
    );
  }
  const backend = await startTestBackend({ features });
  const byKind = (kind: string) => sent.filter(n => n.payload.scope?.endsWith(`:${kind}`));
  return {
    sent,
    knex,
    runSync: () => scheduler.triggerTask(syncTaskId(SYNC_ID)),
    runAlerts: () => scheduler.triggerTask(ALERTS_TASK_ID),
    runCheck: () => scheduler.triggerTask(completenessTaskId(SYNC_ID)),
    async syncStatus() {
      const res = await request(backend.server).get('/api/jira-sync/syncs').set('Authorization', mockCredentials.user.header());
      if (res.status !== 200) throw new Error(`GET /syncs answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body.items.find((s: { id: string }) => s.id === SYNC_ID);
    },
    notices: kind => byKind(kind).filter(n => !n.payload.title.startsWith('Resolved:')),
    recoveries: kind => byKind(kind).filter(n => n.payload.title.startsWith('Resolved:')),
    stop: () => backend.stop(),
  };
}

/**
 * A Jira Data Center front for the simulator: answers the token API (which the simulator does not
 * have) with a settable expiry and passes every other request through.
 */
export async function startTokenApiProxy(target: string, token: { name: string; expiresAtMs: number }) {
  let currentPat = '';
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/rest/pat/latest/tokens')) {
      if (req.headers.authorization !== `Bearer ${currentPat}`) {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify([
          { id: 1, name: 'old laptop', createdAt: '2025-01-01T00:00:00.000+0000', expiringAt: '2026-01-01T00:00:00.000+0000', lastAccessedAt: '2025-06-01T00:00:00.000+0000' },
          { id: 2, name: token.name, createdAt: '2025-01-01T00:00:00.000+0000', expiringAt: new Date(token.expiresAtMs).toISOString(), lastAccessedAt: new Date().toISOString() },
        ]),
      );
      return;
    }
    const upstream = http.request(`${target}${req.url}`, { method: req.method, headers: req.headers }, answer => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token,
    acceptPat(pat: string) {
      currentPat = pat;
    },
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}
