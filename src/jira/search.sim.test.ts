import { startJiraSimulator, type JiraSimulator } from '../../dev/simulator';
import { parseJiraTimestamp } from './time';
import { FIELDS, simClient } from './simTestSupport';

/** A seeded pick, so a failure replays. */
function picker(seed: number) {
  let s = seed;
  return <T>(items: T[]): T => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return items[s % items.length];
  };
}

describe.each(['cloud', 'datacenter'] as const)('searchIssues on %s', deployment => {
  let sim: JiraSimulator;
  afterEach(async () => sim?.close());

  it('pages over thousands of issues with edits between pages: nothing lost, no version twice', async () => {
    sim = await startJiraSimulator({ seed: 21, projects: 3, issues: 3000, historyShape: 'small', deployment });
    const { client } = simClient(sim);
    const projects = sim.data.projects();
    const jql = `project in (${projects.join(', ')}) ORDER BY updated ASC, key ASC`;
    const pick = picker(7);
    const deliveries = new Map<string, Array<{ updated: number; summary: unknown }>>();
    const editedDuring = new Set<string>();
    let pages = 0;
    const allIds = sim.data.all().map(i => i.id);

    for await (const page of client.searchIssues({ jql, fields: FIELDS, pageSize: 100 })) {
      pages++;
      for (const issue of page.issues) {
        const list = deliveries.get(issue.id) ?? [];
        list.push({ updated: parseJiraTimestamp(issue.fields.updated as string), summary: issue.fields.summary });
        deliveries.set(issue.id, list);
      }
      if (page.isLast) break;
      // Between pages, people edit: two issues already read, two not yet read.
      sim.clock.advance(1000);
      const read = allIds.filter(id => deliveries.has(id));
      const unread = allIds.filter(id => !deliveries.has(id));
      for (const id of [pick(read), pick(read), ...(unread.length ? [pick(unread), pick(unread)] : [])]) {
        sim.data.updateIssue(id, { summary: `edited after page ${pages}` });
        editedDuring.add(id);
      }
    }

    const truth = sim.truth();
    expect(pages).toBeGreaterThanOrEqual(30);
    expect(editedDuring.size).toBeGreaterThan(50);
    for (const issue of truth) {
      const seen = deliveries.get(issue.id);
      expect(seen).toBeDefined(); // nothing lost
      const versions = seen!.map(s => s.updated);
      // A version is never delivered twice; a newer one may follow an edit.
      for (let i = 1; i < versions.length; i++) expect(versions[i]).toBeGreaterThan(versions[i - 1]);
      expect(seen!.length === 1 || editedDuring.has(issue.id)).toBe(true);
    }
    expect(deliveries.size).toBe(truth.length);
    // Edits to issues not yet read arrive in their edited version, read once.
    const lastSummary = new Map([...deliveries].map(([id, list]) => [id, list[list.length - 1].summary]));
    const editedUnreadFirst = truth.filter(i => editedDuring.has(i.id) && deliveries.get(i.id)!.length === 1);
    expect(editedUnreadFirst.length).toBeGreaterThan(0);
    for (const issue of editedUnreadFirst) expect(lastSummary.get(issue.id)).toBe(issue.fields.summary);
  });

  it('lists every id for the deletion census', async () => {
    sim = await startJiraSimulator({ seed: 22, projects: 2, issues: 2500, historyShape: 'small', deployment });
    const { client } = simClient(sim);
    const ids: string[] = [];
    for await (const batch of client.searchIds({ jql: `project in (${sim.data.projects().join(', ')})` })) ids.push(...batch);
    expect(ids.sort()).toEqual(sim.truth().map(t => t.id).sort());
    // Census pages are large: 5000 ids a page on Cloud, 1000 on Data Center.
    const searches = sim.requestLog.entries().filter(e => e.endpoint.includes('search'));
    expect(searches.length).toBe(deployment === 'cloud' ? 1 : 3);
  });
});

describe('Data Center past the result window', () => {
  it('moves a JQL bound instead of the offset, so no page asks beyond the window', async () => {
    const sim = await startJiraSimulator({ seed: 23, projects: 2, issues: 2600, historyShape: 'small', deployment: 'datacenter', resultWindow: 1000 });
    try {
      const { client } = simClient(sim);
      const seen = new Map<string, number>();
      for await (const page of client.searchIssues({ jql: `project in (${sim.data.projects().join(', ')}) ORDER BY updated ASC, key ASC`, fields: ['summary'], pageSize: 100 })) {
        for (const issue of page.issues) seen.set(issue.id, (seen.get(issue.id) ?? 0) + 1);
      }
      expect(seen.size).toBe(2600);
      expect([...seen.values()].every(n => n === 1)).toBe(true);
      const searches = sim.requestLog.entries().filter(e => e.endpoint === 'POST /rest/api/2/search');
      expect(searches.every(e => e.status === 200)).toBe(true);
      // Full pages despite the one-issue overlap: ceil(2600 / 100) searches.
      expect(searches).toHaveLength(26);

      // Ids too, at 1000 a page: past the window of 1000 at once.
      const ids: string[] = [];
      for await (const batch of client.searchIds({ jql: `project in (${sim.data.projects().join(', ')})` })) ids.push(...batch);
      expect(new Set(ids).size).toBe(2600);
    } finally {
      await sim.close();
    }
  });
});
