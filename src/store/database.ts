import { resolvePackagePath, type DatabaseService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';

/** The plugin's migrations, wherever the package is installed. */
export const migrationsDirectory = resolvePackagePath('@jira-sync/backstage-plugin-jira-sync-backend', 'migrations');

const migrated = new WeakMap<Knex, Promise<void>>();

/**
 * The plugin's database client, migrated to the latest schema unless the database service says
 * to skip migrations. Every store's `create` calls this; a client is migrated once.
 */
export async function connect(database: Pick<DatabaseService, 'getClient' | 'migrations'>): Promise<Knex> {
  const knex = await database.getClient();
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
