import { createJiraClient } from './client';
import { json, startTestServer } from './testServer';
import { instanceConfig } from '../../test/support/factories';

const quiet = { info() {}, warn() {}, error() {}, debug() {} };
const JIRA_NOW = Date.UTC(2026, 5, 1, 8, 0, 0);

async function firstPage(url: string, deployment: 'cloud' | 'datacenter') {
  const client = createJiraClient({ config: instanceConfig({ name: 'acme', baseUrl: url, deployment }), logger: quiet });
  for await (const page of client.searchIssues({ jql: 'project = A ORDER BY updated ASC', fields: ['summary'] })) return page;
  throw new Error('no page');
}

describe.each(['cloud', 'datacenter'] as const)('Jira’s clock on the first search page (%s)', deployment => {
  it('comes from the response’s Date header, months away from this machine’s clock', async () => {
    const server = await startTestServer((_req, res) => {
      res.setHeader('Date', new Date(JIRA_NOW).toUTCString());
      json(res, 200, { issues: [], isLast: true, startAt: 0, maxResults: 50, total: 0 });
    });
    try {
      const page = await firstPage(server.url, deployment);
      expect(page.searchedAtJiraMs).toBeLessThanOrEqual(JIRA_NOW);
      expect(page.searchedAtJiraMs).toBeGreaterThan(JIRA_NOW - 2_000);
      expect(server.seen).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it('comes from serverInfo.serverTime when the response has no Date header', async () => {
    const server = await startTestServer((req, res) => {
      res.sendDate = false;
      if (req.path.includes('serverInfo')) return json(res, 200, { serverTime: '2026-06-01T10:00:00.000+0200' });
      return json(res, 200, { issues: [], isLast: true, startAt: 0, maxResults: 50, total: 0 });
    });
    try {
      const page = await firstPage(server.url, deployment);
      expect(page.searchedAtJiraMs).toBeLessThanOrEqual(JIRA_NOW);
      expect(page.searchedAtJiraMs).toBeGreaterThan(JIRA_NOW - 2_000);
      expect(server.seen.map(r => r.path)).toEqual([expect.stringMatching(/search/), '/rest/api/2/serverInfo']);
    } finally {
      await server.close();
    }
  });
});
