import { startJiraSimulator } from './index';
import { simClient, TEST_NOW } from './testSupport';

describe('speed', () => {
  it('generates 100,000 issues with long-tail histories in seconds and serves a 100-issue page in milliseconds', async () => {
    const started = Date.now();
    const sim = await startJiraSimulator({ issues: 100_000, clock: { startMs: TEST_NOW, frozen: true } });
    const generationMs = Date.now() - started;
    try {
      const client = simClient(sim);
      const jql = 'project in (ALPHA, BETA) ORDER BY updated ASC, key ASC';
      let t = Date.now();
      const first = await client.post('/rest/api/3/search/jql', { jql, maxResults: 100, fields: ['*all'], expand: 'changelog' });
      expect(first.body.issues).toHaveLength(100);
      const firstMs = Date.now() - t;
      const pageTimes: number[] = [];
      let token = first.body.nextPageToken;
      for (let i = 0; i < 5; i++) {
        t = Date.now();
        const page = await client.post('/rest/api/3/search/jql', { jql, maxResults: 100, fields: ['*all'], expand: 'changelog', nextPageToken: token });
        pageTimes.push(Date.now() - t);
        expect(page.body.issues).toHaveLength(100);
        token = page.body.nextPageToken;
      }
      t = Date.now();
      const ids = await client.post('/rest/api/3/search/jql', { jql, maxResults: 5000, nextPageToken: token });
      const idPageMs = Date.now() - t;
      expect(ids.body.issues).toHaveLength(5000);
      const median = [...pageTimes].sort((a, b) => a - b)[2];
      // eslint-disable-next-line no-console
      console.log(`100k issues generated in ${generationMs} ms; *all+changelog 100-issue pages ${pageTimes.join(', ')} ms after a first page of ${firstMs} ms (full scan and sort); 5000-id page ${idPageMs} ms`);
      expect(generationMs).toBeLessThan(20_000); // A guard, not a benchmark.
      expect(median).toBeLessThan(500);
    } finally {
      await sim.close();
    }
  });
});
