import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { createJiraClient } from '../../src/jira';
import { recordingLogger } from '../../src/jira/simTestSupport';
import { SyncEngine } from '../../src/sync';
import type { SyncStore } from '../../src/store/types';
import type { JiraClient } from '../../src/jira/types';
import { startHarness, type Harness } from '../support/harness';
import { fastSleep, simInstanceConfig, syncDefinition } from '../support/factories';
import { chaosSize, secretFile } from './inprocSupport';

jest.setTimeout(chaosSize(60_000, 600_000));

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
// More than one changelog batch (1000 issues): the loss always lands before the sweep ends.
const ISSUES = chaosSize(1200, 6000);
const FAILURE = /^sync "creds": credentials for instance sim expired or were revoked \(HTTP 401 from (GET|POST) \/rest\/api\/3\/[\w/{}-]+\)$/;

describe.each(databases.eachSupportedId())('credentials lost mid-run on %s', databaseId => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it.each(['expires', 'is revoked'] as const)(
    'the token %s after two pages were read: the run fails clearly, keeps what it committed, and the rotated token file finishes the sweep',
    async loss => {
      h = await startHarness(await databases.init(databaseId), { seed: 515, projects: 2, issues: ISSUES, historyShape: 'small' });
      const { sim } = h;
      sim.auth.addToken('chaos-token-1');
      const tokenFile = secretFile('api-token', 'chaos-token-1');
      const { lines, logger } = recordingLogger();
      const client = createJiraClient({
        config: simInstanceConfig(sim, { auth: { type: 'basic', email: sim.credentials.email, apiTokenFile: tokenFile.path } }),
        logger,
        sleep: fastSleep,
      });

      // The token is lost once the client has handed the engine its second page (whatever the engine's read-ahead).
      const lose = () => (loss === 'expires' ? sim.auth.expireTokenAt('chaos-token-1', sim.clock.now()) : sim.auth.revoke('chaos-token-1'));
      let pagesRead = 0;
      const losingClient: JiraClient = Object.assign(Object.create(client), {
        async *searchIssues(options: Parameters<JiraClient['searchIssues']>[0]) {
          for await (const page of client.searchIssues(options)) {
            yield page;
            if (++pagesRead === 2) lose();
          }
        },
      });
      // The store as the engine sees it, noting each committed sweep page.
      const committedPages: string[][] = [];
      const store = new Proxy(h.store, {
        get(target, property, receiver) {
          if (property !== 'writePage') {
            const value = Reflect.get(target, property, receiver);
            return typeof value === 'function' ? value.bind(target) : value;
          }
          return async (input: Parameters<SyncStore['writePage']>[0]) => {
            const result = await target.writePage(input);
            if (input.state) committedPages.push(input.versions.map(v => v.issue.issueId));
            return result;
          };
        },
      });
      const engine = new SyncEngine({ store, clientFor: () => losingClient, logger: mockServices.logger.mock() });
      const sync = syncDefinition({ id: 'creds', projects: sim.data.projects() });

      const failed = await engine.run(sync);
      expect(failed.outcome).toBe('failed');
      expect(failed.error).toMatch(FAILURE);
      const [failedRecord] = await h.store.listRuns(sync.id, 1);
      expect(failedRecord).toMatchObject({ outcome: 'failed', error: failed.error });
      // Every page committed before the run failed is there (pages already read may commit after the loss: they are true data).
      expect(committedPages.length).toBeGreaterThanOrEqual(2);
      const committed = committedPages.flat();
      const stored = await h.knex('jira_sync_issues').where({ instance: 'sim' }).whereIn('issue_id', committed).count({ n: '*' });
      expect(Number(stored[0].n)).toBe(new Set(committed).size);
      expect(Number((await h.knex('jira_sync_issues').count({ n: '*' }))[0].n)).toBeLessThan(ISSUES);
      expect((await h.store.getState(sync.id))?.resumePoint).toMatchObject({ mode: 'full' });
      const unauthorized = sim.requestLog.entries().filter(e => e.status === 401);
      expect(unauthorized).toHaveLength(1);
      for (const text of [failed.error!, ...lines]) expect(text).not.toContain('chaos-token-1');
      console.log(`credentials ${loss} on ${databaseId}: failed after ${committedPages.length} committed pages (${new Set(committed).size} issues of ${ISSUES}): ${failed.error}`);

      // The operator rotates the token file; the next run re-reads it and resumes from the checkpoint.
      sim.auth.addToken('chaos-token-2');
      tokenFile.rotate('chaos-token-2');
      const resumed = await engine.run(sync);
      expect(resumed).toMatchObject({ outcome: 'succeeded', strategy: 'full (resumed)' });
      expect(await h.differences(sync)).toBe('no differences');
      for (const text of lines) expect(text).not.toContain('chaos-token-2');
    },
  );
});
