/**
 * Multi-row writes without knex's query builder, which spends more time building a statement of
 * thousands of values (and SQLite more time parsing it) than the database spends writing it
 * (bench/README.md, "Where the CPU goes"): on SQLite one prepared single-row statement per table,
 * run for every row; on PostgreSQL one `insert … select from unnest(arrays)` per batch, a statement
 * of one parameter per column whatever the number of rows.
 */
import type { Knex } from 'knex';
import { chunk, isSqlite } from './rows';

type PgType = 'text' | 'bigint' | 'integer';

/** A table's columns in the order rows give their values, with the PostgreSQL array type of each. */
export interface BulkTable {
  readonly table: string;
  readonly columns: ReadonlyArray<readonly [name: string, pgType: PgType]>;
}

/** On conflict with `key`: keep the stored row, or update `merge` columns where `where` holds. */
export type BulkConflict =
  | { readonly key: readonly string[]; readonly ignore: true }
  | { readonly key: readonly string[]; readonly merge: readonly string[]; readonly where?: string };

/** better-sqlite3, as far as this file needs it. */
interface SqliteStatement {
  run(...values: unknown[]): unknown;
  get(...values: unknown[]): Record<string, unknown> | undefined;
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
}

/** Rows per PostgreSQL statement: bounds the arrays a statement carries, not its parameter count. */
const PG_ROWS_PER_STATEMENT = 5000;

const prepared = new WeakMap<SqliteConnection, Map<string, SqliteStatement>>();

async function sqliteStatement(tx: Knex.Transaction, sql: string): Promise<SqliteStatement> {
  // Inside a transaction knex hands out the transaction's own connection, already held.
  const connection: SqliteConnection = await (tx.client as { acquireConnection(): Promise<SqliteConnection> }).acquireConnection();
  let byText = prepared.get(connection);
  if (!byText) prepared.set(connection, (byText = new Map()));
  let statement = byText.get(sql);
  if (!statement) byText.set(sql, (statement = connection.prepare(sql)));
  return statement;
}

function conflictSql(table: string, conflict: BulkConflict): string {
  const key = `on conflict (${conflict.key.join(', ')})`;
  if ('ignore' in conflict) return `${key} do nothing`;
  const set = conflict.merge.map(c => `${c} = excluded.${c}`).join(', ');
  return `${key} do update set ${set}${conflict.where ? ` where ${conflict.where.replace(/\$table/g, table)}` : ''}`;
}

/**
 * Writes `rows` (values in `spec.columns` order) in the transaction; with `returning`, gives that
 * column of the rows inserted or updated (not of those the conflict rule left alone).
 */
export async function bulkWrite(
  tx: Knex.Transaction,
  spec: BulkTable,
  rows: unknown[][],
  conflict?: BulkConflict,
  returning?: string,
): Promise<unknown[]> {
  const out: unknown[] = [];
  if (!rows.length) return out;
  const names = spec.columns.map(([name]) => name);
  const tail = `${conflict ? conflictSql(spec.table, conflict) : ''}${returning ? ` returning ${returning}` : ''}`;
  if (isSqlite(tx)) {
    const statement = await sqliteStatement(tx, `insert into ${spec.table} (${names.join(', ')}) values (${names.map(() => '?').join(', ')}) ${tail}`);
    for (const row of rows) {
      if (!returning) {
        statement.run(...row);
        continue;
      }
      const written = statement.get(...row);
      if (written) out.push(written[returning]);
    }
    return out;
  }
  const arrays = spec.columns.map(([, type]) => `?::${type}[]`).join(', ');
  const sql = `insert into ${spec.table} (${names.join(', ')}) select * from unnest(${arrays}) ${tail}`;
  for (const batch of chunk(rows, PG_ROWS_PER_STATEMENT)) {
    const columns = spec.columns.map((_, i) => batch.map(row => row[i]));
    const result: { rows: Array<Record<string, unknown>> } = await tx.raw(sql, columns as Knex.RawBinding[]);
    if (returning) for (const row of result.rows) out.push(row[returning]);
  }
  return out;
}

/** A row object's values in the table's column order. */
export const valuesOf = (spec: BulkTable, row: Record<string, unknown>): unknown[] => spec.columns.map(([name]) => row[name] ?? null);
