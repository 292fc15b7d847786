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
      // An edited issue may legitimately come again after the cursor; any other comes exactly once.
      expect(edited.has(id) ? times >= 1 : times === 1).toBe(true);
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

  it('binds POST bodies like Jira: scalars coerce, but expand must be a string on search/jql and an array on bulkfetch', async () => {
    const client = simClient(sim);
    const search = (body: Record<string, unknown>) => client.post('/rest/api/3/search/jql', { jql: 'project = ALPHA', ...body });
    expect((await search({ expand: 'changelog', fields: ['summary'], maxResults: '5' })).body.issues).toHaveLength(5);
    for (const wrong of [{ expand: ['changelog'] }, { fields: 'summary,status' }, { maxResults: 'many' }, { jql: ['project = ALPHA'] }, { reconcileIssues: ['ALPHA-1'] }]) {
      const response = await search(wrong);
      expect([wrong, response.status]).toEqual([wrong, 400]);
      expect(response.body.errorMessages[0]).toMatch(/^Invalid request payload/);
    }
    expect((await client.post('/rest/api/3/issue/bulkfetch', { issueIdsOrKeys: ['ALPHA-1'], expand: ['changelog'] })).body.issues[0].changelog).toBeDefined();
    expect((await client.post('/rest/api/3/issue/bulkfetch', { issueIdsOrKeys: ['ALPHA-1'], expand: 'changelog' })).status).toBe(400);
    expect((await client.post('/rest/api/3/issue/bulkfetch', { issueIdsOrKeys: 'ALPHA-1' })).status).toBe(400);
    expect((await client.post('/rest/api/3/changelog/bulkfetch', { issueIdsOrKeys: ['ALPHA-1'], maxResults: '10' })).status).toBe(200);
    expect((await client.post('/rest/api/3/changelog/bulkfetch', { issueIdsOrKeys: ['ALPHA-1'], fieldIds: 'status' })).status).toBe(400);
  });

  it('rejects a token used with another query, a forged one, and one older than 7 days', async () => {
    const client = simClient(sim);
    const first = await client.post('/rest/api/3/search/jql', { jql: 'project = ALPHA', maxResults: 1 });
    const misuse = await client.post('/rest/api/3/search/jql', { jql: 'project = BETA', nextPageToken: first.body.nextPageToken });
    expect(misuse.status).toBe(400);
    expect((await client.post('/rest/api/3/search/jql', { jql: 'project = BETA', nextPageToken: 'garbage!' })).status).toBe(400);
    // Tokens live 7 days.
    sim.clock.advance(7 * 86_400_000);
    expect((await client.post('/rest/api/3/search/jql', { jql: 'project = ALPHA', nextPageToken: first.body.nextPageToken })).status).toBe(200);
    sim.clock.advance(1);
    const expired = await client.post('/rest/api/3/search/jql', { jql: 'project = ALPHA', nextPageToken: first.body.nextPageToken });
    expect(expired.status).toBe(400);
    expect(expired.body.errorMessages[0]).toMatch(/expired/);
  });
});

