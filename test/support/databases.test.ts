import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { migrateOrThrow } from '../../src/db/migrate.ts';
import { migrations } from '../../src/db/migrations/index.ts';
import { type TestDatabase, createTestDatabase } from './databases.ts';
import { snapshotDatabase } from './db-snapshot.ts';
import { createMigratedSchema } from './postgres-schema.ts';

// Other test files (and other runs on the same PostgreSQL database) create and drop schemas all the time; a test
// database must come up and be read whatever they do meanwhile. The churn here happens in a database of its own: in the
// shared one it would fail the migrator at work in another file (src/db/migrate.test.ts, the CLI tests), which reads
// every schema.
const postgres = describe.runIf(process.env.TEST_DATABASE_URL);

postgres('a PostgreSQL test schema, while other schemas come and go', { timeout: 120_000 }, () => {
  const name = `gatehouse_churn_${randomBytes(4).toString('hex')}`;
  let url: string;

  beforeAll(async () => {
    const admin = openDatabase(process.env.TEST_DATABASE_URL!);
    await sql`create database ${sql.id(name)} template template0`.execute(admin.db);
    await admin.close();
    const own = new URL(process.env.TEST_DATABASE_URL!);
    own.pathname = `/${name}`;
    url = own.toString();
  });
  afterAll(async () => {
    const admin = openDatabase(process.env.TEST_DATABASE_URL!);
    await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin.db);
    await admin.close();
  });

  /** Runs `work` while schemas with a table are created and dropped without pause. */
  async function whileSchemasChurn(work: () => Promise<void>): Promise<void> {
    const admin = openDatabase(url);
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
      await work();
    } finally {
      churning = false;
      await churn;
      await admin.close();
    }
  }

  async function migratedSchema(): Promise<TestDatabase> {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    await createMigratedSchema(url, schema, inject('postgresMigration'));
    const handle = openDatabase(url, { schema, serialPlans: true });
    return { dialect: 'postgres', url, schema, handle, close: () => handle.close() };
  }

  it('is created, migrated', async () => {
    await whileSchemasChurn(async () => {
      for (let i = 0; i < 5; i++) {
        const database = await migratedSchema();
        try {
          const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(database.handle.db);
          expect(rows.map((r) => r.name).sort()).toEqual(Object.keys(migrations).sort());
          expect(await database.handle.db.selectFrom('accounts').select('id').execute()).toEqual([]);
        } finally {
          await database.close();
        }
      }
    });
  });

  it('is migrated by the migrator itself (as gatehouse migrate does), though its catalog read meets vanishing schemas', async () => {
    await whileSchemasChurn(async () => {
      for (let i = 0; i < 5; i++) {
        const schema = `m_${randomBytes(6).toString('hex')}`;
        const admin = openDatabase(url);
        await sql`create schema ${sql.id(schema)}`.execute(admin.db);
        await admin.close();
        const handle = openDatabase(url, { schema });
        try {
          expect(await migrateOrThrow(handle.db, schema)).toEqual(Object.keys(migrations));
        } finally {
          await handle.close();
        }
      }
    });
  });

  it('is snapshotted: every table of its own schema, and only those', async () => {
    const database = await migratedSchema();
    try {
      await database.handle.db
        .insertInto('accounts')
        .values({ id: '111122223333', name: 'Snapshot', alias: null, created_at: '2026-01-01T00:00:00.000Z' })
        .execute();
      await whileSchemasChurn(async () => {
        for (let i = 0; i < 10; i++) {
          const snapshot = await snapshotDatabase(database);
          expect(Object.keys(snapshot)).toContain('accounts');
          expect(Object.keys(snapshot)).not.toContain('things');
          expect(snapshot.accounts).toHaveLength(1);
        }
      });
    } finally {
      await database.close();
    }
  });
});

postgres('a PostgreSQL test database', () => {
  // The migrator reads the catalog of every schema and fails when one is dropped meanwhile: a closed test database
  // keeps its schema until the run ends, when the run's schemas are dropped together (test/support/global-setup.ts).
  it('keeps its schema after closing, until the run ends', async () => {
    const database = await createTestDatabase('postgres');
    await database.close();
    const admin = openDatabase(process.env.TEST_DATABASE_URL!);
    try {
      const { rows } = await sql<{ name: string }>`
        select nspname as name from pg_catalog.pg_namespace where nspname = ${database.schema!}`.execute(admin.db);
      expect(rows).toEqual([{ name: database.schema }]);
    } finally {
      await admin.close();
    }
  });
});
