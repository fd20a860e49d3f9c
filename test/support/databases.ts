import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { type DatabaseHandle, type DialectName, openDatabase } from '../../src/db/database.ts';
import { migrateOrThrow } from '../../src/db/migrate.ts';
import { createMigratedSchema } from './postgres-schema.ts';

export interface TestDatabase {
  dialect: DialectName;
  /** The DATABASE_URL that reaches this database (PostgreSQL: with its own schema via `schema`). */
  url: string;
  schema: string | undefined;
  handle: DatabaseHandle;
  close(): Promise<void>;
}

/** The dialects every repository and service test runs on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set. */
export const DIALECTS: DialectName[] = process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

/**
 * A fresh, migrated database: an in-memory SQLite (or the file `sqliteFile`, for tests the CLI reads too), or a new
 * schema in the test PostgreSQL database, so test files never see each other's rows. The PostgreSQL schema is built by
 * replaying what the migrator ran once for this run, and dropped with the run's other schemas when it ends
 * (test/support/postgres-schema.ts).
 */
export async function createTestDatabase(
  dialect: DialectName,
  options: { sqliteFile?: string } = {},
): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const url = options.sqliteFile ? `sqlite:${options.sqliteFile}` : 'sqlite::memory:';
    const handle = openDatabase(url);
    await migrateOrThrow(handle.db);
    return { dialect, url, schema: undefined, handle, close: () => handle.close() };
  }
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set');
  const schema = `${inject('postgresSchemaPrefix')}${randomBytes(6).toString('hex')}`;
  await createMigratedSchema(url, schema, inject('postgresMigration'));
  // Other test files create and drop schemas meanwhile: no parallel plans over the catalog.
  const handle = openDatabase(url, { schema, serialPlans: true });
  return {
    dialect,
    url,
    schema,
    handle,
    close: () => handle.close(),
  };
}

/** The DATABASE_URL a child process (the real CLI) uses to reach `database`: its file, or its PostgreSQL schema. */
export function childDatabaseUrl(database: TestDatabase): string {
  if (database.dialect === 'sqlite') {
    if (database.url === 'sqlite::memory:')
      throw new Error('an in-memory database is private to this process: pass sqliteFile');
    return database.url;
  }
  const url = new URL(database.url);
  url.searchParams.set('options', `-c search_path=${database.schema} -c max_parallel_workers_per_gather=0`);
  return url.toString();
}
