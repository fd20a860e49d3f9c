import type { Kysely } from 'kysely';
import type { TestDatabase } from './databases.ts';

/**
 * Every row of every table of a test database, in a stable order: compare two snapshots to
 * prove a request changed nothing at all. PostgreSQL tables are those of the test's own schema.
 */
export async function snapshotDatabase(database: TestDatabase): Promise<Record<string, unknown[]>> {
  const db = database.handle.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const tables = (await db.introspection.getTables())
    .filter((t) => !t.isView && (database.schema === undefined || t.schema === database.schema))
    .filter((t) => !t.name.startsWith('kysely_'))
    .map((t) => t.name)
    .sort();
  const out: Record<string, unknown[]> = {};
  for (const name of tables) {
    const rows = await db.selectFrom(name).selectAll().execute();
    out[name] = rows.map((r) => JSON.stringify(r, Object.keys(r).sort())).sort();
  }
  return out;
}
