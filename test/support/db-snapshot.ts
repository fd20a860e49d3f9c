import { type Kysely, sql } from 'kysely';
import type { TestDatabase } from './databases.ts';

/**
 * Every row of every table of a test database, in a stable order: compare two snapshots to
 * prove a request changed nothing at all. PostgreSQL tables are those of the test's own schema.
 */
export async function snapshotDatabase(database: TestDatabase): Promise<Record<string, unknown[]>> {
  const db = database.handle.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const tables = (await tableNames(database)).filter((name) => !name.startsWith('kysely_')).sort();
  const out: Record<string, unknown[]> = {};
  for (const name of tables) {
    const rows = await db.selectFrom(name).selectAll().execute();
    out[name] = rows.map((r) => JSON.stringify(r, Object.keys(r).sort())).sort();
  }
  return out;
}

/**
 * The tables of the database (PostgreSQL: of its own schema only). Kysely's introspection reads
 * every schema in the database and fails when another test file drops its schema meanwhile.
 */
async function tableNames(database: TestDatabase): Promise<string[]> {
  const db = database.handle.db;
  if (database.schema === undefined) {
    return (await db.introspection.getTables()).filter((t) => !t.isView).map((t) => t.name);
  }
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${database.schema} and c.relkind in ('r', 'p')`.execute(db);
  return rows.map((r) => r.name);
}
