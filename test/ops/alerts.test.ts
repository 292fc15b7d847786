import { TestDatabases } from '@backstage/backend-test-utils';
import { startJiraSimulator, type JiraSimulator } from '../../dev/simulator';
import { truthDifferences } from '../support/truth';
import { SYNC_ID, TEAM, startOpsBackend, startTokenApiProxy, type OpsBackend } from './opsBackend';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('alerts, health and completeness in a Backstage backend on %s', databaseId => {
  let openSim: JiraSimulator | undefined;
  let openOps: OpsBackend | undefined;
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    jest.restoreAllMocks();
    await openOps?.stop();
    await openSim?.close();
    for (const cleanup of cleanups.splice(0)) await cleanup();
    openOps = undefined;
    openSim = undefined;
  });

  const start = async (options: Partial<Parameters<typeof startOpsBackend>[0]> = {}, simOptions: Parameters<typeof startJiraSimulator>[0] = {}) => {
    const sim = await startJiraSimulator({ seed: 5, projects: 2, issues: 60, historyShape: 'small', ...simOptions });
    openSim = sim;
    const project = sim.data.projects()[0];
    const ops = await startOpsBackend({ knex: await databases.init(databaseId), sim, project, ...options });
    openOps = ops;
    return { sim, ops, project };
  };
  const incidents = (knex: OpsBackend['knex']) => knex('jira_sync_alert_incidents').orderBy('kind');

  it('alerts once on rejected credentials and on N failures in a row, then sends one recovery each', async () => {
    const { sim, ops } = await start();
    expect(ops.sent).toEqual([]); // the start-up run succeeded

    sim.auth.revoke(sim.credentials.apiToken);
    await ops.runSync();
    expect(ops.notices('credentials-rejected')).toHaveLength(1);
    expect(ops.notices('consecutive-failures')).toHaveLength(0);
    expect((await ops.syncStatus()).health).toEqual({ status: 'failing', reason: expect.stringMatching(/^Jira rejected the credentials \(since .*\): .*credentials for instance sim expired or were revoked/) });

    await ops.runSync();
    await ops.runAlerts();
    await ops.runSync();
    await ops.runSync();
    await ops.runAlerts();
    expect(ops.notices('credentials-rejected')).toHaveLength(1);
    expect(ops.notices('consecutive-failures')).toHaveLength(1);
    const [failures] = ops.notices('consecutive-failures');
    expect(failures.recipients).toEqual({ type: 'entity', entityRef: [TEAM, 'user:default/oncall'] });
    expect(failures.payload).toMatchObject({ severity: 'high', topic: 'jira-sync', scope: `jira-sync:sync:${SYNC_ID}:consecutive-failures` });
    expect(JSON.stringify(ops.sent)).not.toContain(sim.credentials.apiToken);
    expect(ops.recoveries('credentials-rejected')).toHaveLength(0);

    sim.auth.addToken(sim.credentials.apiToken);
    await ops.runSync();
    await ops.runAlerts();
    await ops.runSync();
    expect(ops.recoveries('credentials-rejected')).toHaveLength(1);
    expect(ops.recoveries('consecutive-failures')).toHaveLength(1);
    expect(ops.sent).toHaveLength(4);
    expect((await ops.syncStatus()).health.status).toBe('healthy');
    const rows = await incidents(ops.knex);
    expect(rows.map(r => [r.kind, r.resolved_ms !== null, r.recovery_sent_ms !== null])).toEqual([
      ['consecutive-failures', true, true],
      ['credentials-rejected', true, true],
    ]);
  });

  it('alerts once when the sync goes stale and recovers on the next success', async () => {
    const { ops } = await start({ alerts: { staleAfter: { hours: 1 } } });
    await ops.runAlerts();
    expect(ops.sent).toEqual([]);

    const realNow = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(realNow + 2 * 3_600_000);
    await ops.runAlerts();
    await ops.runAlerts();
    jest.restoreAllMocks();
    expect(ops.notices('stale')).toHaveLength(1);
    expect(ops.notices('stale')[0].payload.description).toMatch(/^No successful run for 2 h .*more than 1 h as stale/);

    await ops.runSync();
    await ops.runAlerts();
    expect(ops.recoveries('stale')).toHaveLength(1);
    expect(ops.sent).toHaveLength(2);
  });

  it('alerts once on a run much slower than the median of recent runs', async () => {
    const { sim, ops } = await start({ alerts: { slowRun: { factor: 3, minimumDuration: { milliseconds: 300 } } } });
    for (let i = 0; i < 3; i++) await ops.runSync();
    expect(ops.sent).toEqual([]);

    sim.latency.set({ fixedMs: 400, perIssueMs: 0 });
    await ops.runSync();
    await ops.runAlerts();
    expect(ops.notices('slow-run')).toHaveLength(1);
    expect(ops.notices('slow-run')[0].payload.description).toMatch(/took [\d.]+ s, more than 3× the median of recent successful runs/);
    expect((await ops.syncStatus()).health).toEqual({ status: 'degraded', reason: expect.stringMatching(/^the last run took .* more than 3× the median/) });

    sim.latency.set(null);
    await ops.runSync();
    await ops.runAlerts();
    expect(ops.notices('slow-run')).toHaveLength(1);
    expect(ops.recoveries('slow-run')).toHaveLength(1);
    expect((await ops.syncStatus()).health.status).toBe('healthy');
  });

  it('alerts once when a Data Center personal access token is close to expiry, and recovers once it is replaced', async () => {
    const sim = await startJiraSimulator({ seed: 5, projects: 2, issues: 30, historyShape: 'small', deployment: 'datacenter' });
    openSim = sim;
    const proxy = await startTokenApiProxy(sim.url, { name: 'backstage-sync', expiresAtMs: Date.now() + 3 * 86_400_000 });
    cleanups.push(proxy.close);
    proxy.acceptPat(sim.credentials.pat);
    const project = sim.data.projects()[0];
    const ops = await startOpsBackend({
      knex: await databases.init(databaseId),
      sim,
      project,
      baseUrl: proxy.url,
      auth: { type: 'bearer', token: sim.credentials.pat },
      alerts: { tokenExpiry: { warnBefore: { days: 14 } } },
    });
    openOps = ops;
    expect(await ops.knex('jira_sync_runs').where({ outcome: 'succeeded' })).toHaveLength(1);

    await ops.runAlerts();
    await ops.runAlerts();
    const notices = ops.notices('token-expiry');
    expect(notices).toHaveLength(1);
    expect(notices[0].payload.title).toMatch(/^The Jira access token "backstage-sync" of instance sim expires in 3 days$/);
    expect(notices[0].payload.scope).toBe('jira-sync:instance:sim:token-expiry');
    expect(notices[0].recipients).toEqual({ type: 'entity', entityRef: [TEAM, 'user:default/oncall'] });
    expect(JSON.stringify(ops.sent)).not.toContain(sim.credentials.pat);

    proxy.token.expiresAtMs = Date.now() + 90 * 86_400_000;
    await ops.runAlerts();
    await ops.runAlerts();
    expect(ops.recoveries('token-expiry')).toHaveLength(1);
    expect(ops.sent).toHaveLength(2);
  });

  it('finds drift no search reveals, reports it in health and alerts, and recovers when Jira agrees again', async () => {
    const { sim, ops, project } = await start({ completeness: { sampleSize: 1000 } });
    await ops.runCheck();
    const [clean] = await ops.knex('jira_sync_completeness_checks').orderBy('check_id', 'desc');
    expect(clean).toMatchObject({ outcome: 'succeeded', differing: 0, missing_in_jira: 0, count_mismatches: 0 });
    const counts = JSON.parse(clean.counts);
    expect(counts).toEqual([{ project, jira: counts[0].stored, stored: counts[0].stored }]);
    expect(counts[0].stored).toBeGreaterThan(0);
    expect(ops.sent).toEqual([]);

    const victim = sim.data.all().find(i => (i.fields.project as { key: string }).key === project)!;
    const original = victim.fields.summary;
    sim.data.updateIssue(victim.id, { summary: 'changed behind the index' }, { silent: true });
    await ops.runSync(); // an incremental run cannot see it: `updated` did not move
    await ops.runCheck();
    await ops.runAlerts();
    const [drifted] = await ops.knex('jira_sync_completeness_checks').orderBy('check_id', 'desc');
    expect(drifted).toMatchObject({ outcome: 'succeeded', differing: 1, repaired: 0, unrepaired_drift: 1 });
    expect(JSON.parse(drifted.differences)).toEqual([
      expect.objectContaining({ issueId: victim.id, kind: 'field', detail: expect.stringContaining('summary: stored') }),
    ]);
    expect(ops.notices('drift')).toHaveLength(1);
    expect((await ops.syncStatus()).health).toEqual({
      status: 'degraded',
      reason: expect.stringMatching(/^the completeness check at .* found 1 of \d+ sampled issues differing from Jira$/),
    });

    sim.data.updateIssue(victim.id, { summary: original }, { silent: true });
    await ops.runCheck();
    await ops.runCheck();
    expect(ops.notices('drift')).toHaveLength(1);
    expect(ops.recoveries('drift')).toHaveLength(1);
    expect((await ops.syncStatus()).health.status).toBe('healthy');
  });

  it('repairs drift when asked: re-fetches the differing issues and writes them through the store', async () => {
    const { sim, ops, project } = await start({ completeness: { sampleSize: 1000, repair: true } });
    const victim = sim.data.all().find(i => (i.fields.project as { key: string }).key === project)!;
    sim.data.updateIssue(victim.id, { summary: 'repaired from Jira' }, { silent: true });
    await ops.runCheck();
    const [check] = await ops.knex('jira_sync_completeness_checks').orderBy('check_id', 'desc');
    expect(check).toMatchObject({ outcome: 'succeeded', differing: 1, repaired: 1, unrepaired_drift: 0 });
    expect(ops.sent).toEqual([]);
    const differences = await truthDifferences(ops.knex, sim, { syncId: SYNC_ID, projects: [project] });
    expect(differences).toEqual([]);
  });

  it('starts and syncs without a notifications backend; incidents are kept and nothing breaks', async () => {
    const { sim, ops } = await start({ notifications: false });
    const [first] = await ops.knex('jira_sync_runs');
    expect(first.outcome).toBe('succeeded');
    sim.auth.revoke(sim.credentials.apiToken);
    await ops.runSync();
    await ops.runAlerts();
    const runs = await ops.knex('jira_sync_runs').orderBy('run_id');
    expect(runs.map(r => r.outcome)).toEqual(['succeeded', 'failed']);
    const [incident] = await incidents(ops.knex);
    expect(incident).toMatchObject({ kind: 'credentials-rejected', notice_sent_ms: null, resolved_ms: null });
    sim.auth.addToken(sim.credentials.apiToken);
    await ops.runSync();
    expect((await incidents(ops.knex))[0].resolved_ms).not.toBeNull();
  });
});
