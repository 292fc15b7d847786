import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { CUSTOM_FIELDS } from './data/catalog';
import { startJiraSimulator, type JiraSimulator } from './index';
import { simClient, TEST_NOW, type SimResponse } from './testSupport';

/**
 * Every kind of Cloud response the simulator gives is validated against Atlassian's official
 * OpenAPI 3.0 document, read at test time from shared/jira beside the repository. The document types
 * an issue's `fields` as a free map, so each field value is also validated against the component
 * schema of its type (StatusDetails, UserDetails, IssueLink, ...): that is what a sync consumes.
 *
 * Deviations relaxed, each because real Jira answers that way (API-FACTS.md), never to hide a bug:
 * - `date-time`: Jira writes `2022-06-09T16:29:31.871-0700` (offset without a colon), not RFC 3339;
 *   the format accepts exactly Jira's shape (and RFC 3339's).
 * - ChangeDetails `from`/`fromString`/`to`/`toString` are typed `string` but are null in real
 *   changelogs whenever a field had no value before or after: widened to string|null.
 * - CustomFieldOption lists only `self` and `value` (additionalProperties: false), but Jira's select,
 *   radio and cascading values carry `id`, and cascading ones a `child` option: both added.
 * - IssueLink requires both `inwardIssue` and `outwardIssue` (it doubles as the create-link request),
 *   but an issue's `issuelinks` entries carry exactly one, the other issue: required becomes
 *   `id` + `type` + exactly one of the two (stricter than the document about the id).
 * - Changelog `created` is typed a date-time string, but the document's own `changelog/bulkfetch`
 *   example writes it as a number (epoch ms): widened to string|integer; the simulator writes the
 *   number only in bulkfetch and only when `epochHistoryTimes` is set (checked below).
 * - Error bodies (400/401/404/410) have no response schema in the document: they are checked
 *   against ErrorCollection, the shape Jira returns for them.
 * - Formats: registered here (no ajv-formats dependency): int32/int64 check integer ranges, uri/url
 *   must parse as URLs, date is YYYY-MM-DD, uuid is checked; double/byte/binary accept their type.
 * - OpenAPI-only keywords Ajv does not know (`example`, `xml`, `discriminator`, `readOnly`) are
 *   ignored (strict: false); `nullable` is honoured by Ajv itself.
 */

const SPEC_PATH = path.resolve(__dirname, '..', '..', '..', 'shared', 'jira', 'jira-cloud-platform-openapi-v3.json');
const JIRA_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?([+-]\d{2}:?\d{2}|Z)$/;
const isUrl = (s: string) => {
  try {
    return Boolean(new URL(s));
  } catch {
    return false;
  }
};

/** The component schema each field's value must match (arrays: each element). */
const FIELD_SCHEMAS: Record<string, { schema: string; array?: boolean }> = {
  status: { schema: 'StatusDetails' },
  issuetype: { schema: 'IssueTypeDetails' },
  priority: { schema: 'Priority' },
  resolution: { schema: 'Resolution' },
  project: { schema: 'ProjectDetails' },
  assignee: { schema: 'UserDetails' },
  reporter: { schema: 'UserDetails' },
  components: { schema: 'ProjectComponent', array: true },
  fixVersions: { schema: 'Version', array: true },
  issuelinks: { schema: 'IssueLink', array: true },
  parent: { schema: 'LinkedIssue' },
  subtasks: { schema: 'LinkedIssue', array: true },
  comment: { schema: 'PageOfComments' },
  [CUSTOM_FIELDS.reviewer.id]: { schema: 'UserDetails' },
  [CUSTOM_FIELDS.stakeholders.id]: { schema: 'UserDetails', array: true },
  [CUSTOM_FIELDS.team.id]: { schema: 'CustomFieldOption' },
  [CUSTOM_FIELDS.severity.id]: { schema: 'CustomFieldOption' },
  [CUSTOM_FIELDS.area.id]: { schema: 'CustomFieldOption' },
  [CUSTOM_FIELDS.platforms.id]: { schema: 'CustomFieldOption', array: true },
};
const DATE_TIME_FIELDS = ['created', 'updated', 'resolutiondate', CUSTOM_FIELDS.releasedAt.id];

