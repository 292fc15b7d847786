import { TestDatabases } from '@backstage/backend-test-utils';
import { specHash } from '../spec';
import { KnexSyncStore } from '../store';
import { storeDatabase } from '../store/testFixtures';
import { syncDefinition } from '../../test/support/factories';
import { auditSpecChanges } from './specAudit';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('spec-change audit events on %p', databaseId => {
  it('records one event naming added and changed syncs, and none when the spec matches what ran', async () => {
    const store = await KnexSyncStore.create(storeDatabase(await databases.init(databaseId)));
    const events: Array<{ eventId: string; meta?: unknown; outcome: string }> = [];
    const auditor = {
      createEvent: async ({ eventId, meta }: { eventId: string; meta?: unknown }) => ({
        success: async () => void events.push({ eventId, meta, outcome: 'success' }),
        fail: async () => void events.push({ eventId, meta, outcome: 'fail' }),
      }),
    } as any;
    const pay = syncDefinition({ id: 'pay', projects: ['PAY'] });
    const ops = syncDefinition({ id: 'ops', projects: ['OPS'] });
    await store.saveState({ syncId: 'pay', instance: 'sim', specHash: specHash(pay) }, Date.now());
    await store.saveState({ syncId: 'ops', instance: 'sim', specHash: specHash(ops) }, Date.now());

    await auditSpecChanges({ auditor, store, syncs: [pay, ops], source: 'jira-sync.yaml' });
    expect(events).toEqual([]);

    const opsWithJql = { ...ops, jql: 'labels = backend' };
    const web = syncDefinition({ id: 'web', projects: ['WEB'] });
    const result = await auditSpecChanges({ auditor, store, syncs: [pay, opsWithJql, web], source: 'jira-sync.yaml' });
    expect(result).toEqual({ added: ['web'], changed: ['ops'] });
    expect(events).toEqual([
      { eventId: 'spec-changed', meta: { source: 'jira-sync.yaml', added: ['web'], changed: ['ops'] }, outcome: 'success' },
    ]);
  });
});
