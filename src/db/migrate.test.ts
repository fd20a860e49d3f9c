import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './database.ts';
import { migrateOrThrow } from './migrate.ts';
import { migrations } from './migrations/index.ts';

describe('migrations', () => {
  it('apply in order on SQLite and a second run applies nothing', async () => {
    const handle = openDatabase('sqlite::memory:');
    try {
      expect(await migrateOrThrow(handle.db)).toEqual(Object.keys(migrations).sort());
      expect(await migrateOrThrow(handle.db)).toEqual([]);
    } finally {
      await handle.close();
    }
  });

  // Regression: Kysely's migrator found the first schema's migration table, skipped
  // creating one in the second and failed with "relation kysely_migration does not exist".
  it.runIf(process.env.TEST_DATABASE_URL)(
    'apply in a second schema of a PostgreSQL database that already has one migrated',
    async () => {
      const url = process.env.TEST_DATABASE_URL!;
      const schemas = [`m_${randomBytes(5).toString('hex')}`, `m_${randomBytes(5).toString('hex')}`];
      const admin = openDatabase(url);
      try {
        for (const schema of schemas) await sql`create schema ${sql.id(schema)}`.execute(admin.db);
        for (const schema of schemas) {
          const handle = openDatabase(url, { schema, serialPlans: true });
          try {
            expect(await migrateOrThrow(handle.db)).toEqual(Object.keys(migrations).sort());
            expect(await migrateOrThrow(handle.db)).toEqual([]);
          } finally {
            await handle.close();
          }
          const { rows } = await sql<{
            n: number;
          }>`select count(*)::int as n from information_schema.tables where table_schema = ${schema} and table_name in ('kysely_migration', 'accounts')`.execute(
            admin.db,
          );
          expect(rows[0]!.n).toBe(2);
        }
      } finally {
        for (const schema of schemas) await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin.db);
        await admin.close();
      }
    },
  );
});
