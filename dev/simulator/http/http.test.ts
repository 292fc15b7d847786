import { startJiraSimulator, type JiraSimulator } from '../index';
import { parseJiraTimestamp } from '../data/time';
import { simClient, TEST_NOW } from '../testSupport';

describe('Cloud search/jql paging', () => {
  let sim: JiraSimulator;
  beforeEach(async () => {
    sim = await startJiraSimulator({ issues: 300, historyShape: 'small', clock: { startMs: TEST_NOW, frozen: true } });
  });
  afterEach(() => sim.close());

  it('loses and repeats no untouched issue while issues are edited between pages', async () => {
    const client = simClient(sim);
    const jql = 'project in (ALPHA, BETA, GAMMA) ORDER BY updated ASC, key ASC';
    const expected = new Set(sim.data.all().map(i => i.id));
    const edited = new Set<string>();
    const seen: string[] = [];
    let token: string | undefined;
    let page = 0;
    do {
      const response = await client.post('/rest/api/3/search/jql', { jql, maxResults: 25, fields: ['key', 'updated'], nextPageToken: token });
      expect(response.status).toBe(200);
      expect(response.body).not.toHaveProperty('total');
      seen.push(...response.body.issues.map((i: any) => i.id));
      token = response.body.nextPageToken;
      expect(response.body.isLast).toBe(token === undefined);
      // Between pages: edit issues already read (they move to the end) and some not read yet.
      sim.clock.advance(60_000);
      const all = sim.data.all();
      for (const victim of [all[(page * 7) % all.length], all[(page * 13 + 150) % all.length]]) {
        sim.data.updateIssue(victim.id, { summary: `edit ${page}` });
        edited.add(victim.id);
      }
      page++;
    } while (token);
    for (const id of expected) {
      const times = seen.filter(s => s === id).length;
      if (edited.has(id)) expect(times).toBeGreaterThanOrEqual(1); // may legitimately come again after the cursor
      else expect(times).toBe(1);
    }
  });

  it('offset paging would have lost issues in the same situation (the trap the token avoids)', async () => {
    // The same edits applied to a plain sorted list read by offsets drop issues: the token path must not.
    const ids = sim.data.all().map(i => i.id);
    const client = simClient(sim);
    const first = await client.post('/rest/api/3/search/jql', { jql: 'project = ALPHA ORDER BY updated ASC', maxResults: 10 });
    const firstIds = first.body.issues.map((i: any) => i.id);
    sim.clock.advance(60_000);
    for (const id of firstIds.slice(0, 5)) sim.data.updateIssue(id, { summary: 'moved to the end' });
    const second = await client.post('/rest/api/3/search/jql', { jql: 'project = ALPHA ORDER BY updated ASC', maxResults: 10, nextPageToken: first.body.nextPageToken });
    const everything = await client.post('/rest/api/3/search/jql', { jql: 'project = ALPHA ORDER BY updated ASC', maxResults: 100 });
    const byOffset = everything.body.issues.slice(10, 20).map((i: any) => i.id);
    expect(second.body.issues.map((i: any) => i.id)).not.toEqual(byOffset);
    expect(second.body.issues.map((i: any) => i.id)).toEqual(everything.body.issues.slice(5, 15).map((i: any) => i.id));
    expect(ids.length).toBe(300);
  });

  it('defaults to ids only and caps maxResults: 5000 for ids, 100 with fields', async () => {
    const client = simClient(sim);
    const ids = await client.get('/rest/api/3/search/jql?jql=project%20in%20(ALPHA,BETA,GAMMA)&maxResults=6000');
    expect(ids.body.issues).toHaveLength(300);
    expect(Object.keys(ids.body.issues[0])).toEqual(['id']);
    const keys = await client.get('/rest/api/3/search/jql?jql=project%3DALPHA&fields=key&maxResults=2');
    expect(Object.keys(keys.body.issues[0]).sort()).toEqual(['id', 'key']);
    const full = await client.post('/rest/api/3/search/jql', { jql: 'project in (ALPHA, BETA)', fields: ['*all'], maxResults: 500 });
    expect(full.body.issues).toHaveLength(100);
    expect(full.body.isLast).toBe(false);
    const dflt = await client.post('/rest/api/3/search/jql', { jql: 'project in (ALPHA, BETA)' });
    expect(dflt.body.issues).toHaveLength(50);
  });

  it('fields: *navigable leaves comments out, -field excludes, several fields params add up', async () => {
    const client = simClient(sim);
    const fieldsOf = async (query: string) => Object.keys((await client.get(`/rest/api/3/search/jql?jql=key%3DALPHA-1&${query}`)).body.issues[0].fields ?? {});
    expect(await fieldsOf('fields=*all')).toContain('comment');
    expect(await fieldsOf('fields=*navigable')).not.toContain('comment');
    const excluded = await fieldsOf('fields=*all,-comment,-description');
    expect(excluded).toContain('summary');
    expect(excluded).not.toContain('comment');
    expect(excluded).not.toContain('description');
    expect((await fieldsOf('fields=summary&fields=status')).sort()).toEqual(['status', 'summary']);
  });

  it('rejects a token used with another query', async () => {
    const client = simClient(sim);
    const first = await client.post('/rest/api/3/search/jql', { jql: 'project = ALPHA', maxResults: 1 });
    const misuse = await client.post('/rest/api/3/search/jql', { jql: 'project = BETA', nextPageToken: first.body.nextPageToken });
    expect(misuse.status).toBe(400);
    expect((await client.post('/rest/api/3/search/jql', { jql: 'project = BETA', nextPageToken: 'garbage!' })).status).toBe(400);
  });
});