let spec: any;
let ajv: Ajv;
let sim: JiraSimulator;
let client: ReturnType<typeof simClient>;

function withFormats(instance: Ajv): Ajv {
  instance.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  instance.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  instance.addFormat('double', { type: 'number', validate: () => true });
  instance.addFormat('date-time', { type: 'string', validate: (s: string) => JIRA_DATE_TIME.test(s) });
  instance.addFormat('date', { type: 'string', validate: (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) });
  instance.addFormat('uri', { type: 'string', validate: isUrl });
  instance.addFormat('url', { type: 'string', validate: isUrl });
  instance.addFormat('uuid', { type: 'string', validate: (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s) });
  instance.addFormat('byte', { type: 'string', validate: () => true });
  instance.addFormat('binary', { type: 'string', validate: () => true });
  return instance;
}

function relaxed(schemas: Record<string, any>) {
  const copy = structuredClone(schemas);
  for (const prop of ['from', 'fromString', 'to', 'toString']) copy.ChangeDetails.properties[prop] = { type: 'string', nullable: true };
  copy.Changelog.properties.created = { oneOf: [copy.Changelog.properties.created, { type: 'integer', format: 'int64' }] };
  copy.CustomFieldOption.properties.id = { type: 'string' };
  copy.CustomFieldOption.properties.child = { $ref: '#/components/schemas/CustomFieldOption' };
  // IssueLink is also the create-link request: an issue's own links name only the *other* issue, on one side.
  copy.IssueLink.required = ['id', 'type'];
  copy.IssueLink.oneOf = [{ required: ['inwardIssue'] }, { required: ['outwardIssue'] }];
  return copy;
}

const component = (name: string) => ajv.getSchema(`jira#/components/schemas/${name}`)!;

