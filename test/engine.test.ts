import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { Knex } from 'knex';
import { mockCredentials, mockServices, startTestBackend, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { startJiraSimulator, type JiraSimulator } from '../dev/simulator';
import jiraSyncPlugin from '../src';
import { simInstanceAppConfig } from './support/factories';
import { differencesFromTruth } from './support/truth';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const user = mockCredentials.user.header();
const projectOf = (issue: { fields: Record<string, unknown> }) => (issue.fields.project as { key: string }).key;

/** Differences between what one sync stored and the simulator's truth for the sync's projects. */
const differencesFor = (knex: Knex, sim: JiraSimulator, syncId: string, projects: string[]) => differencesFromTruth(knex, sim, { syncId, projects });

/**
 * The engine as users run it: the plugin in a Backstage backend, its syncs as scheduler tasks,
 * runs triggered through the REST API, the database compared with Jira after every step.
 */
describe.each(databases.eachSupportedId())('full, incremental and reconciling runs in a Backstage backend on %s', databaseId => {
  let sim: JiraSimulator;
  let knex: Knex;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    // Frozen clock: edits land in the same minute as the watermark unless a test advances it.
    sim = await startJiraSimulator({ seed: 11, projects: 3, issues: 240, historyShape: 'longTail', clock: { frozen: true } });
    const [a, b] = sim.data.projects();
    const dir = mkdtempSync(join(tmpdir(), 'jira-sync-engine-'));
    const spec = join(dir, 'jira-sync.yaml');
    writeFileSync(
      spec,
      [
        'syncs:',
        `  - id: board`,
        `    instance: sim`,
        `    projects: [${a}]`,
        `    strategy: full`,
        `  - id: team`,
        `    instance: sim`,
        `    projects: [${a}, ${b}]`,
        `    strategy: incremental`,
        `    reconcile: { every: { milliseconds: 1 } }`,
        `    pageSize: 40`,
        '',
      ].join('\n'),
    );
    knex = await databases.init(databaseId);
    backend = await startTestBackend({
      features: [
        jiraSyncPlugin,
        mockServices.rootConfig.factory({
          data: {
            jiraSync: {
              instances: [simInstanceAppConfig(sim)],
              spec: { path: spec },
              completeness: { enabled: false },
            },
          },
        }),
        mockServices.database.factory({ knex }),
        // Runs every sync once at start-up; later runs only when the test triggers them.
        mockServices.scheduler.factory({ includeInitialDelayedTasksOnStartup: true }),
        catalogServiceMock.factory({ entities: [] }),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await sim?.close();
  });

  const trigger = async (syncId: string) => {
    const res = await request(backend.server).post(`/api/jira-sync/syncs/${syncId}/trigger`).set('Authorization', user);
    expect(res.status).toBeLessThan(300);
  };
  const runsOf = async (syncId: string) => {
    const res = await request(backend.server).get(`/api/jira-sync/syncs/${syncId}/runs`).set('Authorization', user);
    expect(res.status).toBe(200);
    return res.body.items as Array<Record<string, any>>;
  };

  it('the first runs store exactly what Jira has for each sync, sharing the rows of the common project', async () => {
    const [a, b] = sim.data.projects();
    expect(await differencesFor(knex, sim, 'board', [a])).toBe('no differences');
    expect(await differencesFor(knex, sim, 'team', [a, b])).toBe('no differences');
    // Issues of project A are seen by both syncs but stored once.
    const rows = await knex('jira_sync_issues').count({ n: '*' }).first();
    expect(Number(rows?.n)).toBe(sim.truth().filter(i => [a, b].includes(projectOf(i))).length);
    const [teamRun] = await runsOf('team');
    expect(teamRun).toMatchObject({ outcome: 'succeeded' });
  });

  it('edits in the watermark minute, in a UTC+13:45 zone, creations, deletions and moves reach both syncs', async () => {
    const [a, b, c] = sim.data.projects();
    const inA = sim.data.all().filter(i => projectOf(i) === a);
    const inB = sim.data.all().filter(i => projectOf(i) === b);
    sim.data.setUserTimeZone('Pacific/Chatham');
    sim.data.updateIssue(inA[3].id, { summary: 'edited in the same minute as the watermark' });
    sim.data.updateIssue(inB[4].id, { labels: ['chatham'] });
    const created = sim.data.createIssue({ project: b, fields: { summary: 'new in B' } });
    // Deleted with a link to an issue both syncs keep: Jira drops the link there without bumping that issue.
    const linkedPartner = (i: (typeof inA)[number]) =>
      ((i.fields.issuelinks ?? []) as Array<{ inwardIssue?: { key: string }; outwardIssue?: { key: string } }>)
        .map(l => (l.inwardIssue ?? l.outwardIssue)!.key)
        .find(key => key.startsWith(`${b}-`));
    const deleted = inA.slice(5).find(i => linkedPartner(i))!;
    expect(deleted).toBeDefined();
    sim.data.deleteIssue(deleted.id);
    const movedOut = sim.data.moveIssue(inA[1].id, c);
    const movedAcross = sim.data.moveIssue(inA[2].id, b);

    await trigger('board');
    await trigger('team');

    expect(await differencesFor(knex, sim, 'board', [a])).toBe('no differences');
    expect(await differencesFor(knex, sim, 'team', [a, b])).toBe('no differences');
    const row = (id: string) => knex('jira_sync_issues').where({ instance: 'sim', issue_id: id }).first();
    expect((await row(deleted.id)).deleted_reason).toMatch(/deleted in Jira/);
    const partnerLinks = await knex('jira_sync_issue_links').where({ instance: 'sim', other_issue_id: deleted.id });
    expect(partnerLinks).toEqual([]);
    const outRow = await row(movedOut.id);
    expect(outRow.deleted_reason).toMatch(/no longer matches/);
    expect(outRow.issue_key).toBe(movedOut.key);
    // Moved from A to B: out of the board's scope but still seen by the team sync, so live.
    const acrossRow = await row(movedAcross.id);
    expect(acrossRow.deleted_ms).toBeNull();
    expect(acrossRow.issue_key).toBe(movedAcross.key);
    expect((await row(created.id)).summary).toBe('new in B');
    // The board saw them go first but the team sync still saw them: only the team's run deletes.
    const [teamRun] = await runsOf('team');
    expect(teamRun).toMatchObject({ outcome: 'succeeded', counters: { issuesDeleted: 2 } });
    const [boardRun] = await runsOf('board');
    expect(boardRun).toMatchObject({ outcome: 'succeeded', counters: { issuesDeleted: 0 } });
  });
});
