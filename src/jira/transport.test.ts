import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JiraInstanceConfig } from '../config/types';
import { createJiraClient, type CreateJiraClientOptions } from './client';
import { JiraCircuitOpenError, JiraCredentialsError, JiraRequestError, JiraUnavailableError } from './errors';
import { json, startTestServer } from './testServer';

const API_TOKEN = 'ATATT3xFfGF0-super-secret-api-token-1234567890';
const PAT = 'NjQ4MzI0OTk0NTY3OkpHs3cr3tP4t-xyz';

function recordingLogger() {
  const lines: string[] = [];
  const log = (level: string) => (message: string, meta?: unknown) => {
    lines.push(`${level} ${message}${meta ? ` ${JSON.stringify(meta)}` : ''}`);
  };
  return { lines, logger: { info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug') } };
}

function config(url: string, overrides: Partial<JiraInstanceConfig> = {}): JiraInstanceConfig {
  return {
    name: 'acme',
    baseUrl: url,
    deployment: 'cloud',
    auth: { type: 'basic', email: 'bot@acme.test', apiToken: API_TOKEN },
    rateLimit: { requestsPerSecond: 1000, concurrency: 4, maxAttempts: 4, requestTimeoutMs: 2000 },
    ...overrides,
  };
}

function client(url: string, overrides: Partial<JiraInstanceConfig> = {}, extra: Partial<CreateJiraClientOptions> = {}) {
  const { lines, logger } = recordingLogger();
  const c = createJiraClient({ config: config(url, overrides), logger, retry: { baseDelayMs: 5, maxDelayMs: 20 }, ...extra });
  return { client: c, lines };
}

async function drain<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}


describe('Jira transport', () => {
  it('surfaces a 400 bad JQL with Jira’s message and the caller’s context, without retrying', async () => {
    const server = await startTestServer((_req, res) =>
      json(res, 400, { errorMessages: ["Error in the JQL Query: The character '%' is a reserved JQL character."], errors: {} }),
    );
    const { client: c } = client(server.url);
    const error = await drain(c.searchIds({ jql: 'project = %', context: 'sync "platform"' })).catch(e => e);
    expect(error).toBeInstanceOf(JiraRequestError);
    expect(error.message).toBe(
      `sync "platform": Jira rejected the JQL (HTTP 400): Error in the JQL Query: The character '%' is a reserved JQL character.`,
    );
    expect(error.status).toBe(400);
    expect(error.endpoint).toBe('POST /rest/api/3/search/jql');
    expect(server.seen).toHaveLength(1);
    await server.close();
  });

  it('never retries a 403 and carries Jira’s field errors', async () => {
    const server = await startTestServer((_req, res) => json(res, 403, { errorMessages: [], errors: { project: 'You cannot browse PRIV' } }));
    const { client: c } = client(server.url);
    await expect(c.fields()).rejects.toThrow(/Jira refused GET \/rest\/api\/3\/field \(HTTP 403, no permission\): project: You cannot browse PRIV/);
    expect(server.seen).toHaveLength(1);
    await server.close();
  });

  it('retries 5xx, resets, timeouts and broken bodies, then succeeds and counts every call', async () => {
    const flaky = await startTestServer(async (_req, res, n) => {
      if (n === 1) return json(res, 503, { message: 'busy' });
      if (n === 2) return void res.socket?.destroy();
      if (n === 3) {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '200' });
        res.write('{"issues":[{"id":"1"');
        return void setTimeout(() => res.socket?.destroy(), 5);
      }
      if (n === 4) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return void res.end('{"issues":[{"id":"1"'); // complete response, unparsable body
      }
      if (n === 5) return undefined; // never answers: the per-request timeout fires
      return json(res, 200, [{ id: 'summary', name: 'Summary', custom: false }]);
    });
    const { client: c } = client(flaky.url, {
      rateLimit: { requestsPerSecond: 1000, concurrency: 4, maxAttempts: 6, requestTimeoutMs: 300 },
    });
    await expect(c.fields()).resolves.toEqual([{ id: 'summary', name: 'Summary', custom: false }]);
    const counters = c.counters();
    expect(counters.calls).toBe(6);
    expect(counters.retries).toBe(5);
    const statuses = counters.byEndpoint['GET /rest/api/3/field'].statuses;
    expect(statuses['503']).toBe(1);
    expect(statuses['200']).toBe(1);
    expect(statuses.timeout).toBe(1);
    expect(statuses.truncated).toBe(2);
    expect(Object.keys(statuses)).toHaveLength(5); // plus the reset
    c.resetCounters();
    expect(c.counters().calls).toBe(0);
    await flaky.close();
  });

  it('gives up after maxAttempts with a clear error', async () => {
    const server = await startTestServer((_req, res) => json(res, 502, {}));
    const { client: c } = client(server.url);
    const error = await c.fields().catch(e => e);
    expect(error).toBeInstanceOf(JiraUnavailableError);
    expect(error.message).toBe('Jira instance acme unavailable: GET /rest/api/3/field failed 4 times (last: HTTP 502)');
    expect(server.seen).toHaveLength(4);
    await server.close();
  });

  it('stops at once on the caller’s abort, without a retry', async () => {
    const server = await startTestServer(() => undefined); // never answers
    const { client: c } = client(server.url);
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('run cancelled')), 50);
    await expect(drain(c.searchIds({ jql: 'project = A', signal: controller.signal }))).rejects.toThrow('run cancelled');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.seen).toHaveLength(1);
    await server.close();
  });

  it('on 429 pauses every caller of the instance until Retry-After has passed', async () => {
    let limitedAt = 0;
    const server = await startTestServer((req, res, n) => {
      if (n === 1) {
        limitedAt = Date.now();
        return json(res, 429, { errorMessages: ['Rate limit exceeded'] }, { 'Retry-After': '1', 'RateLimit-Reason': 'jira-burst-based' });
      }
      return json(res, 200, req.path.includes('myself') ? { timeZone: 'UTC' } : []);
    });
    const { client: c, lines } = client(server.url, { rateLimit: { requestsPerSecond: 1000, concurrency: 1, maxAttempts: 3, requestTimeoutMs: 2000 } });
    await Promise.all([c.fields(), c.timeZone(), c.approximateCount('x').catch(() => undefined)]);
    const after = server.seen.slice(1);
    expect(after.length).toBeGreaterThanOrEqual(2);
    for (const request of after) expect(request.at).toBeGreaterThanOrEqual(limitedAt + 1000);
    expect(lines.some(l => /HTTP 429 on .* \(jira-burst-based\); pausing all requests for 1000 ms/.test(l))).toBe(true);
    expect(c.counters().rateLimitWaitMs).toBeGreaterThanOrEqual(900);
    await server.close();
  });

  it('reads X-RateLimit-Reset against the client\'s own clock, not the machine\'s', async () => {
    // A clock years away from the machine's: only the injected one gives the 5 s Jira asks for.
    let t = Date.UTC(2031, 5, 1, 12, 0, 0);
    const server = await startTestServer((_req, res, n) =>
      n === 1 ? json(res, 429, {}, { 'X-RateLimit-Reset': new Date(t + 5000).toISOString() }) : json(res, 200, []),
    );
    const { client: c, lines } = client(server.url, {}, {
      now: () => t,
      sleep: async ms => {
        t += ms;
      },
    });
    await expect(c.fields()).resolves.toEqual([]);
    expect(lines.some(l => l.includes('pausing all requests for 5000 ms'))).toBe(true);
    expect(c.counters().rateLimitWaitMs).toBe(5000);
    await server.close();
  });

  it('halves the rate when Jira says the limit is nearly spent', async () => {
    const server = await startTestServer((_req, res) => json(res, 200, [], { 'X-RateLimit-NearLimit': 'true' }));
    const { client: c, lines } = client(server.url);
    await c.fields();
    expect(lines.some(l => l.includes('halving the request rate'))).toBe(true);
    await server.close();
  });

  it('ends the run on 401 with a clear error and no retry storm', async () => {
    const server = await startTestServer((_req, res) => json(res, 401, { errorMessages: ['Unauthorized'] }));
    const { client: c } = client(server.url);
    const error = await c.timeZone().catch(e => e);
    expect(error).toBeInstanceOf(JiraCredentialsError);
    expect(error.message).toBe('credentials for instance acme expired or were revoked (HTTP 401 from GET /rest/api/3/myself)');
    expect(server.seen).toHaveLength(1);
    await server.close();
  });

  it('opens the breaker after consecutive failures, fails fast, half-opens after the cool-down and closes on success', async () => {
    let healthy = false;
    const server = await startTestServer((_req, res) => (healthy ? json(res, 200, []) : json(res, 500, {})));
    let t = 1_000_000;
    const { client: c } = client(server.url, { rateLimit: { requestsPerSecond: 1000, concurrency: 4, maxAttempts: 10, requestTimeoutMs: 2000 } }, {
      breaker: { failureThreshold: 3, coolDownMs: 30_000 },
      now: () => t,
      sleep: async () => undefined,
    });
    const first = await c.fields().catch(e => e);
    expect(first).toBeInstanceOf(JiraCircuitOpenError);
    expect(first.message).toMatch(/circuit breaker opened after 3 consecutive failures, last: HTTP 500 on GET \/rest\/api\/3\/field/);
    expect(server.seen).toHaveLength(3);
    expect(c.breakerState()).toBe('open');

    // While open: no request at all.
    await expect(c.timeZone()).rejects.toBeInstanceOf(JiraCircuitOpenError);
    expect(server.seen).toHaveLength(3);

    t += 30_000;
    expect(c.breakerState()).toBe('half-open');
    healthy = true;
    await expect(c.fields()).resolves.toEqual([]);
    expect(c.breakerState()).toBe('closed');
    expect(server.seen).toHaveLength(4);
    await server.close();
  });

  it('normalizes endpoints in the counters', async () => {
    const server = await startTestServer((_req, res) => json(res, 404, { errorMessages: ['Issue does not exist'] }));
    const { client: c } = client(server.url, { deployment: 'datacenter' });
    await expect(c.getIssues(['10001', 'ABC-12'], { fields: [] })).resolves.toEqual([]);
    expect(Object.keys(c.counters().byEndpoint).sort()).toEqual(['GET /rest/api/2/issue/{id}', 'GET /rest/api/2/issue/{key}']);
    await server.close();
  });
});

