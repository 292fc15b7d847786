import { createHash, createHmac } from 'node:crypto';
import request from 'supertest';
import type { Knex } from 'knex';
import { TestDatabases, mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { KnexSyncStore } from '../store';
import { storeDatabase } from '../store/testFixtures';
import { WebhookProcessor } from '../sync/WebhookProcessor';
import { toIssueVersion } from '../sync/transform';
import type { JiraClient, JiraIssue } from '../jira/types';
import { instanceConfig, syncDefinition } from '../../test/support/factories';
import { startRouteTestBackend } from '../../test/support/routeTestApp';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import express from 'express';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { createWebhookRouter, isValidSignature } from './webhookRoute';

const SECRET = 'whsec-Very-Secret-4711';
const LIMIT = 4096;
const NOW = Date.parse('2026-03-18T12:00:00Z');

const instances = [
  instanceConfig({ name: 'acme', baseUrl: 'https://acme.atlassian.net', webhookSecret: SECRET }),
  instanceConfig({ name: 'nosecret', baseUrl: 'https://nosecret.example' }),
];
const webhookSync = syncDefinition({ id: 'acme-web', instance: 'acme', projects: ['WEB'], strategy: 'webhook' });
// Refreshed by its runs only: deliveries for its issues are not applied.
const nightlySync = syncDefinition({ id: 'acme-nightly', instance: 'acme', projects: ['NIGHT'], strategy: 'incremental' });
const syncs = [webhookSync, nightlySync];

const sign = (body: string | Buffer, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const jiraTime = (iso: string) => iso.replace('Z', '+0000');

/** The issue as Jira holds it now: what the processor fetches by id. */
function jiraIssue(id: string, key: string, summary: string, updatedIso: string): JiraIssue {
  return {
    id, key,
    fields: {
      summary,
      status: { name: 'In Progress', statusCategory: { key: 'indeterminate' } },
      project: { key: key.split('-')[0] },
      created: jiraTime('2026-03-01T00:00:00.000Z'),
      updated: jiraTime(updatedIso),
    },
    histories: [],
    historyTotal: 0,
  };
}

const event = (webhookEvent: string, id: string, key: string, updatedIso?: string, timestamp = NOW) =>
  JSON.stringify({ timestamp, webhookEvent, issue: { id, key, fields: updatedIso ? { updated: jiraTime(updatedIso) } : {} } });

/** Everything logged, flattened to text, to prove secrets never reach the logs. */
function recordingLogger(lines: string[]): LoggerService {
  const log = (level: string) => (message: string, meta?: unknown) => { lines.push(`${level} ${message} ${meta ? JSON.stringify(meta, Object.getOwnPropertyNames(meta)) : ''}`); };
  const logger: LoggerService = { error: log('error'), warn: log('warn'), info: log('info'), debug: log('debug'), child: () => logger };
  return logger;
}

describe('isValidSignature', () => {
  const body = Buffer.from('{"a":1}');
  it('accepts the HMAC of the exact bytes, in either hex case', () => {
    expect(isValidSignature(body, sign(body), SECRET)).toBe(true);
    expect(isValidSignature(body, sign(body).toUpperCase().replace('SHA256=', 'sha256='), SECRET)).toBe(true);
  });
  it('refuses other bytes, another secret, other algorithms, truncated or missing signatures', () => {
    expect(isValidSignature(Buffer.from('{"a":1} '), sign(body), SECRET)).toBe(false);
    expect(isValidSignature(body, sign(body, 'other'), SECRET)).toBe(false);
    expect(isValidSignature(body, `sha1=${createHmac('sha1', SECRET).update(body).digest('hex')}`, SECRET)).toBe(false);
    expect(isValidSignature(body, sign(body).slice(0, -2), SECRET)).toBe(false);
    expect(isValidSignature(body, undefined, SECRET)).toBe(false);
    expect(isValidSignature(body, '', SECRET)).toBe(false);
  });
});

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('POST /webhook/{instance} on %p', databaseId => {
  let knex: Knex;
  let server: any;
  let backend: Awaited<ReturnType<typeof startRouteTestBackend>>['backend'];
  const logs: string[] = [];
  const audits: Array<{ eventId: string; meta?: unknown; outcome: string; error?: string }> = [];
  const auditor = {
    createEvent: async ({ eventId, meta }: { eventId: string; meta?: unknown }) => ({
      success: async () => void audits.push({ eventId, meta, outcome: 'success' }),
      fail: async ({ error }: { error: Error }) => void audits.push({ eventId, meta, outcome: 'fail', error: error.message }),
    }),
  };
  const jira = new Map<string, JiraIssue>();
  const jiraCalls: string[][] = [];

  const fakeClient = {
    instance: 'acme',
    fields: async () => [],
    getIssues: async (ids: string[]) => {
      jiraCalls.push(ids);
      return ids.flatMap(id => (jira.has(id) ? [structuredClone(jira.get(id)!)] : []));
    },
    async *searchIds() {},
  } as unknown as JiraClient;

  /** `signature` null = no X-Hub-Signature header at all. */
  const deliver = (instance: string, body: string | Buffer, signature: string | null = sign(body)) => {
    const req = request(server).post(`/api/jira-sync/webhook/${instance}`).set('Content-Type', 'application/json');
    if (signature !== null) req.set('X-Hub-Signature', signature);
    return req.send(body);
  };
  const storedEvents = async () => Number((await knex('jira_sync_webhook_events').count({ n: '*' }))[0].n);
  const storedIssue = (key: string) =>
    request(server).get(`/api/jira-sync/issues/${key}`).set('Authorization', mockCredentials.user.header());

  beforeAll(async () => {
    knex = await databases.init(databaseId);
    const store = await KnexSyncStore.create(storeDatabase(knex));
    const logger = recordingLogger(logs);
    ({ backend, server } = await startRouteTestBackend({
      knex,
      router: () => ({
        logger, auditor,
        catalog: { getEntityByRef: async () => undefined },
        scheduler: { triggerTask: async () => {}, getScheduledTasks: async () => [] },
        syncStore: store,
        syncs, instances,
        webhooks: new WebhookProcessor({ store, clientFor: () => fakeClient, syncs, logger, now: () => NOW }),
        engine: { retryDeadLetter: async () => ({ outcome: 'not-found' as const }) },
        webhookBodyLimitBytes: LIMIT,
        now: () => NOW,
      }),
      features: [
        mockServices.rootConfig.factory({ data: {} }),
        mockServices.httpAuth.factory({ defaultCredentials: mockCredentials.none() }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        catalogServiceMock.factory({ entities: [] }),
      ],
    }));
  });

  afterAll(async () => {
    await backend?.stop();
  });

  describe('authentication, limits and parsing', () => {
    const body = event('jira:issue_updated', '7001', 'WEB-1', '2026-03-18T10:00:00.000Z');

    it.each([
      ['no signature', 'acme', null],
      ['a signature made with another secret', 'acme', sign(body, 'guess')],
      ['a sha1 signature', 'acme', `sha1=${createHmac('sha1', SECRET).update(body).digest('hex')}`],
      ['a bare hex signature', 'acme', sign(body).slice('sha256='.length)],
      ['an unknown instance', 'elsewhere', sign(body)],
      ['an instance without webhookSecret', 'nosecret', sign(body, '')],
    ])('is 401 with %s, and stores nothing', async (_case, instance, signature) => {
      const res = await deliver(instance, body, signature);
      expect(res.status).toBe(401);
      expect(res.body.error.name).toBe('AuthenticationError');
      expect(jiraCalls).toHaveLength(0);
      expect(await storedEvents()).toBe(0);
      expect((await storedIssue('WEB-1')).status).toBe(404);
    });

    it('answers an unknown instance exactly as a bad signature (instance names cannot be probed), and audits both', async () => {
      audits.length = 0;
      const unknown = await deliver('elsewhere', body, sign(body));
      const badSignature = await deliver('acme', body, sign(body, 'guess'));
      expect(unknown.status).toBe(401);
      expect(unknown.body.error).toEqual(badSignature.body.error);
      expect(audits).toEqual([
        { eventId: 'webhook-refused', meta: { instance: 'elsewhere', status: 401 }, outcome: 'fail', error: 'unknown instance or no webhookSecret' },
        { eventId: 'webhook-refused', meta: { instance: 'acme', status: 401 }, outcome: 'fail', error: 'missing or bad X-Hub-Signature' },
      ]);
    });

    it.each([
      ['fields.updated an object', { webhookEvent: 'jira:issue_updated', issue: { id: '7001', key: 'WEB-1', fields: { updated: { at: 1 } } } }, '"issue.fields.updated" must be a Jira timestamp or epoch milliseconds; got object'],
      ['fields.updated a boolean', { webhookEvent: 'jira:issue_updated', issue: { id: '7001', key: 'WEB-1', fields: { updated: true } } }, '"issue.fields.updated" must be a Jira timestamp or epoch milliseconds; got boolean'],
      ['fields.updated not a timestamp', { webhookEvent: 'jira:issue_updated', issue: { id: '7001', key: 'WEB-1', fields: { updated: 'yesterday' } } }, '"issue.fields.updated" must be a Jira timestamp'],
      ['webhookEvent an object', { webhookEvent: { name: 'jira:issue_updated' }, issue: { id: '7001', key: 'WEB-1' } }, '"webhookEvent" must be a string of at most 64 characters; got object'],
      ['issue a list', { webhookEvent: 'jira:issue_updated', issue: [1] }, '"issue" must be an object; got a list'],
      ['issue.id an object', { webhookEvent: 'jira:issue_updated', issue: { id: { n: 1 }, key: 'WEB-1' } }, '"issue.id" must be a numeric Jira issue id; got object'],
      ['issue.fields a string', { webhookEvent: 'jira:issue_updated', issue: { id: '7001', fields: 'x' } }, '"issue.fields" must be an object; got string'],
      ['timestamp a string', { webhookEvent: 'jira:issue_updated', timestamp: 'now', issue: { id: '7001' } }, '"timestamp" must be a number (epoch milliseconds); got string'],
      ['the body a list', [1, 2], '"(body)" must be a JSON object; got a list'],
    ])('is 400 for a signed body with %s, recorded as rejected, never a 500', async (_case, payload, message) => {
      const text = JSON.stringify(payload);
      const before = await storedEvents();
      const res = await deliver('acme', text);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ name: 'InputError' });
      expect(res.body.error.message).toContain(message);
      expect(jiraCalls).toHaveLength(0);
      expect(await storedEvents()).toBe(before + 1);
      const [row] = await knex('jira_sync_webhook_events').where({ event_key: createHash('sha256').update(text).digest('hex') });
      expect(row).toMatchObject({ instance: 'acme', outcome: 'rejected' });
      await knex('jira_sync_webhook_events').where({ outcome: 'rejected' }).del();
    });

    it('is 401 when the signed bytes were altered in transit', async () => {
      const res = await deliver('acme', body.replace('WEB-1', 'WEB-2'), sign(body));
      expect(res.status).toBe(401);
      expect(await storedEvents()).toBe(0);
    });

    it('is 413 for a body above the limit, even when signed, and stores nothing', async () => {
      const big = JSON.stringify({ webhookEvent: 'jira:issue_updated', issue: { id: '7001', key: 'WEB-1', fields: { description: 'x'.repeat(LIMIT) } } });
      const res = await deliver('acme', big);
      expect(res.status).toBe(413);
      expect(jiraCalls).toHaveLength(0);
      expect(await storedEvents()).toBe(0);
    });

    it('is 400 for a signed body that is not JSON', async () => {
      const res = await deliver('acme', '{"webhookEvent": ');
      expect(res.status).toBe(400);
      // Signed, so kept as rejected; never processed.
      expect(await knex('jira_sync_webhook_events').select('outcome', 'webhook_event')).toEqual([{ outcome: 'rejected', webhook_event: 'invalid' }]);
      await knex('jira_sync_webhook_events').del();
    });

    it('never logs the secret or the signature', () => {
      const text = logs.join('\n');
      expect(text).toContain('webhook rejected');
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(sign(body).slice('sha256='.length));
      expect(text).not.toContain(createHmac('sha256', 'guess').update(body).digest('hex'));
    });
  });

  describe('signed deliveries through the WebhookProcessor', () => {
    beforeEach(() => {
      jiraCalls.length = 0;
    });

    it('applies a created issue (no Backstage credentials needed) and reads it back through the API', async () => {
      jira.set('7001', jiraIssue('7001', 'WEB-1', 'first version', '2026-03-18T10:00:00.000Z'));
      const res = await deliver('acme', event('jira:issue_created', '7001', 'WEB-1', '2026-03-18T10:00:00.000Z'));
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ outcome: 'applied' });
      expect(jiraCalls).toEqual([['7001']]);
      const stored = await storedIssue('WEB-1');
      expect(stored.body).toMatchObject({ key: 'WEB-1', summary: 'first version', updated: '2026-03-18T10:00:00.000Z' });
    });

    it('recognises a duplicate delivery', async () => {
      const body = event('jira:issue_created', '7001', 'WEB-1', '2026-03-18T10:00:00.000Z');
      expect((await deliver('acme', body)).body).toEqual({ outcome: 'duplicate' });
      expect((await storedIssue('WEB-1')).body.summary).toBe('first version');
    });

    it('keeps the newest version when deliveries arrive out of order', async () => {
      jira.set('7001', jiraIssue('7001', 'WEB-1', 'third version', '2026-03-18T11:00:00.000Z'));
      // The newer event arrives first...
      expect((await deliver('acme', event('jira:issue_updated', '7001', 'WEB-1', '2026-03-18T11:00:00.000Z', NOW + 2))).body).toEqual({ outcome: 'applied' });
      expect(jiraCalls).toHaveLength(1);
      // ...the older one late: no Jira call, nothing changes.
      expect((await deliver('acme', event('jira:issue_updated', '7001', 'WEB-1', '2026-03-18T10:30:00.000Z', NOW + 1))).body).toEqual({ outcome: 'stale' });
      expect(jiraCalls).toHaveLength(1);
      expect((await storedIssue('WEB-1')).body).toMatchObject({ summary: 'third version', updated: '2026-03-18T11:00:00.000Z' });
    });

    it('changes nothing for a late event without a timestamp in its payload', async () => {
      expect((await deliver('acme', event('comment_created', '7001', 'WEB-1', undefined, NOW + 3))).body).toEqual({ outcome: 'stale' });
      expect((await storedIssue('WEB-1')).body.summary).toBe('third version');
    });

    it('soft-deletes only once Jira no longer has the issue', async () => {
      expect((await deliver('acme', event('jira:issue_deleted', '7001', 'WEB-1', undefined, NOW + 4))).body).toEqual({ outcome: 'stale' });
      expect((await storedIssue('WEB-1')).body.deleted).toBeNull();
      jira.delete('7001');
      expect((await deliver('acme', event('jira:issue_deleted', '7001', 'WEB-1', undefined, NOW + 5))).body).toEqual({ outcome: 'deleted' });
      expect((await storedIssue('WEB-1')).body.deleted).toMatchObject({ reason: 'deleted in Jira (webhook)' });
    });

    it('leaves out issues no sync covers and ignores events without an issue', async () => {
      jira.set('8001', jiraIssue('8001', 'NOPE-1', 'not ours', '2026-03-18T10:00:00.000Z'));
      expect((await deliver('acme', event('jira:issue_created', '8001', 'NOPE-1', '2026-03-18T10:00:00.000Z'))).body).toEqual({ outcome: 'out-of-scope' });
      expect((await storedIssue('NOPE-1')).status).toBe(404);
      const worklog = JSON.stringify({ timestamp: NOW, webhookEvent: 'worklog_created', worklog: { id: '1' } });
      expect((await deliver('acme', worklog)).body).toEqual({ outcome: 'ignored' });
    });

    it('leaves issues only full or incremental syncs see to their runs: nothing stored or deleted', async () => {
      jira.set('9001', jiraIssue('9001', 'NIGHT-1', 'edited in Jira', '2026-03-18T10:00:00.000Z'));
      // Fetched by id: the issue's current project decides whether the webhook sync covers it.
      expect((await deliver('acme', event('jira:issue_updated', '9001', 'NIGHT-1', '2026-03-18T10:00:00.000Z', NOW + 7))).body).toEqual({ outcome: 'out-of-scope' });
      expect((await storedIssue('NIGHT-1')).status).toBe(404);
      jiraCalls.length = 0;
      // Stored by the nightly sync's run, then deleted in Jira: its reconciliation will see that, no Jira call now.
      const store = await KnexSyncStore.create(storeDatabase(knex));
      const nightly = toIssueVersion('acme', jiraIssue('9002', 'NIGHT-2', 'nightly copy', '2026-03-18T09:00:00.000Z'), []);
      await store.writePage({ syncId: nightlySync.id, instance: 'acme', versions: [nightly], nowMs: NOW });
      expect((await deliver('acme', event('jira:issue_deleted', '9002', 'NIGHT-2', undefined, NOW + 8))).body).toEqual({ outcome: 'out-of-scope' });
      expect(jiraCalls).toEqual([]);
      expect((await storedIssue('NIGHT-2')).body).toMatchObject({ summary: 'nightly copy', deleted: null });
    });

    it('costs no Jira call at all on an instance without webhook syncs', async () => {
      const noJira = () => {
        throw new Error('no Jira call expected');
      };
      const store = await KnexSyncStore.create(storeDatabase(knex));
      const processor = new WebhookProcessor({ store, clientFor: noJira, syncs: [nightlySync], logger: mockServices.logger.mock(), now: () => NOW });
      for (const body of [
        event('jira:issue_updated', '9003', 'NIGHT-3', '2026-03-18T10:00:00.000Z', NOW + 9),
        event('jira:issue_deleted', '9002', 'NIGHT-2', undefined, NOW + 10),
      ]) {
        expect(await processor.handle('acme', Buffer.from(body), JSON.parse(body))).toBe('out-of-scope');
      }
      expect((await storedIssue('NIGHT-2')).body.deleted).toBeNull();
    });

    it('accepts any content type: the bytes are what is signed', async () => {
      const body = JSON.stringify({ timestamp: NOW + 6, webhookEvent: 'sprint_started' });
      // Straight to the backend: wrapServer's validator (0.7.4) checks JSON request bodies only.
      const res = await request(backend.server).post('/api/jira-sync/webhook/acme').set('Content-Type', 'text/plain').set('X-Hub-Signature', sign(body)).send(body);
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ outcome: 'ignored' });
    });
  });
});

