import { type Kysely, type MigrationResultSet, Migrator, PostgresAdapter, sql } from 'kysely';
import { migrations } from './migrations/index.ts';

export async function migrateToLatest(db: Kysely<any>, schemaName?: string): Promise<MigrationResultSet> {
  // Unless told the schema, Kysely takes a migration table in *any* schema as its own, so a
  // second Gatehouse (or test run) in another schema of the same PostgreSQL database would
  // skip creating its table and fail. Name the schema given, or the one the connection uses.
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const schema = !postgres
    ? null
    : (schemaName ?? (await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db)).rows[0]?.schema);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  return migrator.migrateToLatest();
}

/** Migrates and throws when any migration failed, naming it. */
export async function migrateOrThrow(db: Kysely<any>, schema?: string): Promise<string[]> {
  const { error, results } = await migrateToLatest(db, schema);
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${String((error as Error)?.message ?? error)}`, {
      cause: error,
    });
  }
  return (results ?? []).map((r) => r.migrationName);
}