describe('secrets never reach logs or errors', () => {
  const base64Basic = Buffer.from(`bot@acme.test:${API_TOKEN}`).toString('base64');

  it.each([
    ['basic', { type: 'basic', email: 'bot@acme.test', apiToken: API_TOKEN } as const, [API_TOKEN, base64Basic]],
    ['bearer', { type: 'bearer', token: PAT } as const, [PAT]],
  ])('%s: every failure mode, echoed credentials included', async (_name, auth, secrets) => {
    // A hostile or buggy server echoes the Authorization header back in every error.
    const server = await startTestServer((req, res, n) => {
      const echo = { errorMessages: [`bad auth header ${req.headers.authorization}`], errors: { token: String(req.headers.authorization) } };
      const statuses = [400, 403, 500, 500, 500, 401, 404];
      json(res, statuses[(n - 1) % statuses.length], echo);
    });
    const { client: c, lines } = client(server.url, { auth, rateLimit: { requestsPerSecond: 1000, concurrency: 1, maxAttempts: 3, requestTimeoutMs: 2000 } });
    const errors: Error[] = [];
    for (let i = 0; i < 5; i++) {
      c.beginRun();
      errors.push(await c.fields().catch(e => e));
    }
    expect(errors.map(e => e.constructor.name)).toEqual([
      'JiraRequestError',
      'JiraRequestError',
      'JiraUnavailableError',
      'JiraCredentialsError',
      'JiraRequestError',
    ]);
    expect(errors[0].message).toContain('bad auth header');
    for (const text of [...errors.map(e => `${e.message}\n${e.stack}`), ...lines]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
    await server.close();
  });
});

describe('token files', () => {
  it('re-reads the token file at the start of each run, and once after a 401 mid-run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jira-token-'));
    const file = join(dir, 'pat');
    writeFileSync(file, 'first-token-aaaaaaaa\n');
    let valid = 'first-token-aaaaaaaa';
    const server = await startTestServer((req, res) =>
      req.headers.authorization === `Bearer ${valid}` ? json(res, 200, { timeZone: 'Europe/Berlin' }) : json(res, 401, {}),
    );
    const { client: c } = client(server.url, { auth: { type: 'bearer', tokenFile: file } });
    await expect(c.timeZone()).resolves.toBe('Europe/Berlin');

    // Rotated between runs: picked up by beginRun without a restart.
    writeFileSync(file, 'second-token-bbbbbbb');
    valid = 'second-token-bbbbbbb';
    c.beginRun();
    await expect(c.timeZone()).resolves.toBe('Europe/Berlin');
    expect(server.seen[1].headers.authorization).toBe('Bearer second-token-bbbbbbb');

    // Rotated mid-run: the 401 re-reads the file once.
    writeFileSync(file, 'third-token-ccccccccc');
    valid = 'third-token-ccccccccc';
    await expect(c.fields()).resolves.toEqual({ timeZone: 'Europe/Berlin' });
    expect(server.seen.map(r => r.headers.authorization).slice(2)).toEqual(['Bearer second-token-bbbbbbb', 'Bearer third-token-ccccccccc']);
    await server.close();
  });

  it('names the unreadable token file without leaking anything', async () => {
    const { client: c } = client('http://127.0.0.1:9', { auth: { type: 'basic', email: 'a@b', apiTokenFile: '/nonexistent/token' } });
    await expect(c.fields()).rejects.toThrow('cannot read the API token file for instance acme (/nonexistent/token): ENOENT');
  });
});