describe('a burst of webhook deliveries', () => {
  it('processes at most maxInFlight at once, queues maxQueued more, and answers 503 with Retry-After beyond', async () => {
    const releases: Array<() => void> = [];
    let running = 0;
    let mostRunning = 0;
    const handled: string[] = [];
    const webhooks = {
      handle: async (_instance: string, _body: Buffer, payload: any) => {
        running++;
        mostRunning = Math.max(mostRunning, running);
        await new Promise<void>(release => releases.push(release));
        running--;
        handled.push(payload.issue.id);
        return 'applied' as const;
      },
    };
    const logger = mockServices.logger.mock();
    const app = express()
      .use(createWebhookRouter({ instances, webhooks, bodyLimitBytes: LIMIT, logger, concurrency: { maxInFlight: 2, maxQueued: 1 } }))
      .use(MiddlewareFactory.create({ config: mockServices.rootConfig(), logger }).error());
    const deliver = (id: string) => {
      const body = event('jira:issue_updated', id, `WEB-${id}`, '2026-03-18T11:00:00.000Z');
      return request(app).post('/webhook/acme').set('Content-Type', 'application/json').set('X-Hub-Signature', sign(body)).send(body).then(r => r);
    };
    const admitted = ['1', '2', '3'].map(deliver);
    while (releases.length < 2) await new Promise(r => setTimeout(r, 5));
    // Two run, one waits: the fourth is refused at once, before anything else finishes.
    const refused = await deliver('4');
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('10');
    expect(refused.body.error.name).toBe('ServiceUnavailableError');
    while (handled.length < 3) {
      releases.shift()?.();
      await new Promise(r => setTimeout(r, 5));
    }
    const answers = await Promise.all(admitted);
    expect(answers.map(a => a.status)).toEqual([202, 202, 202]);
    expect(handled.sort()).toEqual(['1', '2', '3']);
    expect(mostRunning).toBe(2);
  });
});
