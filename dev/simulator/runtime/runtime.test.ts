import { request } from 'node:http';
import { startJiraSimulator, type JiraSimulator } from '../index';
import { simClient, TEST_NOW } from '../testSupport';

let sim: JiraSimulator;
beforeEach(async () => {
  sim = await startJiraSimulator({ issues: 60, historyShape: 'small', clock: { startMs: TEST_NOW, frozen: true } });
});
afterEach(() => sim.close());

/** A raw GET that reports what arrived: status, declared length, bytes received, and whether the socket died. */
function rawGet(path: string): Promise<{ status?: number; declared?: number; received: number; body: string; error?: string }> {
  const auth = `Basic ${Buffer.from(`${sim.credentials.email}:${sim.credentials.apiToken}`).toString('base64')}`;
  return new Promise(resolve => {
    const chunks: Buffer[] = [];
    let status: number | undefined;
    let declared: number | undefined;
    const req = request(`${sim.url}${path}`, { headers: { authorization: auth, connection: 'close' } }, res => {
      status = res.statusCode;
      declared = Number(res.headers['content-length']);
      res.on('data', c => chunks.push(c));
      res.on('end', () => resolve({ status, declared, received: Buffer.concat(chunks).length, body: Buffer.concat(chunks).toString() }));
      res.on('error', e => resolve({ status, declared, received: Buffer.concat(chunks).length, body: Buffer.concat(chunks).toString(), error: e.message }));
    });
    req.on('error', e => resolve({ status, declared, received: Buffer.concat(chunks).length, body: '', error: e.message }));
    req.end();
  });
}

describe('rate limits', () => {
  it('a burst bucket per endpoint and method answers 429 with Jira headers, and early retries are flagged in the log', async () => {
    sim.rateLimit.set({ burstPerSecond: 1, bucketSize: 3 });
    const client = simClient(sim);
    const ok1 = await client.get('/rest/api/3/myself');
    expect(ok1.headers.get('x-ratelimit-limit')).toBe('3');
    expect(ok1.headers.get('x-ratelimit-nearlimit')).toBeNull();
    await client.get('/rest/api/3/myself');
    const near = await client.get('/rest/api/3/myself');
    expect(near.status).toBe(200);
    expect(near.headers.get('x-ratelimit-nearlimit')).toBe('true');
    const limited = await client.get('/rest/api/3/myself');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('ratelimit-reason')).toBe('jira-burst-based');
    expect(Date.parse(limited.headers.get('x-ratelimit-reset')!)).toBeGreaterThan(Date.now() - 1000);
    // Another endpoint has its own bucket.
    expect((await client.get('/rest/api/3/serverInfo')).status).toBe(200);
    // Retrying at once is before Retry-After: the log says so; waiting it out is clean.
    await client.get('/rest/api/3/myself');
    const log = sim.requestLog.entries().filter(e => e.endpoint === 'GET /rest/api/3/myself');
    expect(log.at(-1)!.beforeRetryAfter).toBe(true);
    expect(log.slice(0, 4).some(e => e.beforeRetryAfter)).toBe(false);
    await new Promise(r => setTimeout(r, 1100));
    expect((await client.get('/rest/api/3/myself')).status).toBe(200);
    expect(sim.requestLog.entries().at(-1)!.beforeRetryAfter).toBeUndefined();
  });

  it('an hourly quota answers 429 jira-quota-global-based until the (simulated) hour turns', async () => {
    sim.rateLimit.set({ hourlyQuota: 2 });
    const client = simClient(sim);
    await client.get('/rest/api/3/myself');
    await client.get('/rest/api/3/field');
    const limited = await client.get('/rest/api/3/serverInfo');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('ratelimit-reason')).toBe('jira-quota-global-based');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    sim.clock.advance(3600_000);
    expect((await client.get('/rest/api/3/serverInfo')).status).toBe(200);
    sim.rateLimit.set(null);
  });
});

