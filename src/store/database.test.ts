import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import { TestDatabases } from '@backstage/backend-test-utils';
import { connect, makeReadOnly, probeWrite } from './database';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe('a failed COMMIT on SQLite (another process reading)', () => {
  it('leaves the connection out of the transaction: the next write succeeds; the write probe fails only while a lock is held', async () => {
    const filename = join(mkdtempSync(join(tmpdir(), 'jira-sync-busy-')), 'db.sqlite');
    const knex = knexFactory({ client: 'better-sqlite3', connection: { filename }, useNullAsDefault: true });
    try {
      await connect({ getClient: async () => knex });
      await knex.raw('PRAGMA busy_timeout = 100');
      // Another process in a read transaction holds SQLite's shared lock: a writer's COMMIT cannot take the exclusive one.
      const other = knexFactory({ client: 'better-sqlite3', connection: { filename }, useNullAsDefault: true });
      const reader = await other.client.acquireConnection();
      reader.exec('BEGIN');
      reader.prepare('select count(*) from jira_sync_sync_state').get();

      const write = (id: string) => knex.transaction(trx => trx('jira_sync_sync_state').insert({ sync_id: id, instance: 'a', updated_ms: 1 }));
      await expect(write('first')).rejects.toThrow(/SQLITE_BUSY|database is locked/);
      reader.exec('ROLLBACK');

      await write('second');
      await probeWrite(knex);
      // Another process holding the write lock: the probe reports a database that cannot write.
      reader.exec('BEGIN IMMEDIATE');
      await expect(probeWrite(knex)).rejects.toThrow(/SQLITE_BUSY|database is locked/);
      reader.exec('ROLLBACK');
      other.client.releaseConnection(reader);
      await other.destroy();
      await probeWrite(knex);
      expect((await knex('jira_sync_sync_state').select('sync_id')).map(r => r.sync_id)).toEqual(['second']);
    } finally {
      await knex.destroy();
    }
  });
});

describe.each(databases.eachSupportedId())('database helpers on %s', databaseId => {
  it('probeWrite passes on a writable database and leaves no row', async () => {
    const knex = await databases.init(databaseId);
    await connect({ getClient: async () => knex });
    await probeWrite(knex);
    expect(Number((await knex('jira_sync_sync_state').count({ n: '*' }))[0].n)).toBe(0);
  });

  it('makeReadOnly refuses writes on every connection, without holding a transaction', async () => {
    const knex = await databases.init(databaseId);
    await connect({ getClient: async () => knex });
    await makeReadOnly(knex);
    await expect(knex('jira_sync_sync_state').insert({ sync_id: 'x', instance: 'a', updated_ms: 1 })).rejects.toThrow(/read-only|readonly|query_only|attempt to write/i);
    await expect(probeWrite(knex)).rejects.toThrow();
    expect(Number((await knex('jira_sync_sync_state').count({ n: '*' }))[0].n)).toBe(0);
  });
});
