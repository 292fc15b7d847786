import { startJiraSimulator, type JiraSimulator } from '../../dev/simulator';
import { BULKFETCH_MAX_HISTORIES, BULKFETCH_MAX_ISSUES, CLOUD_EMBEDDED_HISTORY_LIMIT } from './changelog';
import { readAll, simClient } from './simTestSupport';
import { jqlEpochMinute } from './time';
import type { JiraIssue, StoredHistoryState } from './types';

/** The fields a sync asks for by default (test/support/harness.ts). */
const SYNC_FIELDS = [
  'summary', 'status', 'issuetype', 'project', 'priority', 'assignee', 'reporter', 'labels',
  'components', 'fixVersions', 'parent', 'created', 'updated', 'resolutiondate', 'issuelinks',
];

type Truth = ReturnType<JiraSimulator['truth']>[number];

function expectComplete(delivered: JiraIssue[], truth: Truth[]) {
  const byId = new Map(delivered.map(i => [i.id, i]));
  expect(byId.size).toBe(truth.length);
  for (const t of truth) {
    const issue = byId.get(t.id)!;
    const from = issue.historiesFrom ?? 0;
    expect(issue.historyTotal).toBe(t.histories.length);
    // Complete, oldest first, every field of every history as Jira has it.
    expect(issue.histories).toEqual(t.histories.slice(from));
  }
}

const jqlOf = (sim: JiraSimulator) => `project in (${sim.data.projects().join(', ')}) ORDER BY updated ASC, key ASC`;

describe.each(['cloud', 'datacenter'] as const)('complete changelogs on %s', deployment => {
  let sim: JiraSimulator;
  afterEach(async () => sim?.close());

  it.each([true, false])('long-tail histories (1 to 2,000) are complete and in order (embedded: %s)', async expandOnSearch => {
    sim = await startJiraSimulator({ seed: 36, projects: 2, issues: 800, historyShape: 'longTail', deployment });
    // The generated tail ends near 1,500: edit the longest issue up to 2,000 histories.
    const longest = sim.truth().reduce((a, b) => (b.histories.length > a.histories.length ? b : a));
    for (let n = longest.histories.length; n < 2000; n++) sim.data.updateIssue(longest.id, { summary: `edit ${n}` });
    const truth = sim.truth();
    const lengths = truth.map(t => t.histories.length);
    expect(Math.max(...lengths)).toBe(2000);
    expect(lengths.filter(n => n > 1000).length).toBeGreaterThan(1);
    expect(lengths.filter(n => n === 1).length).toBeGreaterThan(10);
    expect(lengths.filter(n => n > CLOUD_EMBEDDED_HISTORY_LIMIT).length).toBeGreaterThan(10);
    const { client } = simClient(sim, {}, { changelog: { expandOnSearch } });
    const { deliveries } = await readAll(client, { jql: jqlOf(sim), fields: SYNC_FIELDS });
    expectComplete(deliveries, truth);
    expect(deliveries.every(i => i.historiesFrom === undefined)).toBe(true);
  });

  it.each([true, false])('an issue whose stored history count is known gets only its new histories (embedded: %s)', async expandOnSearch => {
    sim = await startJiraSimulator({ seed: 32, projects: 2, issues: 400, historyShape: 'longTail', deployment });
    const before = sim.truth();
    const longest = [...before].sort((a, b) => b.histories.length - a.histories.length);
    // New histories: on the longest issue (beyond the embedded 40 by far), on mid-sized ones, on short ones.
    const edited = [longest[0], longest[5], longest[30], longest[200]];
    for (const issue of edited) for (let n = 0; n < 3; n++) sim.data.updateIssue(issue.id, { summary: `${issue.key} edit ${n}` });
    const stored = new Map<string, StoredHistoryState>(
      before.map(t => [t.id, { historyCount: t.histories.length, lastHistoryId: t.histories.at(-1)?.id }]),
    );
    const { client } = simClient(sim, {}, { changelog: { expandOnSearch } });
    const { deliveries } = await readAll(client, {
      jql: jqlOf(sim),
      fields: SYNC_FIELDS,
      storedHistories: async ids => new Map(ids.filter(id => stored.has(id)).map(id => [id, stored.get(id)!])),
    });
    const after = sim.truth();
    expectComplete(deliveries, after);
    const byId = new Map(deliveries.map(i => [i.id, i]));
    for (const issue of edited) {
      const got = byId.get(issue.id)!;
      // Delivered either as new histories from the stored count, or whole.
      expect([undefined, issue.histories.length]).toContain(got.historiesFrom);
    }
    // The longest issue's new histories come alone, not with its 1,000+ known ones.
    expect(byId.get(longest[0].id)!.histories.length).toBe(3);
    // Cloud: only long known histories are read from startAt; everything else is embedded or bulk.
    const perIssue = sim.requestLog.entries().filter(e => e.endpoint === 'GET /rest/api/3/issue/{id}/changelog');
    expect(perIssue.length).toBeLessThanOrEqual(deployment === 'cloud' ? longest.filter(t => t.histories.length >= 400).length : 0);
  });

  it('getIssues returns complete issues and leaves out missing ids', async () => {
    sim = await startJiraSimulator({ seed: 33, projects: 1, issues: 300, historyShape: 'longTail', deployment });
    const truth = sim.truth();
    const long = truth.filter(t => t.histories.length > CLOUD_EMBEDDED_HISTORY_LIMIT).slice(0, 3);
    const wanted = [...long, ...truth.slice(0, 5)];
    const gone = truth[10];
    sim.data.deleteIssue(gone.id);
    const { client } = simClient(sim);
    const issues = await client.getIssues([...wanted.map(t => t.id), gone.id], { fields: SYNC_FIELDS });
    expect(issues.map(i => i.id).sort()).toEqual([...new Set(wanted.map(t => t.id))].sort());
    expectComplete(issues, wanted.filter((t, i, all) => all.findIndex(x => x.id === t.id) === i));
  });
});