describe('changelogs', () => {
  let sim: JiraSimulator;
  beforeAll(async () => {
    sim = await startJiraSimulator({ issues: 60, seed: 3, clock: { startMs: TEST_NOW, frozen: true } });
    // One issue with a long history of its own on top of the generated ones.
    for (let i = 0; i < 130; i++) sim.data.updateIssue('ALPHA-2', { summary: `revision ${i}` });
  });
  afterAll(() => sim.close());

  it('search embeds at most the 40 newest histories, newest first, with the real total', async () => {
    const truth = sim.truth().find(t => t.key === 'ALPHA-2')!;
    const response = await simClient(sim).post('/rest/api/3/search/jql', { jql: 'key = ALPHA-2', fields: ['summary'], expand: 'changelog' });
    const changelog = response.body.issues[0].changelog;
    expect(truth.histories.length).toBeGreaterThan(130);
    expect(changelog).toMatchObject({ startAt: 0, maxResults: 40, total: truth.histories.length });
    expect(changelog.histories).toHaveLength(40);
    expect(changelog.histories.map((h: any) => h.id)).toEqual(truth.histories.slice(-40).reverse().map(h => h.id));
  });

  it('issue changelog pages (≤100, oldest first) add up to the complete changelog', async () => {
    const client = simClient(sim);
    for (const truth of sim.truth().filter(t => t.histories.length > 100 || t.key === 'ALPHA-5')) {
      const got: any[] = [];
      let startAt = 0;
      for (;;) {
        const page = await client.get(`/rest/api/3/issue/${truth.key}/changelog?startAt=${startAt}&maxResults=1000`);
        expect(page.body.maxResults).toBe(100);
        expect(page.body.total).toBe(truth.histories.length);
        got.push(...page.body.values);
        if (page.body.isLast) break;
        startAt += page.body.values.length;
      }
      expect(got).toEqual(truth.histories);
    }
  });

  it('changelog/bulkfetch pages across issues by history count and returns everything, oldest first', async () => {
    const client = simClient(sim);
    const truth = sim.truth();
    const ids = truth.map(t => t.id);
    const got = new Map<string, any[]>();
    let token: string | undefined;
    let pages = 0;
    do {
      const response = await client.post('/rest/api/3/changelog/bulkfetch', { issueIdsOrKeys: ids, maxResults: 97, nextPageToken: token });
      expect(response.status).toBe(200);
      const count = response.body.issueChangeLogs.reduce((n: number, l: any) => n + l.changeHistories.length, 0);
      expect(count).toBeLessThanOrEqual(97);
      for (const log of response.body.issueChangeLogs) got.set(log.issueId, [...(got.get(log.issueId) ?? []), ...log.changeHistories]);
      token = response.body.nextPageToken;
      pages++;
    } while (token);
    const total = truth.reduce((n, t) => n + t.histories.length, 0);
    expect(pages).toBe(Math.ceil(total / 97));
    for (const t of truth) expect(got.get(t.id) ?? []).toEqual(t.histories);
  });

  it('histories look like Jira: increasing unique ids, ordered timestamps with -0800 style offsets, nulls in from/to', () => {
    const all = sim.truth().flatMap(t => t.histories);
    const ids = all.map(h => Number(h.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const t of sim.truth()) {
      for (let i = 1; i < t.histories.length; i++) {
        expect(Number(t.histories[i].id)).toBeGreaterThan(Number(t.histories[i - 1].id));
        expect(parseJiraTimestamp(t.histories[i].created)).toBeGreaterThan(parseJiraTimestamp(t.histories[i - 1].created));
      }
    }
    expect(all.every(h => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}-0[78]00$/.test(h.created))).toBe(true);
    const items = all.flatMap(h => h.items);
    expect(items.some(i => i.from === null && i.to === null)).toBe(true);
    expect(items.some(i => i.field === 'status' && i.from && i.to)).toBe(true);
  });
});