describe('faults', () => {
  it('5xx: 500/502/503, some 503 with Retry-After, reproducible from the seed', async () => {
    const client = simClient(sim);
    const run = async () => {
      sim.faults.set({ errorRate5xx: 1, seed: 42 });
      const out: string[] = [];
      for (let i = 0; i < 30; i++) {
        const r = await client.get('/rest/api/3/serverInfo');
        out.push(`${r.status}${r.headers.get('retry-after') ? '+retry' : ''}`);
      }
      return out;
    };
    const first = await run();
    expect(new Set(first)).toEqual(new Set(['500', '502', '503', '503+retry']));
    expect(await run()).toEqual(first);
    sim.faults.reset();
    expect((await client.get('/rest/api/3/serverInfo')).status).toBe(200);
  });

  it('connection resets destroy the socket', async () => {
    sim.faults.set({ resetRate: 1 });
    const result = await rawGet('/rest/api/3/myself');
    expect(result.status).toBeUndefined();
    expect(result.error).toMatch(/socket hang up|ECONNRESET/);
    expect(sim.requestLog.entries().at(-1)).toMatchObject({ status: 0, fault: 'reset' });
  });

  it('truncated bodies: a prefix under the full Content-Length then a dead socket, or a short body with a matching length', async () => {
    sim.faults.set({ truncateRate: 1, seed: 7 });
    const results = [];
    for (let i = 0; i < 8; i++) results.push(await rawGet('/rest/api/3/field'));
    const overlong = results.filter(r => r.error || r.received < r.declared!);
    const short = results.filter(r => !r.error && r.received === r.declared);
    expect(overlong.length).toBeGreaterThan(0);
    expect(short.length).toBeGreaterThan(0);
    for (const r of short) expect(() => JSON.parse(r.body)).toThrow();
    expect(sim.requestLog.entries().map(e => e.fault)).toEqual(expect.arrayContaining(['truncate-overlong', 'truncate-short']));
  });

  it('slow responses and the latency model', async () => {
    const client = simClient(sim);
    sim.faults.set({ slowRate: 1, slowMs: 150 });
    let started = Date.now();
    await client.get('/rest/api/3/myself');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    sim.faults.reset();
    sim.latency.set({ fixedMs: 40, perIssueMs: 3 });
    started = Date.now();
    const page = await client.post('/rest/api/3/search/jql', { jql: 'project in (ALPHA, BETA)', maxResults: 20 });
    expect(page.body.issues).toHaveLength(20);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    sim.latency.set(null);
  });

  it('search index lag: search shows the old version and position until the lag passes; GET and changelog are current', async () => {
    const client = simClient(sim);
    sim.faults.set({ searchIndexLagMs: 5000 });
    const before = sim.data.get('ALPHA-1')!;
    sim.clock.advance(60_000);
    sim.data.updateIssue('ALPHA-1', { summary: 'fresh', status: 'In Progress' });
    const created = sim.data.createIssue({ project: 'ALPHA', fields: { summary: 'new one' } });
    const search = async (extra: Record<string, unknown> = {}) =>
      (await client.post('/rest/api/3/search/jql', { jql: 'project = ALPHA ORDER BY updated DESC', fields: ['summary', 'updated'], maxResults: 100, ...extra })).body.issues;
    let issues = await search();
    expect(issues.find((i: any) => i.key === 'ALPHA-1').fields).toEqual({ summary: before.fields.summary, updated: before.fields.updated });
    expect(issues.some((i: any) => i.id === created.id)).toBe(false);
    expect(issues[0].key).not.toBe('ALPHA-1');
    expect((await client.get('/rest/api/3/issue/ALPHA-1?fields=summary')).body.fields.summary).toBe('fresh');
    expect((await client.get('/rest/api/3/issue/ALPHA-1/changelog')).body.values.at(-1).items.map((i: any) => i.field)).toEqual(['summary', 'status']);
    // reconcileIssues asks for read-after-write consistency for those ids.
    const reconciled = await search({ reconcileIssues: [Number(before.id)] });
    expect(reconciled[0].fields.summary).toBe('fresh');
    sim.clock.advance(5000);
    issues = await search();
    expect(issues.slice(0, 2).map((i: any) => i.fields.summary).sort()).toEqual(['fresh', 'new one']);
  });
});

