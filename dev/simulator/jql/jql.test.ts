import { ISSUE_TYPES, PRIORITIES, STATUSES, SYNC_BOT, USERS } from '../data/catalog';
import type { SearchView } from '../data/store';
import { startJiraSimulator } from '../index';
import { simClient, TEST_NOW } from '../testSupport';
import { compareSortKeys, compileJql, evaluate, sortKey, type EvalContext } from './evaluate';
import { JqlError, parseJql } from './parser';

const MINUTE = 60_000;

function view(id: number, key: string, updatedMs: number, values: Record<string, unknown> = {}): SearchView {
  return {
    id,
    key,
    projectKey: key.split('-')[0],
    createdMs: updatedMs - 86_400_000,
    updatedMs,
    historyCount: 0,
    values: { status: STATUSES[0], issuetype: ISSUE_TYPES[0], priority: PRIORITIES[2], labels: [], components: [], assignee: null, parent: null, summary: 'x', ...values },
  };
}

function context(timeZone: string, nowMs = TEST_NOW): EvalContext {
  const keys = new Map([['ALPHA-1', 1], ['ALPHA-2', 2], ['ALPHA-9', 9], ['ALPHA-10', 10], ['BETA-1', 11]]);
  return {
    timeZone,
    nowMs,
    currentUser: SYNC_BOT,
    projectKeys: ['ALPHA', 'BETA', 'GAMMA'],
    resolveKey: key => keys.get(key),
    keyOfId: id => [...keys].find(([, v]) => v === id)?.[0],
  };
}

const matches = (jql: string, v: SearchView, ctx: EvalContext) => evaluate(compileJql(jql, ctx).where, v, ctx);
const errorOf = (jql: string, ctx = context('UTC')) => {
  try {
    compileJql(jql, ctx);
  } catch (e) {
    if (e instanceof JqlError) return e.message;
    throw e;
  }
  throw new Error(`no error for ${jql}`);
};