describe('Data Center REST v2', () => {
  let sim: JiraSimulator;
  beforeAll(async () => {
    sim = await startJiraSimulator({ deployment: 'datacenter', issues: 90, historyShape: 'small', resultWindow: 60, clock: { startMs: TEST_NOW, frozen: true } });
  });
  afterAll(() => sim.close());

  it('pages by startAt with a total, navigable fields by default, and refuses to page past the result window', async () => {
    const client = simClient(sim);
    const first = await client.get('/rest/api/2/search?jql=project%20in%20(ALPHA,BETA,GAMMA)%20ORDER%20BY%20key&maxResults=25');
    expect(first.body).toMatchObject({ startAt: 0, maxResults: 25, total: 90 });
    expect(first.body.issues[0].fields).toHaveProperty('summary');
    expect(first.body.issues[0].fields).not.toHaveProperty('comment');
    const seen: string[] = [];
    for (let startAt = 0; startAt + 20 <= 60; startAt += 20) {
      const page = await client.post('/rest/api/2/search', { jql: 'project in (ALPHA, BETA, GAMMA) ORDER BY key', startAt, maxResults: 20, fields: ['key'] });
      seen.push(...page.body.issues.map((i: any) => i.id));
    }
    expect(new Set(seen).size).toBe(60);
    const beyond = await client.post('/rest/api/2/search', { jql: 'project in (ALPHA, BETA, GAMMA)', startAt: 60, maxResults: 20 });
    expect(beyond.status).toBe(400);
    expect(beyond.body.errorMessages[0]).toMatch(/Search limit exceeded/);
    expect((await client.post('/rest/api/2/search', { jql: 'project = ALPHA', startAt: 50, maxResults: 20 })).status).toBe(400);
    const capped = await client.post('/rest/api/2/search', { jql: 'project = ALPHA', maxResults: 5000, fields: ['key'] });
    expect(capped.status).toBe(400); // 0 + 1000 is past this simulator's window of 60
  });

  it('issue?expand=changelog returns the full changelog, oldest first, DC-shaped users', async () => {
    for (let i = 0; i < 120; i++) sim.data.updateIssue('BETA-1', { summary: `dc ${i}` });
    const truth = sim.truth().find(t => t.key === 'BETA-1')!;
    const issue = await simClient(sim).get('/rest/api/2/issue/BETA-1?expand=changelog');
    expect(issue.body.changelog.total).toBe(truth.histories.length);
    expect(issue.body.changelog.histories).toEqual(truth.histories);
    expect(issue.body.changelog.histories[0].author).toMatchObject({ name: expect.any(String), key: expect.stringMatching(/^JIRAUSER/) });
    expect(issue.body.changelog.histories[0].author).not.toHaveProperty('accountId');
    expect(typeof issue.body.fields.description === 'string' || issue.body.fields.description === null).toBe(true);
  });

  it('myself, serverInfo, field in DC shape; Cloud-only endpoints 404; PAT auth', async () => {
    const client = simClient(sim);
    const me = await client.get('/rest/api/2/myself');
    expect(me.body).toMatchObject({ name: 'sync-bot', key: expect.any(String), timeZone: 'America/Los_Angeles' });
    expect((await client.get('/rest/api/2/serverInfo')).body.deploymentType).toBe('Server');
    expect((await client.get('/rest/api/2/field')).body.length).toBeGreaterThan(20);
    for (const [method, path] of [['POST', '/rest/api/3/search/jql'], ['POST', '/rest/api/2/search/jql'], ['POST', '/rest/api/2/changelog/bulkfetch'], ['GET', '/rest/api/2/issue/ALPHA-1/changelog'], ['GET', '/rest/api/3/myself']]) {
      const response = method === 'POST' ? await client.post(path, { jql: 'project = ALPHA', issueIdsOrKeys: ['ALPHA-1'] }) : await client.get(path);
      expect([path, response.status]).toEqual([path, 404]);
    }
    expect((await simClient(sim, 'Bearer wrong').get('/rest/api/2/myself')).status).toBe(401);
    sim.auth.expireTokenAt(sim.credentials.pat, TEST_NOW + 1000);
    expect((await client.get('/rest/api/2/myself')).status).toBe(200);
    sim.clock.advance(1000);
    const expired = await client.get('/rest/api/2/myself');
    expect(expired.status).toBe(401);
    expect(expired.body.errorMessages[0]).toMatch(/expired/);
  });
});

