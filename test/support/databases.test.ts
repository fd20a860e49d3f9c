import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { migrations } from '../../src/db/migrations/index.ts';
import { createTestDatabase } from './databases.ts';

// Other test files (and other runs on the same PostgreSQL database) create and drop their schemas
// all the time; a test database must come up whatever they do meanwhile.
describe.runIf(process.env.TEST_DATABASE_URL)('a PostgreSQL test database', () => {
  it('is created and migrated while other schemas are created and dropped', { timeout: 120_000 }, async () => {
    const admin = openDatabase(process.env.TEST_DATABASE_URL!);
    let churning = true;
    const churn = (async () => {
      while (churning) {
        const schema = `churn_${randomBytes(5).toString('hex')}`;
        await sql`create schema ${sql.id(schema)}`.execute(admin.db);
        await sql`create table ${sql.id(schema, 'things')} (id bigserial primary key, name text)`.execute(admin.db);
        await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.db);
      }
    })();
    try {
      for (let i = 0; i < 5; i++) {
        const database = await createTestDatabase('postgres');
        try {
          const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(database.handle.db);
          expect(rows.map((r) => r.name)).toEqual(Object.keys(migrations).sort());
          expect(await database.handle.db.selectFrom('accounts').select('id').execute()).toEqual([]);
        } finally {
          await database.close();
        }
      }
    } finally {
      churning = false;
      await churn;
      await admin.close();
    }
  });
});