describe('faults replay from a seed', () => {
  it('a mix of resets, 5xx, truncations and slow answers comes in the same order for the same seed, and differently for another', async () => {
    /** What a client sees: no answer, a body cut off by the socket, a complete but unparsable body, or a status. */
    const outcome = (r: Awaited<ReturnType<typeof rawGet>>) => {
      if (r.status === undefined) return 'reset';
      if (r.error || r.received < r.declared!) return `${r.status}-cut`;
      try {
        JSON.parse(r.body);
        return String(r.status);
      } catch {
        return `${r.status}-short`;
      }
    };
    const run = async (seed: number) => {
      sim.faults.set({ resetRate: 0.2, errorRate5xx: 0.2, truncateRate: 0.2, slowRate: 0.2, slowMs: 5, seed });
      const out: string[] = [];
      for (let i = 0; i < 40; i++) out.push(outcome(await rawGet('/rest/api/3/field')));
      sim.faults.reset();
      return out;
    };
    const first = await run(9);
    expect(await run(9)).toEqual(first);
    expect(await run(10)).not.toEqual(first);
    for (const kind of ['reset', '200']) expect(first).toContain(kind);
    expect(first.some(o => o === '200-cut' || o === '200-short')).toBe(true);
    expect(first.some(o => /^50[023]$/.test(o))).toBe(true);
    const slow = sim.requestLog.entries().filter(e => e.fault === 'slow');
    expect(slow.length).toBeGreaterThan(0);
    expect(slow.every(e => e.ms >= 4)).toBe(true);
  });
});

describe('search index lag', () => {
  it('an edited issue matches by its old values until the lag passes; a created one matches nothing; GET is current at once', async () => {
    const client = simClient(sim);
    sim.faults.set({ searchIndexLagMs: 30_000 });
    const keys = async (jql: string) => (await client.post('/rest/api/3/search/jql', { jql, fields: ['key'], maxResults: 100 })).body.issues.map((i: any) => i.key);
    const before = sim.data.get('GAMMA-2')!;
    const oldStatus = (before.fields.status as { name: string }).name;
    const newStatus = oldStatus === 'Blocked' ? 'In Review' : 'Blocked';
    sim.clock.advance(60_000);
    sim.data.updateIssue('GAMMA-2', { status: newStatus, labels: ['lagging'] });
    const created = sim.data.createIssue({ project: 'GAMMA', fields: { labels: ['lagging'] } });
    expect(await keys(`key = GAMMA-2 AND status = "${oldStatus}"`)).toEqual(['GAMMA-2']);
    expect(await keys(`key = GAMMA-2 AND status = "${newStatus}"`)).toEqual([]);
    expect(await keys('labels = lagging')).toEqual([]);
    expect(await keys('updated >= -1m')).toEqual([]);
    expect((await client.post('/rest/api/3/search/approximate-count', { jql: 'project = GAMMA' })).body.count).toBe(20);
    expect((await client.get('/rest/api/3/issue/GAMMA-2?fields=status,labels')).body.fields).toMatchObject({ status: { name: newStatus }, labels: ['lagging'] });
    expect((await client.get(`/rest/api/3/issue/${created.key}`)).status).toBe(200);
    // Embedded changelogs come from the lagging version too: the new history is not there yet.
    const embedded = (await client.post('/rest/api/3/search/jql', { jql: 'key = GAMMA-2', fields: ['summary'], expand: 'changelog' })).body.issues[0].changelog;
    expect(embedded.total).toBe(sim.truth().find(t => t.key === 'GAMMA-2')!.histories.length - 1);
    sim.clock.advance(29_999);
    expect(await keys('labels = lagging')).toEqual([]);
    sim.clock.advance(1);
    expect(await keys('labels = lagging ORDER BY key')).toEqual(['GAMMA-2', created.key]);
    expect(await keys(`key = GAMMA-2 AND status = "${oldStatus}"`)).toEqual([]);
    expect((await client.post('/rest/api/3/search/approximate-count', { jql: 'project = GAMMA' })).body.count).toBe(21);
  });
});

