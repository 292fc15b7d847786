import { startJiraSimulator, type JiraSimulator } from '../../dev/simulator';
import { JiraCircuitOpenError, JiraCredentialsError, JiraRequestError } from './errors';
import { FIELDS, readAll, simClient } from './simTestSupport';

const jqlOf = (sim: JiraSimulator) => `project in (${sim.data.projects().join(', ')}) ORDER BY updated ASC, key ASC`;

describe('resilience against the simulator', () => {
  let sim: JiraSimulator;
  afterEach(async () => sim?.close());

  it.each(['cloud', 'datacenter'] as const)(
    '%s: a fault storm (10%% 5xx, 5%% 429, 2%% resets, 1%% truncated bodies) still delivers every issue exactly once, complete',
    async deployment => {
      sim = await startJiraSimulator({ seed: 41, projects: 2, issues: 1000, historyShape: 'small', deployment });
      const truth = sim.truth();
      sim.faults.set({ errorRate5xx: 0.1, rateLimit429Rate: 0.05, resetRate: 0.02, truncateRate: 0.01, seed: 9 });
      const { client } = simClient(sim, { rateLimit: { requestsPerSecond: 2000, concurrency: 4, maxAttempts: 10, requestTimeoutMs: 5000 } });
      // Small pages: many calls, so every kind of fault is met more than once.
      const { deliveries } = await readAll(client, { jql: jqlOf(sim), fields: FIELDS, pageSize: 25 });
      const ids = [];
      for await (const batch of client.searchIds({ jql: jqlOf(sim) })) ids.push(...batch);
      sim.faults.reset();

      expect(deliveries.map(i => i.id).sort()).toEqual(truth.map(t => t.id).sort());
      expect(new Set(ids).size).toBe(truth.length);
      const byId = new Map(truth.map(t => [t.id, t]));
      for (const issue of deliveries) expect(issue.histories).toEqual(byId.get(issue.id)!.histories);
      const statuses = sim.requestLog.entries().map(e => e.status);
      // The storm really happened, and was weathered.
      expect(statuses.filter(s => s >= 500).length).toBeGreaterThan(0);
      expect(statuses.filter(s => s === 429).length + statuses.filter(s => s === 0).length).toBeGreaterThan(0);
      expect(client.counters().retries).toBeGreaterThan(0);
      expect(client.breakerState()).toBe('closed');
    },
  );

  it('respects Retry-After: no request reaches Jira until it has elapsed', async () => {
    sim = await startJiraSimulator({ seed: 42, projects: 1, issues: 400, historyShape: 'small' });
    // Jira's burst limit: 5 a second per endpoint; the client is configured far above it.
    sim.rateLimit.set({ burstPerSecond: 5, bucketSize: 5 });
    const { client, lines } = simClient(sim, { rateLimit: { requestsPerSecond: 1000, concurrency: 4, maxAttempts: 5, requestTimeoutMs: 5000 } });
    const { deliveries } = await readAll(client, { jql: jqlOf(sim), fields: FIELDS, pageSize: 20 });
    expect(deliveries).toHaveLength(400);
    const log = sim.requestLog.entries();
    const limited = log.filter(e => e.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    for (const hit of limited) {
      // Requests already on the wire when the 429 was sent may land a moment later; none after that.
      const early = log.filter(e => e.at > hit.at + 100 && e.at < hit.at + 1000);
      expect(early).toEqual([]);
    }
    expect(lines.some(l => l.includes('pausing all requests'))).toBe(true);
    expect(client.counters().rateLimitWaitMs).toBeGreaterThanOrEqual(900);
  });

  it('ends the run with a clear error when the token expires mid-stream, without a retry storm', async () => {
    // Enough issues that pages are still being read after the first one is handed on.
    sim = await startJiraSimulator({ seed: 43, projects: 1, issues: 2500, historyShape: 'small' });
    const { client, lines } = simClient(sim);
    let pages = 0;
    const error = await (async () => {
      for await (const page of client.searchIssues({ jql: jqlOf(sim), fields: FIELDS, pageSize: 100, context: 'sync "platform"' })) {
        pages++;
        if (pages === 1) sim.auth.expireTokenAt(sim.credentials.apiToken, sim.clock.now());
        void page;
      }
      return undefined;
    })().catch(e => e);
    expect(error).toBeInstanceOf(JiraCredentialsError);
    expect(error.message).toMatch(/^sync "platform": credentials for instance sim expired or were revoked \(HTTP 401 from POST \/rest\/api\/3\/(search\/jql|changelog\/bulkfetch)\)$/);
    const unauthorized = sim.requestLog.entries().filter(e => e.status === 401);
    expect(unauthorized).toHaveLength(1);
    for (const text of [error.message, error.stack, ...lines]) expect(text).not.toContain(sim.credentials.apiToken);
  });

  it('surfaces a bad JQL as a 400 with Jira’s own message, never retried', async () => {
    sim = await startJiraSimulator({ seed: 44, projects: 1, issues: 20, historyShape: 'small' });
    const { client } = simClient(sim);
    const error = await readAll(client, { jql: 'project = ALPHA AND updated >>= 3 ORDER BY updated', fields: FIELDS, context: 'sync "platform"' }).catch(e => e);
    expect(error).toBeInstanceOf(JiraRequestError);
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^sync "platform": Jira rejected the JQL \(HTTP 400\): Error in the JQL Query: /);
    expect(sim.requestLog.entries().filter(e => e.status === 400)).toHaveLength(1);
  });

  it('opens the breaker on a down Jira, fails fast while open, closes after the cool-down once Jira answers', async () => {
    sim = await startJiraSimulator({ seed: 45, projects: 1, issues: 20, historyShape: 'small' });
    const { client } = simClient(sim, { rateLimit: { requestsPerSecond: 1000, concurrency: 2, maxAttempts: 8, requestTimeoutMs: 5000 } }, {
      breaker: { failureThreshold: 4, coolDownMs: 300 },
    });
    sim.faults.set({ errorRate5xx: 1 });
    await expect(client.fields()).rejects.toBeInstanceOf(JiraCircuitOpenError);
    expect(sim.requestLog.entries()).toHaveLength(4);
    expect(client.breakerState()).toBe('open');

    // A scheduled run while open: no call reaches Jira.
    await expect(client.timeZone()).rejects.toThrow(/circuit breaker open/);
    expect(sim.requestLog.entries()).toHaveLength(4);

    sim.faults.reset();
    await new Promise(resolve => setTimeout(resolve, 320));
    expect(client.breakerState()).toBe('half-open');
    await expect(client.timeZone()).resolves.toBe('America/Los_Angeles');
    expect(client.breakerState()).toBe('closed');
  });
});