describe('JQL dates are read in the searching user zone at minute precision', () => {
  // One edit at 2026-01-15T10:30:45.123Z, seen from three zones.
  const edit = Date.UTC(2026, 0, 15, 10, 30, 45, 123);
  const issue = view(1, 'ALPHA-1', edit);

  it.each([
    ['Pacific/Kiritimati', '2026/01/16 00:30', '2026-01-16'], // UTC+14: already the next day.
    ['America/St_Johns', '2026/01/15 07:00', '2026-01-15'], // UTC-3:30.
    ['America/Los_Angeles', '2026/01/15 02:30', '2026-01-15'], // UTC-8.
  ])('%s: the edit is in minute %s', (zone, minute, day) => {
    const ctx = context(zone);
    const next = minute.replace(/:(\d\d)$/, (_, m) => `:${String(Number(m) + 1).padStart(2, '0')}`);
    expect(matches(`updated >= "${minute}"`, issue, ctx)).toBe(true);
    // Minute precision: the edit's seconds are gone, so it is *in* the minute, not after it.
    expect(matches(`updated <= "${minute}"`, issue, ctx)).toBe(true);
    expect(matches(`updated > "${minute}"`, issue, ctx)).toBe(false);
    expect(matches(`updated = "${minute}"`, issue, ctx)).toBe(true);
    expect(matches(`updated >= "${next}"`, issue, ctx)).toBe(false);
    expect(matches(`updated < "${next}"`, issue, ctx)).toBe(true);
    expect(matches(`updated >= "${minute.replace(/\//g, '-')}"`, issue, ctx)).toBe(true);
    expect(matches(`updated >= "${day}" AND updated < "${day.replace(/\d\d$/, d => String(Number(d) + 1).padStart(2, '0'))}"`, issue, ctx)).toBe(true);
  });

  it('the same local literal names different instants in different zones', () => {
    const literal = 'updated >= "2026/01/15 07:00"';
    expect(matches(literal, issue, context('America/St_Johns'))).toBe(true); // 10:30Z ≥ 10:30Z
    expect(matches(literal, issue, context('UTC'))).toBe(true); // 10:30Z ≥ 07:00Z
    expect(matches(literal, issue, context('Asia/Kolkata'))).toBe(true); // 07:00 IST is 01:30Z
    expect(matches(literal, issue, context('America/Los_Angeles'))).toBe(false); // 07:00 PST is 15:00Z
  });

  it('a time in the spring-forward gap moves forward by the gap, as Java ZonedDateTime does', () => {
    // Los Angeles skips 02:00-03:00 on 2026-03-08; "02:30" is read as 03:30 PDT = 10:30Z.
    const ctx = context('America/Los_Angeles');
    expect(matches('updated >= "2026/03/08 02:30"', view(1, 'ALPHA-1', Date.UTC(2026, 2, 8, 10, 30)), ctx)).toBe(true);
    expect(matches('updated >= "2026/03/08 02:30"', view(1, 'ALPHA-1', Date.UTC(2026, 2, 8, 10, 29, 59, 999)), ctx)).toBe(false);
  });

  it('a time in the fall-back overlap takes the earlier offset', () => {
    // 01:30 happens twice on 2026-11-01 in Los Angeles: first at 08:30Z (PDT), again at 09:30Z (PST).
    const ctx = context('America/Los_Angeles');
    expect(matches('updated >= "2026/11/01 01:30"', view(1, 'ALPHA-1', Date.UTC(2026, 10, 1, 8, 30)), ctx)).toBe(true);
    expect(matches('updated >= "2026/11/01 01:30"', view(1, 'ALPHA-1', Date.UTC(2026, 10, 1, 8, 29)), ctx)).toBe(false);
  });

  it('an unquoted number is epoch milliseconds, whatever the zone, also compared at minute precision', () => {
    for (const zone of ['Pacific/Kiritimati', 'America/Los_Angeles']) {
      expect(matches(`updated >= ${edit}`, issue, context(zone))).toBe(true);
      expect(matches(`updated > ${edit}`, issue, context(zone))).toBe(false);
      // 10:30:05 and 10:30:59 are the edit's minute: a millisecond watermark does not buy precision.
      expect(matches(`updated <= ${edit - 40_000}`, issue, context(zone))).toBe(true);
      expect(matches(`updated >= ${edit + 14_000}`, issue, context(zone))).toBe(true);
      expect(matches(`updated > ${edit - 46_000}`, issue, context(zone))).toBe(true); // 10:29:59
      expect(matches(`updated >= "${edit + 15_000}"`, issue, context(zone))).toBe(false); // 10:31:00, quoted
    }
  });

  it('the classic watermark trap: a cursor at the minute with ">" misses later edits in that minute', () => {
    const ctx = context('UTC');
    const lastSeen = view(1, 'ALPHA-1', Date.UTC(2026, 0, 15, 10, 30, 10));
    const editedAfterSync = view(2, 'ALPHA-2', Date.UTC(2026, 0, 15, 10, 30, 50));
    expect(matches('updated > "2026/01/15 10:30"', editedAfterSync, ctx)).toBe(false);
    expect(matches('updated >= "2026/01/15 10:30"', editedAfterSync, ctx)).toBe(true);
    expect(matches('updated >= "2026/01/15 10:30"', lastSeen, ctx)).toBe(true);
  });

  it('relative dates count back from now', () => {
    const ctx = context('UTC', edit + 4 * MINUTE);
    expect(matches('updated >= -5m', issue, ctx)).toBe(true);
    expect(matches('updated >= -3m', issue, ctx)).toBe(false);
    expect(matches('updated >= "-1h"', issue, context('UTC', edit + 59 * MINUTE))).toBe(true);
    expect(matches('updated >= -1h', issue, context('UTC', edit + 61 * MINUTE))).toBe(false);
    expect(matches('updated >= -1d', issue, context('UTC', edit + 23 * 60 * MINUTE))).toBe(true);
    expect(matches('updated >= -1w', issue, context('UTC', edit + 8 * 1440 * MINUTE))).toBe(false);
    expect(matches('updated >= "-1w 2d"', issue, context('UTC', edit + 8 * 1440 * MINUTE))).toBe(true);
    expect(compileJql('updated >= -5m', ctx).usesNow).toBe(true);
    expect(compileJql('updated >= "2026/01/01"', ctx).usesNow).toBe(false);
  });

  it('startOfDay() is midnight in the user zone', () => {
    const ctx = context('Pacific/Kiritimati', edit); // Local 2026-01-16 00:30.
    expect(matches('updated >= startOfDay()', issue, ctx)).toBe(true);
    expect(matches('updated >= startOfDay()', view(2, 'ALPHA-2', edit - 31 * MINUTE), ctx)).toBe(false);
  });

  it('bad dates are 400s with Jira wording', () => {
    expect(errorOf('updated >= "2026/13/01"')).toMatch(/^Date value '2026\/13\/01' for field 'updated' is invalid. Valid formats include: 'yyyy\/MM\/dd HH:mm'/);
    expect(errorOf('updated >= "2026/02/30 10:00"')).toMatch(/is invalid/);
    expect(errorOf('updated >= "yesterday"')).toMatch(/Date value 'yesterday'/);
    expect(errorOf('updated >= "2026-01-15T10:00:00Z"')).toMatch(/is invalid/);
  });
});

