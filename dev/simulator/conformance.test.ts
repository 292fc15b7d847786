import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { startJiraSimulator, type JiraSimulator } from './index';
import { simClient, TEST_NOW, type SimResponse } from './testSupport';

/**
 * Every kind of Cloud response the simulator gives is validated against Atlassian's official
 * OpenAPI document (read at test time from ../shared/jira beside the repository). Deviations relaxed,
 * each because real Jira (and therefore the simulator) answers that way:
 * - `date-time`: Jira writes `2022-06-09T16:29:31.871-0700` (offset without a colon), which is not
 *   RFC 3339; the format is registered to accept exactly Jira's shape (and RFC 3339).
 * - ChangeDetails `from`/`fromString`/`to`/`toString` are typed `string` but are often null in real
 *   changelogs (API-FACTS.md): they are widened to string|null.
 * - Error bodies (400/401/404/410) have no schema in the document: they are checked against
 *   ErrorCollection, the shape Jira returns.
 * - OpenAPI 3.0 keywords ajv does not know (`example`, `xml`, `discriminator`) are ignored (strict off);
 *   `nullable` is honoured by ajv itself.
 */

const SPEC_PATH = path.resolve(__dirname, '..', '..', '..', 'shared', 'jira', 'jira-cloud-platform-openapi-v3.json');
const JIRA_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?([+-]\d{2}:?\d{2}|Z)$/;

let spec: any;
let ajv: Ajv;
let sim: JiraSimulator;
let client: ReturnType<typeof simClient>;

function relaxed(schemas: Record<string, any>) {
  const copy = structuredClone(schemas);
  for (const prop of ['from', 'fromString', 'to', 'toString']) copy.ChangeDetails.properties[prop] = { type: 'string', nullable: true };
  return copy;
}

function responseSchema(route: string, method: string, status: string): ValidateFunction {
  const op = spec.paths[route]?.[method];
  if (!op) throw new Error(`${method.toUpperCase()} ${route} is not in the OpenAPI document`);
  const content = op.responses[status]?.content;
  if (!content) throw new Error(`${method.toUpperCase()} ${route} has no ${status} schema`);
  const schema = (Object.values(content)[0] as any).schema;
  return ajv.compile({ $id: `response-${method}${route.replace(/[^a-z0-9]+/gi, '-')}${status}`, ...JSON.parse(JSON.stringify(schema).replace(/"#\/components\/schemas\//g, '"jira#/components/schemas/')) });
}

function expectValid(validate: ValidateFunction, response: SimResponse, status = 200) {
  expect(response.status).toBe(status);
  const ok = validate(response.body);
  if (!ok) throw new Error(`response does not match the OpenAPI schema:\n${ajv.errorsText(validate.errors, { separator: '\n' })}\n${response.text.slice(0, 500)}`);
}

const errorCollection = () => ajv.getSchema('jira#/components/schemas/ErrorCollection')!;

beforeAll(async () => {
  spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8'));
  ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('date-time', { type: 'string', validate: (s: string) => JIRA_DATE_TIME.test(s) });
  ajv.addSchema({ $id: 'jira', components: { schemas: relaxed(spec.components.schemas) } });
  sim = await startJiraSimulator({ issues: 120, clock: { startMs: TEST_NOW, frozen: true } });
  client = simClient(sim);
  // Some issues with moves, comments and many histories, so every shape shows up.
  sim.data.moveIssue('ALPHA-1', 'BETA');
  sim.data.addComment('ALPHA-2', 'A comment');
  for (let i = 0; i < 45; i++) sim.data.updateIssue('ALPHA-3', { summary: `Edit ${i}` });
});

afterAll(() => sim?.close());

describe('Cloud responses match the official OpenAPI document', () => {
  it('search/jql: an id page (GET) and a full page with the embedded changelog and names/schema (POST)', async () => {
    const ids = await client.get('/rest/api/3/search/jql?jql=project%20%3D%20ALPHA&maxResults=5');
    expectValid(responseSchema('/rest/api/3/search/jql', 'get', '200'), ids);
    expect(ids.body.issues[0]).toEqual({ id: expect.any(String) });
    const full = await client.post('/rest/api/3/search/jql', { jql: 'project in (ALPHA, BETA) ORDER BY updated DESC', fields: ['*all'], expand: 'changelog,names,schema', maxResults: 10 });
    expectValid(responseSchema('/rest/api/3/search/jql', 'post', '200'), full);
    expect(full.body.issues.some((i: any) => i.changelog.histories.length > 0)).toBe(true);
  });

  it('search/approximate-count', async () => {
    expectValid(responseSchema('/rest/api/3/search/approximate-count', 'post', '200'), await client.post('/rest/api/3/search/approximate-count', { jql: 'project = GAMMA' }));
  });

  it('issue/bulkfetch', async () => {
    const response = await client.post('/rest/api/3/issue/bulkfetch', { issueIdsOrKeys: ['ALPHA-2', 'ALPHA-1', 'NOPE-9'], fields: ['*all'], expand: ['changelog'] });
    expectValid(responseSchema('/rest/api/3/issue/bulkfetch', 'post', '200'), response);
    expect(response.body.issues).toHaveLength(2);
  });

  it('issue (all fields and the changelog expansion)', async () => {
    expectValid(responseSchema('/rest/api/3/issue/{issueIdOrKey}', 'get', '200'), await client.get('/rest/api/3/issue/ALPHA-3?expand=changelog'));
  });

  it('issue changelog page', async () => {
    const page = await client.get('/rest/api/3/issue/ALPHA-3/changelog?startAt=40&maxResults=3');
    expectValid(responseSchema('/rest/api/3/issue/{issueIdOrKey}/changelog', 'get', '200'), page);
    expect(page.body.nextPage).toMatch(/startAt=43/);
  });

  it('changelog/bulkfetch', async () => {
    const keys = sim.data.all().slice(0, 30).map(i => i.key);
    const response = await client.post('/rest/api/3/changelog/bulkfetch', { issueIdsOrKeys: keys, maxResults: 20 });
    expectValid(responseSchema('/rest/api/3/changelog/bulkfetch', 'post', '200'), response);
    expect(response.body.nextPageToken).toEqual(expect.any(String));
  });

  it('field, myself, serverInfo', async () => {
    expectValid(responseSchema('/rest/api/3/field', 'get', '200'), await client.get('/rest/api/3/field'));
    expectValid(responseSchema('/rest/api/3/myself', 'get', '200'), await client.get('/rest/api/3/myself'));
    expectValid(responseSchema('/rest/api/3/serverInfo', 'get', '200'), await client.get('/rest/api/3/serverInfo'));
  });

  it('error bodies: bad JQL (400), no credentials (401), unknown issue (404), the removed search (410)', async () => {
    expectValid(errorCollection(), await client.post('/rest/api/3/search/jql', { jql: 'project = ALPHA AND (' }), 400);
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

  it('the relaxations are needed: the unrelaxed schemas reject what Jira really sends', async () => {
    const strict = new Ajv({ strict: false });
    addFormats(strict);
    strict.addSchema({ $id: 'jira', components: { schemas: spec.components.schemas } });
    const page = await client.get('/rest/api/3/issue/ALPHA-3/changelog?maxResults=5');
    expect(strict.validate('jira#/components/schemas/PageBeanChangelog', page.body)).toBe(false);
  });
});
