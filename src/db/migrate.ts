import { type Kysely, type MigrationResultSet, Migrator, PostgresAdapter, sql } from 'kysely';
import { migrations } from './migrations/index.ts';

export async function migrateToLatest(db: Kysely<any>, schemaName?: string): Promise<MigrationResultSet> {
  // Unless told the schema, Kysely takes a migration table in *any* schema as its own, so a
  // second Gatehouse (or test run) in another schema of the same PostgreSQL database would
  // skip creating its table and fail. Name the schema given, or the one the connection uses.
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const schema = !postgres
    ? null
    : (schemaName ??
      (await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db)).rows[0]?.schema);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  for (let attempt = 1; ; attempt++) {
    const result = await migrator.migrateToLatest();
    if (attempt >= 10 || !otherSchemaVanished(result.error, schema)) return result;
  }
}

/**
 * Kysely looks for its migration table by reading the catalog of every schema in the database;
 * when another process drops a schema during that read (other test runs, another tenant's
 * schema), PostgreSQL answers "schema … does not exist" about a schema that is not ours.
 * Nothing was migrated then, so reading again is safe.
 */
function otherSchemaVanished(error: unknown, ours: string | null | undefined): boolean {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  if (e?.code !== '3F000' || typeof e.message !== 'string') return false;
  return !ours || !e.message.includes(`"${ours}"`);
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