describe('issues, bulkfetch and moves', () => {
  it('a moved issue keeps its id; old keys resolve in issue GET, bulkfetch and JQL; the move is in the changelog', async () => {
    const sim = await startJiraSimulator({ issues: 30, historyShape: 'small', clock: { startMs: TEST_NOW, frozen: true } });
    try {
      const client = simClient(sim);
      const before = sim.data.get('ALPHA-1')!;
      const moved = sim.data.moveIssue('ALPHA-1', 'GAMMA');
      expect(moved.id).toBe(before.id);
      expect(moved.key).not.toBe('ALPHA-1');
      expect((await client.get('/rest/api/3/issue/ALPHA-1')).body.key).toBe(moved.key);
      const bulk = await client.post('/rest/api/3/issue/bulkfetch', { issueIdsOrKeys: ['ALPHA-1', moved.id, 'ALPHA-999'], fields: ['summary'] });
      expect(bulk.body.issues.map((i: any) => i.key)).toEqual([moved.key]);
      expect((await client.post('/rest/api/3/search/jql', { jql: 'key = ALPHA-1', fields: ['key'] })).body.issues[0].key).toBe(moved.key);
      const last = (await client.get(`/rest/api/3/issue/${moved.id}/changelog`)).body.values.at(-1);
      expect(last.items).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'Key', fieldtype: 'jira', fromString: 'ALPHA-1', toString: moved.key }), expect.objectContaining({ field: 'project', fromString: 'ALPHA', toString: 'GAMMA' })]),
      );
      expect((await client.post('/rest/api/3/issue/bulkfetch', { issueIdsOrKeys: Array.from({ length: 101 }, (_, i) => String(i)) })).status).toBe(400);
    } finally {
      await sim.close();
    }
  });
});
