import { type Kysely, type MigrationResultSet, Migrator } from 'kysely';
import { migrations } from './migrations/index.ts';

export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  });
  return migrator.migrateToLatest();
}

/** Migrates and throws when any migration failed, naming it. */
export async function migrateOrThrow(db: Kysely<any>): Promise<string[]> {
  const { error, results } = await migrateToLatest(db);
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${String((error as Error)?.message ?? error)}`, {
      cause: error,
    });
  }
  return (results ?? []).map((r) => r.migrationName);
}