describe('auth', () => {
  it('missing, wrong, expired and revoked credentials are 401s; Bearer tokens work on Cloud', async () => {
    expect((await simClient(sim, null).get('/rest/api/3/myself')).status).toBe(401);
    const wrong = await simClient(sim, `Basic ${Buffer.from(`${sim.credentials.email}:nope`).toString('base64')}`).get('/rest/api/3/myself');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ errorMessages: ['Client must be authenticated to access this resource.'], errors: {} });
    expect(wrong.headers.get('www-authenticate')).toMatch(/Basic/);
    sim.auth.addToken('oauth-access', { expiresAtMs: TEST_NOW + 3600_000 });
    const oauth = simClient(sim, 'Bearer oauth-access');
    expect((await oauth.get('/rest/api/3/myself')).status).toBe(200);
    sim.clock.advance(3600_000);
    expect((await oauth.get('/rest/api/3/myself')).status).toBe(401);
    sim.auth.revoke(sim.credentials.apiToken);
    expect((await simClient(sim).get('/rest/api/3/myself')).status).toBe(401);
  });

  it('a user restricted to some projects sees none of the other issues', async () => {
    const client = simClient(sim);
    const count = async () => (await client.post('/rest/api/3/search/approximate-count', { jql: 'project in (ALPHA, BETA, GAMMA)' })).body.count;
    expect(await count()).toBe(60);
    sim.auth.restrictProjects(['ALPHA']);
    expect(await count()).toBe(20);
    const ids = (await client.post('/rest/api/3/search/jql', { jql: 'project in (ALPHA, BETA)', fields: ['key'], maxResults: 100 })).body.issues;
    expect(ids.every((i: any) => i.key.startsWith('ALPHA-'))).toBe(true);
    expect((await client.get('/rest/api/3/issue/BETA-1')).status).toBe(404);
    expect((await client.get('/rest/api/3/issue/BETA-1/changelog')).status).toBe(404);
    expect((await client.post('/rest/api/3/issue/bulkfetch', { issueIdsOrKeys: ['BETA-1', 'ALPHA-1'] })).body.issues).toHaveLength(1);
    sim.auth.restrictProjects(null);
    expect(await count()).toBe(60);
  });
});

describe('request log', () => {
  it('counts calls and bytes per normalised endpoint with arrival times', async () => {
    const client = simClient(sim);
    sim.requestLog.clear();
    const t0 = Date.now();
    await client.get('/rest/api/3/issue/ALPHA-1/changelog');
    await client.get('/rest/api/3/issue/BETA-2/changelog?startAt=0');
    await client.post('/rest/api/3/issue/bulkfetch', { issueIdsOrKeys: ['ALPHA-1'] });
    const counts = sim.requestLog.countsByEndpoint();
    expect(counts['GET /rest/api/3/issue/{id}/changelog'].calls).toBe(2);
    expect(counts['POST /rest/api/3/issue/bulkfetch'].calls).toBe(1);
    expect(counts['POST /rest/api/3/issue/bulkfetch'].bytes).toBeGreaterThan(100);
    const entries = sim.requestLog.entries();
    expect(entries[0].at).toBeGreaterThanOrEqual(t0);
    expect(entries[1].at).toBeGreaterThanOrEqual(entries[0].at);
  });
});
