import { SimData } from './data/store';
import { startJiraSimulator } from './index';
import { simClient, TEST_NOW } from './testSupport';

/* eslint-disable no-console */

describe('speed', () => {
  it('generates 100,000 issues with long-tail histories in seconds and serves a 100-issue page in milliseconds', async () => {
    const started = Date.now();
    const sim = await startJiraSimulator({ issues: 100_000, clock: { startMs: TEST_NOW, frozen: true } });
    const generationMs = Date.now() - started;
    try {
      const client = simClient(sim);
      const jql = 'project in (ALPHA, BETA) ORDER BY updated ASC, key ASC';
      const fields = ['summary', 'status', 'assignee', 'priority', 'updated', 'created', 'labels'];
      let t = Date.now();
      const first = await client.post('/rest/api/3/search/jql', { jql, maxResults: 100, fields });
      const firstMs = Date.now() - t;
      expect(first.body.issues).toHaveLength(100);
      const pageTimes: number[] = [];
      let token = first.body.nextPageToken;
      for (let i = 0; i < 5; i++) {
        t = Date.now();
        const page = await client.post('/rest/api/3/search/jql', { jql, maxResults: 100, fields, nextPageToken: token });
        pageTimes.push(Date.now() - t);
        expect(page.body.issues).toHaveLength(100);
        token = page.body.nextPageToken;
      }
      t = Date.now();
      const heavy = await client.post('/rest/api/3/search/jql', { jql, maxResults: 100, fields: ['*all'], expand: 'changelog', nextPageToken: token });
      const heavyMs = Date.now() - t;
      expect(heavy.body.issues).toHaveLength(25);
      t = Date.now();
      const ids = await client.post('/rest/api/3/search/jql', { jql, maxResults: 5000, nextPageToken: heavy.body.nextPageToken });
      const idPageMs = Date.now() - t;
      expect(ids.body.issues).toHaveLength(5000);
      const median = [...pageTimes].sort((a, b) => a - b)[2];
      console.log(
        `100k issues generated in ${generationMs} ms; 100-issue pages (7 fields) ${pageTimes.join(', ')} ms after a first page of ${firstMs} ms (full scan and sort); ` +
          `25-issue *all+changelog page ${heavyMs} ms; 5000-id page ${idPageMs} ms`,
      );
      expect(generationMs).toBeLessThan(30_000); // A guard, not a benchmark.
      expect(median).toBeLessThan(2_000);
    } finally {
      await sim.close();
    }
  });

  it('histories have a long tail on 20,000 issues: most a few, ~5% hundreds, a few over a thousand', () => {
    const data = new SimData({ seed: 1, projects: 3, issues: 20_000, historyShape: 'longTail', nowMs: TEST_NOW }, () => TEST_NOW);
    const counts = data.live().map(issue => data.historyCountOf(issue));
    const share = (test: (n: number) => boolean) => counts.filter(test).length / counts.length;
    const sorted = [...counts].sort((a, b) => a - b);
    console.log(
      `20k issues: median ${sorted[10_000]} histories, p95 ${sorted[19_000]}, max ${sorted.at(-1)}; ` +
        `${(share(n => n <= 12) * 100).toFixed(1)}% ≤12, ${(share(n => n > 100) * 100).toFixed(1)}% >100, ${counts.filter(n => n > 1000).length} issues >1000`,
    );
    expect(share(n => n <= 12)).toBeGreaterThan(0.9);
    expect(share(n => n >= 100 && n <= 1000)).toBeGreaterThan(0.02);
    expect(share(n => n >= 100 && n <= 1000)).toBeLessThan(0.08);
    expect(counts.filter(n => n > 1000).length).toBeGreaterThanOrEqual(10);
    expect(share(n => n > 1000)).toBeLessThan(0.01);
    // Counts are what the changelog really holds: spot-check one of the longest.
    const longest = data.live().find(issue => data.historyCountOf(issue) === sorted.at(-1))!;
    expect(data.histories(longest)).toHaveLength(sorted.at(-1)!);
  });
});