describe('the JQL parser and evaluator', () => {
  const ctx = context('UTC');
  const a = view(1, 'ALPHA-1', TEST_NOW, { labels: ['backend'], components: [{ id: '30001', name: 'alpha-api' }], assignee: SYNC_BOT, status: STATUSES[1] });
  const b = view(11, 'BETA-1', TEST_NOW, { status: STATUSES[3], assignee: USERS[0], parent: 1, issuetype: ISSUE_TYPES[3] });

  it('boolean structure: AND binds tighter than OR, NOT, parentheses', () => {
    expect(matches('project = BETA OR project = ALPHA AND labels = nope', a, ctx)).toBe(false);
    expect(matches('project = BETA OR project = ALPHA AND labels = backend', a, ctx)).toBe(true);
    expect(matches('(project = BETA OR project = ALPHA) AND NOT labels = backend', a, ctx)).toBe(false);
    expect(matches('NOT (project = BETA)', a, ctx)).toBe(true);
    expect(matches('project in (BETA, GAMMA)', a, ctx)).toBe(false);
    expect(matches('project not in (BETA, GAMMA)', a, ctx)).toBe(true);
  });

  it('status, statusCategory, labels, component, assignee, issuetype, parent', () => {
    expect(matches('status = "In Progress" AND statusCategory = indeterminate', a, ctx)).toBe(true);
    expect(matches('statusCategory = Done', b, ctx)).toBe(true);
    expect(matches('statusCategory in (new, "In Progress")', b, ctx)).toBe(false);
    expect(matches('labels = backend AND component = "alpha-api"', a, ctx)).toBe(true);
    expect(matches('labels is EMPTY', b, ctx)).toBe(true);
    expect(matches('assignee = currentUser()', a, ctx)).toBe(true);
    expect(matches('assignee = currentUser()', b, ctx)).toBe(false);
    expect(matches('issuetype = Sub-task AND parent = ALPHA-1', b, ctx)).toBe(true);
    expect(matches('parent in (1)', b, ctx)).toBe(true);
  });

  it('id and key with =, !=, in and ranges (key ranges stay in the project and compare numbers)', () => {
    const ten = view(10, 'ALPHA-10', TEST_NOW);
    expect(matches('key = ALPHA-10', ten, ctx)).toBe(true);
    expect(matches('key != ALPHA-10', ten, ctx)).toBe(false);
    expect(matches('key in (ALPHA-9, ALPHA-10)', ten, ctx)).toBe(true);
    expect(matches('key > ALPHA-9', ten, ctx)).toBe(true); // 10 > 9, not "ALPHA-10" < "ALPHA-9"
    expect(matches('key >= ALPHA-2 AND key <= ALPHA-10', ten, ctx)).toBe(true);
    expect(matches('key > ALPHA-9', b, ctx)).toBe(false); // other project
    expect(matches('id > 9 AND id <= 10', ten, ctx)).toBe(true);
    expect(matches('id < 10', ten, ctx)).toBe(false);
  });

  it('ORDER BY several fields, key in project+number order, id as the final tiebreak', () => {
    const views = [view(10, 'ALPHA-10', 5), view(9, 'ALPHA-9', 5), view(11, 'BETA-1', 7), view(3, 'ALPHA-3', 5)];
    const order = (jql: string) => {
      const q = compileJql(jql, ctx);
      return [...views].sort((x, y) => compareSortKeys(sortKey(x, q.orderBy), sortKey(y, q.orderBy), q.orderBy)).map(v => v.key);
    };
    expect(order('project = ALPHA ORDER BY key ASC')).toEqual(['ALPHA-3', 'ALPHA-9', 'ALPHA-10', 'BETA-1']);
    expect(order('project = ALPHA ORDER BY updated DESC, key DESC')).toEqual(['BETA-1', 'ALPHA-10', 'ALPHA-9', 'ALPHA-3']);
    expect(order('project = ALPHA ORDER BY updated ASC')).toEqual(['ALPHA-3', 'ALPHA-9', 'ALPHA-10', 'BETA-1']); // ties by id
    expect(order('project = ALPHA ORDER BY priority, status, created DESC, id DESC')).toEqual(['BETA-1', 'ALPHA-10', 'ALPHA-9', 'ALPHA-3']);
  });

  it('syntax errors name the problem and its position, with Jira prefix', () => {
    expect(errorOf('project = ALPHA AND')).toBe("Error in the JQL Query: Expecting a field name but got end of query. (line 1, character 20)");
    expect(errorOf('project ALPHA')).toMatch(/^Error in the JQL Query: Expecting operator but got 'ALPHA'\. .*\(line 1, character 9\)$/);
    expect(errorOf('project in (A, B')).toMatch(/Expecting ',' or '\)' but got end of query/);
    expect(errorOf('summary ~ "open')).toMatch(/The quoted string "open" has not been completed. \(line 1, character 11\)/);
    expect(errorOf('project = ALPHA ORDER updated')).toMatch(/Expecting either 'OR' or 'AND' but got 'ORDER'. \(line 1, character 17\)/);
    expect(() => parseJql('(project = A')).toThrow(/Expecting '\)' but got end of query/);
  });

  it('unknown fields, values and sort fields are validation errors without the prefix', () => {
    expect(errorOf('foo = 1')).toBe("Field 'foo' does not exist or you do not have permission to view it.");
    expect(errorOf('project = NOPE')).toBe("The value 'NOPE' does not exist for the field 'project'.");
    expect(errorOf('status = Shipped')).toBe("The value 'Shipped' does not exist for the field 'status'.");
    expect(errorOf('project = ALPHA ORDER BY labels')).toBe("Field 'labels' does not support sorting.");
    expect(errorOf('project = ALPHA ORDER BY bar')).toBe("Field 'bar' does not exist or you do not have permission to view it.");
    expect(errorOf('labels > 3')).toMatch(/The operator '>' is not supported by the 'labels' field/);
    expect(errorOf('key = banana')).toMatch(/The issue key 'banana' for field 'key' is invalid/);
    expect(errorOf('assignee = nobody()')).toMatch(/Unable to find JQL function 'nobody\(\)'/);
  });
});