describe('Cloud search/jql over a few thousand issues', () => {
  let sim: JiraSimulator;
  beforeAll(async () => {
    sim = await startJiraSimulator({ issues: 6000, historyShape: 'small', clock: { startMs: TEST_NOW, frozen: true } });
  });
  afterAll(() => sim.close());
  const jql = 'project in (ALPHA, BETA, GAMMA) ORDER BY updated ASC, key ASC';

  it('defaults to ids only and caps maxResults: 5000 ids; 100 with a few fields; 50 with *all, many fields or changelogs; 25 with both', async () => {
    const client = simClient(sim);
    const size = async (body: Record<string, unknown>) => {
      const page = await client.post('/rest/api/3/search/jql', { jql, maxResults: 10_000, ...body });
      expect(page.status).toBe(200);
      expect(page.body.isLast).toBe(false);
      expect(page.body.nextPageToken).toEqual(expect.any(String));
      return page.body.issues.length;
    };
    const ids = await client.post('/rest/api/3/search/jql', { jql, maxResults: 10_000 });
    expect(ids.body.issues).toHaveLength(5000);
    expect(ids.body.issues.every((i: any) => Object.keys(i).join() === 'id')).toBe(true);
    expect(await size({ fields: ['key'] })).toBe(5000);
    expect(await size({ fields: ['summary', 'status', 'updated'] })).toBe(100);
    expect(await size({ fields: ['*all'] })).toBe(50);
    expect(await size({ fields: ['*navigable'] })).toBe(50);
    expect(await size({ fields: ['summary', 'status', 'assignee', 'reporter', 'priority', 'labels', 'components', 'fixVersions', 'created', 'updated', 'resolution', 'resolutiondate', 'issuetype', 'project', 'parent', 'description', 'issuelinks', 'subtasks', 'customfield_10016', 'customfield_10020', 'customfield_10001'] })).toBe(50);
    expect(await size({ fields: ['summary'], expand: 'changelog' })).toBe(50);
    expect(await size({ fields: ['*all'], expand: 'changelog' })).toBe(25);
    // Without maxResults: 50, whatever the cap.
    expect((await client.post('/rest/api/3/search/jql', { jql })).body.issues).toHaveLength(50);
  });

  it('the token path loses and repeats no untouched issue while issues are edited, created and deleted between pages', async () => {
    const client = simClient(sim);
    const allIds = sim.data.all().map(i => i.id);
    const expected = new Set(allIds);
    const touched = new Set<string>();
    const deleted = new Set<string>();
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const response = await client.post('/rest/api/3/search/jql', { jql, maxResults: 100, fields: ['key', 'updated'], nextPageToken: token });
      expect(response.status).toBe(200);
      expect(response.body).not.toHaveProperty('total');
      expect(response.body).not.toHaveProperty('startAt');
      seen.push(...response.body.issues.map((i: any) => i.id));
      token = response.body.nextPageToken;
      // isLast and nextPageToken agree: a token on every page but the last.
      expect(response.body.isLast).toBe(token === undefined);
      // Between pages: edit issues already read (they move behind the cursor) and some not read yet.
      sim.clock.advance(60_000);
      const pick = (n: number) => allIds[n % allIds.length];
      for (const victim of [pick(pages * 37), pick(pages * 53 + 3000), pick(pages * 11 + 5000)]) {
        if (deleted.has(victim)) continue;
        sim.data.updateIssue(victim, { summary: `edit ${pages}` });
        touched.add(victim);
      }
      if (pages % 10 === 5) touched.add(sim.data.createIssue({ project: 'GAMMA' }).id);
      if (pages % 10 === 7 && !deleted.has(pick(pages * 101))) {
        const gone = sim.data.get(pick(pages * 101))!;
        sim.data.deleteIssue(gone.id);
        for (const id of [gone.id, ...(gone.fields.subtasks as Array<{ id: string }>).map(sub => sub.id)]) {
          touched.add(id);
          deleted.add(id);
        }
      }
      pages++;
    } while (token);
    expect(pages).toBeGreaterThanOrEqual(60);
    const times = new Map<string, number>();
    for (const id of seen) times.set(id, (times.get(id) ?? 0) + 1);
    const wrong = [...expected].filter(id => !touched.has(id) && times.get(id) !== 1);
    expect(wrong).toEqual([]);
    // Edited issues still present were not lost either: they come at least once.
    expect([...touched].filter(id => expected.has(id) && !deleted.has(id) && !times.has(id))).toEqual([]);
    expect(deleted.size).toBeGreaterThan(0);
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

  it('changelog/bulkfetch fieldIds keeps only histories with items of those fields, and only those items', async () => {
    const client = simClient(sim);
    const truth = sim.truth();
    const ids = truth.map(t => t.id);
    const got = new Map<string, any[]>();
    let token: string | undefined;
    do {
      const response = await client.post('/rest/api/3/changelog/bulkfetch', { issueIdsOrKeys: ids, fieldIds: ['status', 'assignee'], maxResults: 500, nextPageToken: token });
      expect(response.status).toBe(200);
      for (const log of response.body.issueChangeLogs) got.set(log.issueId, [...(got.get(log.issueId) ?? []), ...log.changeHistories]);
      token = response.body.nextPageToken;
    } while (token);
    let histories = 0;
    for (const t of truth) {
      const wanted = t.histories
        .map(h => ({ ...h, items: h.items.filter((i: any) => i.fieldId === 'status' || i.fieldId === 'assignee') }))
        .filter(h => h.items.length);
      histories += wanted.length;
      expect(got.get(t.id) ?? []).toEqual(wanted);
    }
    expect(histories).toBeGreaterThan(100);
    const tooMany = await client.post('/rest/api/3/changelog/bulkfetch', { issueIdsOrKeys: ids, fieldIds: Array.from({ length: 11 }, (_, i) => `customfield_${i}`) });
    expect(tooMany.status).toBe(400);
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

  it('the default result window is 10,000: startAt beyond it is a 400 however few issues match', async () => {
    const dc = await startJiraSimulator({ deployment: 'datacenter', issues: 20, historyShape: 'small', clock: { startMs: TEST_NOW, frozen: true } });
    try {
      const client = simClient(dc);
      const edge = await client.get('/rest/api/2/search?jql=project%3DALPHA&startAt=9950&maxResults=50');
      expect(edge.status).toBe(200);
      expect(edge.body).toMatchObject({ startAt: 9950, total: 7, issues: [] });
      for (const [startAt, maxResults] of [[9951, 50], [10_000, 1], [10_001, 50], [20_000, 10]]) {
        const beyond = await client.post('/rest/api/2/search', { jql: 'project = ALPHA', startAt, maxResults });
        expect([startAt, beyond.status]).toEqual([startAt, 400]);
        expect(beyond.body).toEqual({ errorMessages: [expect.stringMatching(/^Search limit exceeded/)], errors: {} });
      }
    } finally {
      await dc.close();
    }
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
  it('a deleted issue is gone everywhere: search, count, GET, changelog, bulkfetch, changelog bulkfetch', async () => {
    const sim = await startJiraSimulator({ issues: 30, historyShape: 'small', clock: { startMs: TEST_NOW, frozen: true } });
    try {
      const client = simClient(sim);
      const victim = sim.data.get('BETA-2')!;
      const count = async () => (await client.post('/rest/api/3/search/approximate-count', { jql: 'project = BETA' })).body.count;
      expect(await count()).toBe(10);
      sim.data.deleteIssue('BETA-2');
      expect(await count()).toBe(10 - 1 - (victim.fields.subtasks as unknown[]).length);
      const ids = (await client.post('/rest/api/3/search/jql', { jql: 'project = BETA', maxResults: 100 })).body.issues.map((i: any) => i.id);
      expect(ids).not.toContain(victim.id);
      expect((await client.post('/rest/api/3/search/jql', { jql: 'key = BETA-2' })).body.issues).toEqual([]);
      for (const path of ['/rest/api/3/issue/BETA-2', `/rest/api/3/issue/${victim.id}`, `/rest/api/3/issue/${victim.id}/changelog`]) {
        const gone = await client.get(path);
        expect([path, gone.status]).toEqual([path, 404]);
        expect(gone.body).toEqual({ errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} });
      }
      expect((await client.post('/rest/api/3/issue/bulkfetch', { issueIdsOrKeys: [victim.id, 'BETA-3'] })).body.issues.map((i: any) => i.key)).toEqual(['BETA-3']);
      const logs = (await client.post('/rest/api/3/changelog/bulkfetch', { issueIdsOrKeys: [victim.id, 'BETA-3'] })).body.issueChangeLogs;
      expect(logs.map((l: any) => l.issueId)).not.toContain(victim.id);
    } finally {
      await sim.close();
    }
  });

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
