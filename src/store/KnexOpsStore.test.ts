import { TestDatabases } from '@backstage/backend-test-utils';
import { KnexOpsStore } from './KnexOpsStore';
import { storeDatabase } from './testFixtures';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe.each(databases.eachSupportedId())('incident claims on %s', databaseId => {
  it('lets exactly one of several replicas open, notice and resolve an incident', async () => {
    const knex = await databases.init(databaseId);
    // Five "replicas": separate store objects over the same database.
    const replicas = await Promise.all(Array.from({ length: 5 }, () => KnexOpsStore.create(storeDatabase(knex))));
    const key = { subjectType: 'sync' as const, subjectId: 'alpha', kind: 'stale' };

    const opened = await Promise.all(replicas.map(s => s.openIncident({ ...key, message: 'stale', nowMs: 1000 })));
    expect(opened.filter(Boolean)).toHaveLength(1);
    const claimed = await Promise.all(replicas.map(s => s.claimIncidentNotice({ ...key, nowMs: 1001 })));
    expect(claimed.filter(Boolean)).toHaveLength(1);
    const resolved = await Promise.all(replicas.map(s => s.resolveIncident({ ...key, nowMs: 2000 })));
    expect(resolved.filter(Boolean)).toEqual([expect.objectContaining({ openedMs: 1000, noticeSentMs: 1001, resolvedMs: 2000 })]);

    // The next incident of the same kind reopens the row, counted, with a fresh notice to send.
    expect(await replicas[0].openIncident({ ...key, message: 'stale again', nowMs: 3000 })).toBe(true);
    expect(await replicas[1].openIncident({ ...key, message: 'stale again', nowMs: 3001 })).toBe(false);
    expect(await replicas[1].claimIncidentNotice({ ...key, nowMs: 3002 })).toBe(true);
    await replicas[1].releaseIncidentNotice({ ...key, claimedMs: 3002 }); // sending failed
    expect(await replicas[2].claimIncidentNotice({ ...key, nowMs: 3003 })).toBe(true);
    const [incident] = await replicas[0].listIncidents({ subjectType: 'sync', subjectId: 'alpha' }, { openOnly: true });
    expect(incident).toMatchObject({ message: 'stale again', occurrences: 2, noticeSentMs: 3003, resolvedMs: null, recoverySentMs: null });
  });
});