describe('JQL over HTTP', () => {
  it('answers 400 with Jira error shape and finds by the user zone; changing the zone changes results', async () => {
    const sim = await startJiraSimulator({ issues: 30, historyShape: 'small', clock: { startMs: TEST_NOW, frozen: true }, timeZone: 'Pacific/Kiritimati' });
    try {
      const client = simClient(sim);
      const bad = await client.post('/rest/api/3/search/jql', { jql: 'updated >= "2026/01/15 10:00" AND foo = 1' });
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ errorMessages: ["Field 'foo' does not exist or you do not have permission to view it."], errors: {} });
      expect((await client.post('/rest/api/3/search/jql', { jql: 'ORDER BY key' })).body.errorMessages[0]).toMatch(/Unbounded JQL/);

      const issue = sim.data.createIssue({ project: 'ALPHA' }); // Created at TEST_NOW = 2026-01-15 12:00Z = 01-16 02:00 in Kiritimati.
      const find = async () => (await client.post('/rest/api/3/search/jql', { jql: 'created >= "2026/01/16 02:00"', maxResults: 100 })).body.issues.map((i: any) => i.id);
      expect(await find()).toEqual([issue.id]);
      sim.data.setUserTimeZone('America/Los_Angeles'); // Now the literal is 2026-01-16 10:00Z: after the creation.
      expect(await find()).toEqual([]);
      expect((await client.get('/rest/api/3/myself')).body.timeZone).toBe('America/Los_Angeles');
    } finally {
      await sim.close();
    }
  });

  it('a syntax error is a 400 with the "Error in the JQL Query:" prefix and the position', async () => {
    const sim = await startJiraSimulator({ issues: 5, historyShape: 'small', clock: { startMs: TEST_NOW, frozen: true } });
    try {
      const bad = await simClient(sim).get(`/rest/api/3/search/jql?jql=${encodeURIComponent('project = ALPHA AND AND status = Done')}`);
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ errorMessages: ["Error in the JQL Query: Expecting a field name but got 'AND'. (line 1, character 21)"], errors: {} });
      const date = await simClient(sim).post('/rest/api/3/search/jql', { jql: 'updated >= "2026/01/15 25:00"' });
      expect(date.status).toBe(400);
      expect(date.body.errorMessages[0]).toMatch(/^Date value '2026\/01\/15 25:00' for field 'updated' is invalid/);
    } finally {
      await sim.close();
    }
  });

  it('users in three zones asking for the same instant in their own wall-clock time get the same issues', async () => {
    const sim = await startJiraSimulator({ issues: 40, historyShape: 'small', clock: { startMs: TEST_NOW, frozen: true } });
    try {
      const client = simClient(sim);
      // Edits at 10:29:59, 10:30:00, 10:30:45 and 10:31:00 UTC.
      const edits = [[Date.UTC(2026, 0, 15, 10, 29, 59), 'ALPHA-1'], [Date.UTC(2026, 0, 15, 10, 30), 'ALPHA-2'], [Date.UTC(2026, 0, 15, 10, 30, 45), 'BETA-1'], [Date.UTC(2026, 0, 15, 10, 31), 'BETA-2']] as const;
      for (const [at, key] of edits) {
        sim.clock.freeze(at);
        sim.data.updateIssue(key, { summary: `edited at ${at}` });
      }
      sim.clock.freeze(TEST_NOW);
      const local = { 'Pacific/Kiritimati': '2026/01/16 00:30', 'America/St_Johns': '2026/01/15 07:00', 'America/Los_Angeles': '2026/01/15 02:30' };
      const results: Record<string, string[][]> = {};
      for (const [zone, minute] of Object.entries(local)) {
        sim.data.setUserTimeZone(zone);
        const keys = async (op: string) =>
          (await client.post('/rest/api/3/search/jql', { jql: `updated ${op} "${minute}" AND updated >= "${minute.slice(0, 10)}" ORDER BY key`, fields: ['key'], maxResults: 100 })).body.issues
            .map((i: any) => i.key)
            .filter((k: string) => edits.some(([, key]) => key === k));
        results[zone] = [await keys('>='), await keys('>'), await keys('<='), await keys('=')];
      }
      expect(results['Pacific/Kiritimati']).toEqual([['ALPHA-2', 'BETA-1', 'BETA-2'], ['BETA-2'], ['ALPHA-1', 'ALPHA-2', 'BETA-1'], ['ALPHA-2', 'BETA-1']]);
      expect(results['America/St_Johns']).toEqual(results['Pacific/Kiritimati']);
      expect(results['America/Los_Angeles']).toEqual(results['Pacific/Kiritimati']);
    } finally {
      await sim.close();
    }
  });
});