describe('measured cost of a full read (Cloud, default simulator data: 1,000 issues, long-tail histories)', () => {
  it('stays within 10% of the lower bound in calls', async () => {
    const results: Record<string, { calls: number; bytes: number; byEndpoint: Record<string, number> }> = {};
    let lowerBound = 0;
    let describeTruth = '';
    // (false is what 'auto' does for an unbounded query, so it is not read a third time.)
    for (const expandOnSearch of ['auto', true] as const) {
      const sim = await startJiraSimulator({});
      try {
        const truth = sim.truth();
        const { client } = simClient(sim, {}, { changelog: { expandOnSearch } });
        const { deliveries } = await readAll(client, { jql: jqlOf(sim), fields: SYNC_FIELDS });
        expectComplete(deliveries, truth);
        const log = sim.requestLog.entries();
        results[String(expandOnSearch)] = {
          calls: log.length,
          bytes: log.reduce((n, e) => n + e.bytes, 0),
          byEndpoint: Object.fromEntries(Object.entries(sim.requestLog.countsByEndpoint()).map(([k, v]) => [k, v.calls])),
        };

        // The lower bound, from the truth: search pages at the page cap plus the changelog calls
        // any strategy needs (≤ 1000 issues and ≤ 10,000 histories a bulk call), the cheaper of
        // searching with embedded changelogs (cap 50, only >40-history issues fetched) or without (cap 100).
        const counts = truth.map(t => t.histories.length);
        const bulkCalls = (needing: number[]) =>
          needing.length ? Math.max(Math.ceil(needing.length / BULKFETCH_MAX_ISSUES), Math.ceil(needing.reduce((a, b) => a + b, 0) / BULKFETCH_MAX_HISTORIES)) : 0;
        const embedded = Math.ceil(truth.length / 50) + bulkCalls(counts.filter(n => n > CLOUD_EMBEDDED_HISTORY_LIMIT));
        const bare = Math.ceil(truth.length / 100) + bulkCalls(counts.filter(n => n > 0));
        lowerBound = Math.min(embedded, bare);
        describeTruth =
          `${truth.length} issues, ${counts.reduce((a, b) => a + b, 0)} histories, ${counts.filter(n => n > 0).length} with any, ` +
          `${counts.filter(n => n > CLOUD_EMBEDDED_HISTORY_LIMIT).length} with >40, max ${Math.max(...counts)}; lower bound: embedded ${embedded}, bare ${bare}`;
      } finally {
        await sim.close();
      }
    }
    const chosen = results.auto;
    const ratio = chosen.calls / lowerBound;
    // eslint-disable-next-line no-console
    console.log(
      [
        `full read: ${describeTruth}`,
        ...Object.entries(results).map(([mode, r]) => `  expandOnSearch=${mode}: ${r.calls} calls, ${r.bytes} bytes ${JSON.stringify(r.byEndpoint)}`),
        `  ratio to the lower bound (${lowerBound}, serverInfo included in the calls): ${ratio.toFixed(3)}`,
      ].join('\n'),
    );
    expect(ratio).toBeLessThanOrEqual(1.1);
    expect(chosen.calls).toBeLessThanOrEqual(results.true.calls);
    expect(chosen.bytes).toBeLessThanOrEqual(results.true.bytes);
  });

  it('an incremental read of a few edited issues costs one search call when their new histories are embedded', async () => {
    const sim = await startJiraSimulator({ seed: 1 });
    try {
      const before = sim.truth();
      const stored = new Map(before.map(t => [t.id, { historyCount: t.histories.length, lastHistoryId: t.histories.at(-1)?.id }]));
      const watermark = sim.clock.now();
      sim.clock.advance(120_000);
      const longest = [...before].sort((a, b) => b.histories.length - a.histories.length);
      for (const t of [longest[0], longest[3], before[7], before[8], before[9]]) sim.data.updateIssue(t.id, { summary: `${t.key} edited` });
      const costs: Record<string, { calls: number; bytes: number }> = {};
      for (const expandOnSearch of ['auto', false] as const) {
        const { client } = simClient(sim, { deployment: 'cloud' }, { changelog: { expandOnSearch } });
        sim.requestLog.clear();
        const { deliveries } = await readAll(client, {
          jql: `project in (${sim.data.projects().join(', ')}) AND updated >= ${jqlEpochMinute(watermark)} ORDER BY updated ASC, key ASC`,
          fields: SYNC_FIELDS,
          storedHistories: async ids => new Map(ids.filter(id => stored.has(id)).map(id => [id, stored.get(id)!])),
        });
        expect(deliveries).toHaveLength(5);
        const after = new Map(sim.truth().map(t => [t.id, t]));
        for (const issue of deliveries) expect(issue.histories).toEqual(after.get(issue.id)!.histories.slice(issue.historiesFrom ?? 0));
        const log = sim.requestLog.entries();
        costs[String(expandOnSearch)] = { calls: log.length, bytes: log.reduce((n, e) => n + e.bytes, 0) };
      }
      // eslint-disable-next-line no-console
      console.log(`incremental read of 5 edited issues: ${JSON.stringify(costs)}`);
      expect(costs.auto.calls).toBe(1);
      expect(costs.auto.bytes).toBeLessThan(costs.false.bytes);
    } finally {
      await sim.close();
    }
  });
});
