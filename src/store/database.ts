import { resolvePackagePath, type DatabaseService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

/** The plugin's migrations, wherever the package is installed. */
export const migrationsDirectory = resolvePackagePath('@jira-sync/backstage-plugin-jira-sync-backend', 'migrations');

const migrated = new WeakMap<Knex, Promise<void>>();
const guarded = new WeakSet<Knex>();

/** A better-sqlite3 connection, as far as the guards below need it. */
interface SqliteConnection {
  inTransaction?: boolean;
  exec?(sql: string): unknown;
  pragma?(sql: string): unknown;
}

const isSqliteClient = (knex: Knex) => /sqlite/i.test(String(knex.client.config.client));
const poolOf = (knex: Knex) => (knex.client as { pool?: { on(event: string, listener: (...args: any[]) => void): void } }).pool;

/**
 * SQLite keeps a transaction open when its COMMIT fails (SQLITE_BUSY while another process reads):
 * a connection handed back to the pool that way would fail every later write with "cannot start a
 * transaction within a transaction". Such a connection is rolled back as it is released (better-sqlite3
 * is synchronous, so nobody can take it in between); PostgreSQL ends a transaction whose COMMIT failed itself.
 */
export function guardTransactions(knex: Knex): void {
  if (guarded.has(knex) || !isSqliteClient(knex)) return;
  guarded.add(knex);
  poolOf(knex)?.on('release', (connection: SqliteConnection) => {
    if (connection.inTransaction && connection.exec) connection.exec('ROLLBACK');
  });
}

/**
 * Makes every connection of `knex` refuse writes (for the CLI, which must never change the
 * plugin's data): PostgreSQL sessions default to READ ONLY transactions, SQLite connections to
 * `query_only`. Call before the first query; no transaction is held, so writers are never blocked
 * for longer than one statement.
 */
export async function makeReadOnly(knex: Knex): Promise<void> {
  const sqlite = isSqliteClient(knex);
  poolOf(knex)?.on('createSuccess', (_eventId: unknown, connection: SqliteConnection & { query?(sql: string): Promise<unknown> }) => {
    // Queued before any query of the acquirer: pg runs a client's queries in order.
    if (sqlite) connection.pragma?.('query_only = ON');
    else connection.query?.('SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY').catch(() => undefined);
  });
  // A connection the pool made before the listener (none in practice) is covered too.
  await knex.raw(sqlite ? 'PRAGMA query_only = ON' : 'SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY');
}

/**
 * Proves the database takes writes (for /health): a write statement in a transaction that is
 * rolled back. Fails when a lock is held past the busy timeout or a connection is unusable.
 */
export async function probeWrite(knex: Knex): Promise<void> {
  const trx = await knex.transaction();
  try {
    // Matches no row but needs the write lock on SQLite and a writable transaction on PostgreSQL.
    await trx('jira_sync_sync_state').where('sync_id', '(health probe)').del();
  } finally {
    await trx.rollback().catch(() => undefined);
  }
}

/**
 * The plugin's database client, migrated to the latest schema unless the database service says
 * to skip migrations. Every store's `create` calls this; a client is migrated once.
 */
export async function connect(database: Pick<DatabaseService, 'getClient' | 'migrations'>): Promise<Knex> {
  const knex = await database.getClient();
  guardTransactions(knex);
  if (database.migrations?.skip) return knex;
  let done = migrated.get(knex);
  if (!done) {
    done = knex.migrate.latest({ directory: migrationsDirectory }).then(() => undefined);
    migrated.set(knex, done);
    // A failed migration is tried again by the next caller.
    done.catch(() => migrated.delete(knex));
  }
  await done;
  return knex;
}

/** What every store's `create` takes: Backstage's database service (or a stand-in in tests and the CLI). */
export interface StoreOptions {
  database: Pick<DatabaseService, 'getClient' | 'migrations'>;
}