describe('OAuth 2.0 refresh-token rotation', () => {
  function oauthServer() {
    const events: string[] = [];
    let validRefresh = 'refresh-0-initial-xxxx';
    let validAccess = '';
    let generation = 0;
    let expiresIn = 3600;
    return {
      events,
      revokeAll() {
        validRefresh = 'nothing-valid';
        validAccess = '';
      },
      expireAccess() {
        validAccess = 'expired-for-everyone';
      },
      setExpiresIn(s: number) {
        expiresIn = s;
      },
      async start() {
        return startTestServer((req, res) => {
          if (req.path === '/oauth/token') {
            const form = new URLSearchParams(req.body);
            if (form.get('grant_type') !== 'refresh_token' || form.get('client_secret') !== 'client-secret-zzzz') return json(res, 401, { error: 'invalid_client' });
            if (form.get('refresh_token') !== validRefresh) return json(res, 403, { error: 'invalid_grant', error_description: `Unknown or invalid refresh token ${form.get('refresh_token')}` });
            generation++;
            validRefresh = `refresh-${generation}-rotated-xxxx`;
            validAccess = `access-${generation}-yyyyyyyy`;
            events.push(`token issued ${generation}`);
            return json(res, 200, { access_token: validAccess, refresh_token: validRefresh, expires_in: expiresIn, token_type: 'Bearer' });
          }
          events.push(`jira ${req.headers.authorization}`);
          if (req.headers.authorization !== `Bearer ${validAccess}`) return json(res, 401, {});
          return json(res, 200, { timeZone: 'Pacific/Chatham' });
        });
      },
    };
  }

  it('persists the rotated refresh token before using the new access token, refreshes before expiry and once on 401', async () => {
    const oauth = oauthServer();
    const server = await oauth.start();
    const saved: string[] = [];
    const store = {
      load: async () => undefined,
      save: async (_instance: string, token: string) => {
        oauth.events.push(`saved ${token}`);
        saved.push(token);
      },
    };
    let t = 0;
    const { lines, logger } = recordingLogger();
    const c = createJiraClient({
      config: config(server.url, {
        auth: { type: 'oauth2', clientId: 'cid', clientSecret: 'client-secret-zzzz', refreshToken: 'refresh-0-initial-xxxx', tokenUrl: `${server.url}/oauth/token` },
      }),
      logger,
      oauthTokenStore: store,
      now: () => t,
      catalogueTtlMs: 0, // every run re-reads the catalogue, so each step below makes a request
    });
    await expect(c.timeZone()).resolves.toBe('Pacific/Chatham');
    expect(oauth.events).toEqual(['token issued 1', 'saved refresh-1-rotated-xxxx', 'jira Bearer access-1-yyyyyyyy']);

    // Close to expiry: refreshed before the request.
    t += 3600_000 - 30_000;
    c.beginRun();
    await c.timeZone();
    expect(oauth.events.slice(3)).toEqual(['token issued 2', 'saved refresh-2-rotated-xxxx', 'jira Bearer access-2-yyyyyyyy']);

    // Revoked access token mid-run: one refresh, one retry.
    oauth.expireAccess();
    await c.fields();
    expect(oauth.events.slice(6)).toEqual(['jira Bearer access-2-yyyyyyyy', 'token issued 3', 'saved refresh-3-rotated-xxxx', 'jira Bearer access-3-yyyyyyyy']);
    expect(saved).toEqual(['refresh-1-rotated-xxxx', 'refresh-2-rotated-xxxx', 'refresh-3-rotated-xxxx']);

    // Refresh token revoked: a clear error, nothing leaked, no storm.
    oauth.revokeAll();
    c.beginRun();
    const before = oauth.events.length;
    const error = await c.fields().catch(e => e);
    expect(error).toBeInstanceOf(JiraCredentialsError);
    expect(error.message).toBe('credentials for instance acme expired or were revoked (HTTP 403 from POST /oauth/token: invalid_grant)');
    expect(oauth.events.length - before).toBe(1); // the one Jira call that got the 401
    for (const text of [error.message, error.stack, ...lines]) {
      for (const secret of ['client-secret-zzzz', 'refresh-3-rotated-xxxx', 'access-3-yyyyyyyy', 'refresh-0-initial-xxxx']) {
        expect(text).not.toContain(secret);
      }
    }
    await server.close();
  });

  it('starts from the persisted rotated token rather than the configured one', async () => {
    const oauth = oauthServer();
    const server = await oauth.start();
    // Spend the initial token, as a previous process would have.
    await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', client_secret: 'client-secret-zzzz', refresh_token: 'refresh-0-initial-xxxx' }),
    });
    const c = createJiraClient({
      config: config(server.url, {
        auth: { type: 'oauth2', clientId: 'cid', clientSecret: 'client-secret-zzzz', refreshToken: 'refresh-0-initial-xxxx', tokenUrl: `${server.url}/oauth/token` },
      }),
      logger: recordingLogger().logger,
      oauthTokenStore: { load: async () => 'refresh-1-rotated-xxxx', save: async () => undefined },
    });
    await expect(c.timeZone()).resolves.toBe('Pacific/Chatham');
    expect(oauth.events.at(-1)).toBe('jira Bearer access-2-yyyyyyyy');
    await server.close();
  });
});