function responseSchema(route: string, method: string, status: string): ValidateFunction {
  const op = spec.paths[route]?.[method];
  if (!op) throw new Error(`${method.toUpperCase()} ${route} is not in the OpenAPI document`);
  const content = op.responses[status]?.content;
  if (!content) throw new Error(`${method.toUpperCase()} ${route} has no ${status} schema`);
  const schema = (Object.values(content)[0] as any).schema;
  const $id = `response-${method}${route.replace(/[^a-z0-9]+/gi, '-')}${status}`;
  return ajv.getSchema($id) ?? ajv.compile({ $id, ...JSON.parse(JSON.stringify(schema).replace(/"#\/components\/schemas\//g, '"jira#/components/schemas/')) });
}

/** Problems of a body against a schema, or of any issue field against its type's schema; [] when it conforms. */
function problems(validate: ValidateFunction, body: unknown): string[] {
  const out: string[] = [];
  if (!validate(body)) out.push(ajv.errorsText(validate.errors, { separator: '\n' }));
  const issues: any[] = [...((body as any)?.issues ?? []), ...((body as any)?.fields ? [body] : [])];
  for (const issue of issues) {
    for (const [field, value] of Object.entries<any>(issue.fields ?? {})) {
      if (value === null) continue;
      const rule = FIELD_SCHEMAS[field];
      if (rule) {
        const check = component(rule.schema);
        for (const [n, v] of (rule.array ? value : [value]).entries()) {
          if (!check(v)) out.push(`${issue.key} fields.${field}${rule.array ? `[${n}]` : ''}: ${ajv.errorsText(check.errors)}`);
        }
      }
      if (DATE_TIME_FIELDS.includes(field) && !JIRA_DATE_TIME.test(value)) out.push(`${issue.key} fields.${field}: not a Jira date-time: ${value}`);
    }
  }
  return out;
}

function expectValid(validate: ValidateFunction, response: SimResponse, status = 200) {
  expect(response.status).toBe(status);
  const found = problems(validate, response.body);
  if (found.length) throw new Error(`response does not match the OpenAPI document:\n${found.slice(0, 10).join('\n')}\n${response.text.slice(0, 500)}`);
}

const errorCollection = () => component('ErrorCollection');

beforeAll(async () => {
  spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8'));
  ajv = withFormats(new Ajv({ strict: false, allErrors: true }));
  ajv.addSchema({ $id: 'jira', components: { schemas: relaxed(spec.components.schemas) } });
  sim = await startJiraSimulator({ issues: 120, clock: { startMs: TEST_NOW, frozen: true } });
  client = simClient(sim);
  // Some issues with moves, comments, a parent and many histories, so every shape shows up.
  sim.data.moveIssue('ALPHA-1', 'BETA');
  sim.data.addComment('ALPHA-2', 'A comment');
  for (let i = 0; i < 45; i++) sim.data.updateIssue('ALPHA-3', { summary: `Edit ${i}` });
  sim.data.createIssue({ project: 'ALPHA', fields: { issuetype: 'Sub-task', parent: 'ALPHA-3', status: 'Done' } });
});

afterAll(() => sim?.close());

describe('Cloud responses match the official OpenAPI document', () => {
  it('search/jql: an ids-only page (GET) and a page with every field, no changelog', async () => {
    const ids = await client.get('/rest/api/3/search/jql?jql=project%20%3D%20ALPHA&maxResults=5');
    expectValid(responseSchema('/rest/api/3/search/jql', 'get', '200'), ids);
    expect(ids.body.issues[0]).toEqual({ id: expect.any(String) });
    expect(ids.body.nextPageToken).toEqual(expect.any(String));
    const full = await client.post('/rest/api/3/search/jql', { jql: 'project in (ALPHA, BETA, GAMMA) ORDER BY key', fields: ['*all'], maxResults: 100 });
    expectValid(responseSchema('/rest/api/3/search/jql', 'post', '200'), full);
    expect(full.body.issues[0]).not.toHaveProperty('changelog');
    // Every field type the mapping covers actually occurred, so the field checks above were exercised.
    for (const field of Object.keys(FIELD_SCHEMAS)) {
      expect([field, full.body.issues.some((i: any) => i.fields[field] !== null && (!Array.isArray(i.fields[field]) || i.fields[field].length > 0))]).toEqual([field, true]);
    }
  });

  it('search/jql with expand=changelog,names,schema (POST)', async () => {
    const full = await client.post('/rest/api/3/search/jql', { jql: 'project in (ALPHA, BETA) ORDER BY updated DESC', fields: ['*all'], expand: 'changelog,names,schema', maxResults: 10 });
    expectValid(responseSchema('/rest/api/3/search/jql', 'post', '200'), full);
    expect(full.body.issues.some((i: any) => i.changelog.histories.length > 0)).toBe(true);
    expect(full.body.names.status).toBe('Status');
  });

  it('search/jql with expand=transitions: a transitions array per issue, each to a status', async () => {
    const page = await client.get('/rest/api/3/search/jql?jql=project%20%3D%20ALPHA&fields=summary,status&expand=transitions&maxResults=5');
    expectValid(responseSchema('/rest/api/3/search/jql', 'get', '200'), page);
    const transition = component('IssueTransition');
    for (const issue of page.body.issues) {
      expect(issue.transitions.length).toBeGreaterThan(0);
      for (const t of issue.transitions) {
        if (!transition(t)) throw new Error(ajv.errorsText(transition.errors));
        if (!component('StatusDetails')(t.to)) throw new Error(ajv.errorsText(component('StatusDetails').errors));
        expect(t.to.id).not.toBe(issue.fields.status.id);
      }
    }
    const plain = await client.get('/rest/api/3/search/jql?jql=project%20%3D%20ALPHA&fields=summary&maxResults=5');
    expect(plain.body.issues[0]).not.toHaveProperty('transitions');
  });

  it('project/search: pages with startAt, maxResults, total, isLast, self and nextPage', async () => {
    const validate = responseSchema('/rest/api/3/project/search', 'get', '200');
    const first = await client.get('/rest/api/3/project/search?maxResults=2');
    expectValid(validate, first);
    expect(first.body).toMatchObject({ startAt: 0, maxResults: 2, total: 3, isLast: false });
    expect(first.body.values.map((p: any) => p.key)).toEqual(['ALPHA', 'BETA']);
    const next = await client.get(new URL(first.body.nextPage).pathname + new URL(first.body.nextPage).search);
    expectValid(validate, next);
    expect(next.body).toMatchObject({ startAt: 2, total: 3, isLast: true });
    expect(next.body.values.map((p: any) => p.key)).toEqual(['GAMMA']);
    expect(next.body).not.toHaveProperty('nextPage');
    expect(first.body.self).toBe(`${sim.url}/rest/api/3/project/search?startAt=0&maxResults=2`);
    expectValid(errorCollection(), await client.get('/rest/api/3/project/search?startAt=-1'), 400);
  });

  it('links are written with the base URL the client called: behind a proxy, through the proxy', async () => {
    const viaProxy = async (route: string) => {
      const response = await fetch(`${sim.url}${route}`, {
        headers: {
          Authorization: `Basic ${Buffer.from(`${sim.credentials.email}:${sim.credentials.apiToken}`).toString('base64')}`,
          'X-Forwarded-Host': 'jira.gateway.example',
          'X-Forwarded-Proto': 'https',
        },
      });
      return response.json() as Promise<any>;
    };
    const projects = await viaProxy('/rest/api/3/project/search?maxResults=1');
    expect(projects.nextPage).toBe('https://jira.gateway.example/rest/api/3/project/search?startAt=1&maxResults=1');
    expect(projects.values[0].self).toMatch(/^https:\/\/jira\.gateway\.example\/rest\/api\/3\/project\//);
    const changelog = await viaProxy('/rest/api/3/issue/ALPHA-3/changelog?maxResults=3');
    expect(changelog.nextPage).toMatch(/^https:\/\/jira\.gateway\.example\/rest\/api\/3\/issue\/ALPHA-3\/changelog\?/);
    const page = await viaProxy('/rest/api/3/search/jql?jql=project%20%3D%20ALPHA&fields=status&maxResults=1');
    expect(page.issues[0].self).toMatch(/^https:\/\/jira\.gateway\.example\//);
    expect(page.issues[0].fields.status.self).toMatch(/^https:\/\/jira\.gateway\.example\//);
  });

  it('search/approximate-count', async () => {
    const count = await client.post('/rest/api/3/search/approximate-count', { jql: 'project = GAMMA' });
    expectValid(responseSchema('/rest/api/3/search/approximate-count', 'post', '200'), count);
    expect(count.body.count).toBe(40);
  });

  it('issue/bulkfetch, with a retriable failure listed in issueErrors', async () => {
    sim.faults.set({ bulkFetchIssueErrorRate: 0.5, seed: 11 });
    try {
      const response = await client.post('/rest/api/3/issue/bulkfetch', { issueIdsOrKeys: ['ALPHA-2', 'ALPHA-1', 'NOPE-9', 'ALPHA-4', 'ALPHA-5', 'ALPHA-6', 'ALPHA-7'], fields: ['*all'], expand: ['changelog'] });
      expectValid(responseSchema('/rest/api/3/issue/bulkfetch', 'post', '200'), response);
      expect(response.body.issueErrors.length).toBeGreaterThan(0);
      expect(response.body.issues.length + response.body.issueErrors.length).toBe(6); // NOPE-9 is simply left out
      expect(response.body.issueErrors[0]).toEqual({ id: expect.stringMatching(/^\d+$/), errorMessage: expect.any(String) });
    } finally {
      sim.faults.reset();
    }
  });

  it('issue with all fields, with and without the changelog expansion', async () => {
    const plain = await client.get('/rest/api/3/issue/ALPHA-3');
    expectValid(responseSchema('/rest/api/3/issue/{issueIdOrKey}', 'get', '200'), plain);
    expect(plain.body).not.toHaveProperty('changelog');
    expect(plain.body.fields.subtasks).toHaveLength(1);
    const expanded = await client.get('/rest/api/3/issue/ALPHA-3?expand=changelog');
    expectValid(responseSchema('/rest/api/3/issue/{issueIdOrKey}', 'get', '200'), expanded);
    expect(expanded.body.changelog.total).toBeGreaterThanOrEqual(45);
  });

  it('issue changelog page', async () => {
    const page = await client.get('/rest/api/3/issue/ALPHA-3/changelog?startAt=40&maxResults=3');
    expectValid(responseSchema('/rest/api/3/issue/{issueIdOrKey}/changelog', 'get', '200'), page);
    expect(page.body.nextPage).toMatch(/startAt=43/);
  });

  it('changelog/bulkfetch, a page with a nextPageToken and the last page', async () => {
    const keys = sim.data.all().slice(0, 30).map(i => i.key);
    const first = await client.post('/rest/api/3/changelog/bulkfetch', { issueIdsOrKeys: keys, maxResults: 20 });
    expectValid(responseSchema('/rest/api/3/changelog/bulkfetch', 'post', '200'), first);
    expect(first.body.nextPageToken).toEqual(expect.any(String));
    const last = await client.post('/rest/api/3/changelog/bulkfetch', { issueIdsOrKeys: [keys[0]], fieldIds: ['status'] });
    expectValid(responseSchema('/rest/api/3/changelog/bulkfetch', 'post', '200'), last);
    expect(last.body).not.toHaveProperty('nextPageToken');
  });

  it('changelog/bulkfetch with epoch-ms history times, as Atlassian\'s example; the changelog page still writes timestamps', async () => {
    const epochSim = await startJiraSimulator({ issues: 30, clock: { startMs: TEST_NOW, frozen: true }, epochHistoryTimes: true });
    try {
      const epochClient = simClient(epochSim);
      const keys = epochSim.data.all().map(i => i.key);
      const bulk = await epochClient.post('/rest/api/3/changelog/bulkfetch', { issueIdsOrKeys: keys });
      expectValid(responseSchema('/rest/api/3/changelog/bulkfetch', 'post', '200'), bulk);
      const created = bulk.body.issueChangeLogs.flatMap((log: any) => log.changeHistories.map((h: any) => h.created));
      expect(created.length).toBeGreaterThan(0);
      expect(created.every((c: unknown) => Number.isSafeInteger(c))).toBe(true);
      const withHistory = bulk.body.issueChangeLogs.find((log: any) => log.changeHistories.length)!;
      const page = await epochClient.get(`/rest/api/3/issue/${withHistory.issueId}/changelog`);
      expectValid(responseSchema('/rest/api/3/issue/{issueIdOrKey}/changelog', 'get', '200'), page);
      expect(page.body.values[0].created).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(Date.parse(page.body.values[0].created.replace(/(\d{2})(\d{2})$/, '$1:$2'))).toBe(withHistory.changeHistories[0].created);
    } finally {
      await epochSim.close();
    }
  });

  it('field, myself, serverInfo', async () => {
    expectValid(responseSchema('/rest/api/3/field', 'get', '200'), await client.get('/rest/api/3/field'));
    const me = await client.get('/rest/api/3/myself');
    expectValid(responseSchema('/rest/api/3/myself', 'get', '200'), me);
    expect(me.body).toMatchObject({ accountId: expect.any(String), timeZone: 'America/Los_Angeles' });
    expectValid(responseSchema('/rest/api/3/serverInfo', 'get', '200'), await client.get('/rest/api/3/serverInfo'));
  });

  it('error bodies: bad JQL (400), no credentials (401), unknown issue (404), the removed search (410)', async () => {
    const bad = await client.post('/rest/api/3/search/jql', { jql: 'project = ALPHA AND (' });
    expectValid(errorCollection(), bad, 400);
    expect(bad.body.errorMessages[0]).toMatch(/^Error in the JQL Query: /);
    expectValid(errorCollection(), await simClient(sim, null).get('/rest/api/3/myself'), 401);
    expectValid(errorCollection(), await client.get('/rest/api/3/issue/ALPHA-99999'), 404);
    const removed = await client.get('/rest/api/3/search?jql=project%3DALPHA');
    expectValid(errorCollection(), removed, 410);
    expect(removed.body).toEqual({
      errorMessages: ['The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046'],
      errors: {},
    });
    expect((await client.post('/rest/api/2/search', { jql: 'project = ALPHA' })).status).toBe(410);
  });
});

describe('the validator bites', () => {
  it('rejects deliberately broken bodies: a wrong type at the top, an unknown property, a malformed field value', async () => {
    const page = await client.post('/rest/api/3/search/jql', { jql: 'project = ALPHA ORDER BY key', fields: ['*all'], expand: 'changelog', maxResults: 3 });
    const validate = responseSchema('/rest/api/3/search/jql', 'post', '200');
    expect(problems(validate, page.body)).toEqual([]);
    const broken = (mutate: (body: any) => void) => {
      const copy = structuredClone(page.body);
      mutate(copy);
      return problems(validate, copy);
    };
    expect(broken(b => (b.isLast = 'no')).join()).toMatch(/isLast must be boolean/);
    expect(broken(b => (b.total = 3)).join()).toMatch(/must NOT have additional properties/);
    expect(broken(b => (b.issues[0].changelog.histories[0].created = '2026-01-15 10:30')).join()).toMatch(/must match format "date-time"/);
    expect(broken(b => (b.issues[0].fields.status.statusCategory.id = 'two')).join()).toMatch(/fields\.status.*must be integer/);
    expect(broken(b => (b.issues[0].fields.assignee = { accountId: 'x', nickname: 'y' })).join()).toMatch(/fields\.assignee.*additional properties/);
    expect(broken(b => (b.issues[0].fields.updated = '2026-01-15T10:30:00')).join()).toMatch(/fields\.updated: not a Jira date-time/);
  });

  it('the relaxations are needed: the unrelaxed schemas reject what Jira really sends', async () => {
    const strict = withFormats(new Ajv({ strict: false }));
    strict.addSchema({ $id: 'jira', components: { schemas: spec.components.schemas } });
    const page = await client.get('/rest/api/3/issue/ALPHA-3/changelog?maxResults=5');
    expect(strict.validate('jira#/components/schemas/PageBeanChangelog', page.body)).toBe(false);
    const linked = (await client.post('/rest/api/3/search/jql', { jql: 'project = ALPHA', fields: ['issuelinks'], maxResults: 50 })).body.issues.find((i: any) => i.fields.issuelinks.length);
    expect(strict.validate('jira#/components/schemas/IssueLink', linked.fields.issuelinks[0])).toBe(false);
    expect(component('IssueLink')({ ...linked.fields.issuelinks[0], inwardIssue: { id: '1' }, outwardIssue: { id: '2' } })).toBe(false);
    const team = (await client.post('/rest/api/3/search/jql', { jql: 'project = ALPHA', fields: [CUSTOM_FIELDS.team.id], maxResults: 50 })).body.issues.find((i: any) => i.fields[CUSTOM_FIELDS.team.id]);
    expect(strict.validate('jira#/components/schemas/CustomFieldOption', team.fields[CUSTOM_FIELDS.team.id])).toBe(false);
  });
});
