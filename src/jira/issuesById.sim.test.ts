import { startJiraSimulator, type JiraSimulator } from '../../dev/simulator';
import { FIELDS, simClient } from './simTestSupport';

jest.setTimeout(120_000);

describe('getIssues on Data Center', () => {
  let sim: JiraSimulator;
  afterEach(async () => {
    await sim?.close();
  });

  it('fetches many ids a few at a time: other work of the instance is served meanwhile, and every issue arrives once', async () => {
    sim = await startJiraSimulator({ deployment: 'datacenter', issues: 120, historyShape: 'small', latency: { fixedMs: 2, perIssueMs: 0 } });
    const { client } = simClient(sim, { deployment: 'datacenter' });
    await client.fields(); // The catalogue (deployment, API base) is read before the count starts.
    const ids = sim.data.all().map(i => i.id);
    sim.requestLog.clear();
    const fetching = client.getIssues([...ids, '999999'], { fields: FIELDS });
    // Another caller on the same instance, once the fetch is under way.
    while (!sim.requestLog.entries().length) await new Promise(r => setTimeout(r, 1));
    await client.searchIds({ jql: 'project = ALPHA' })[Symbol.asyncIterator]().next();
    const issues = await fetching;

    expect(issues.map(i => String(i.id)).sort()).toEqual([...ids].sort());
    const log = sim.requestLog.entries();
    const searchAt = log.findIndex(e => e.endpoint.includes('/search'));
    expect(log.filter(e => e.endpoint.includes('/issue/'))).toHaveLength(ids.length + 1);
    // Queued behind at most the few requests in flight, not behind all 121.
    expect(searchAt).toBeGreaterThan(-1);
    expect(searchAt).toBeLessThan(30);
  });
});
