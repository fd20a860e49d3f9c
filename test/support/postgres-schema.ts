import { randomBytes } from 'node:crypto';
import { type CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../../src/db/database.ts';
import { migrateOrThrow } from '../../src/db/migrate.ts';

/** One statement the migrator ran, with `SCHEMA` where it named its schema. */
export interface SchemaStatement {
  sql: string;
  parameters: readonly unknown[];
}

const SCHEMA = '__gatehouse_schema__';

/**
 * Runs the real migrator once on a fresh schema and returns what it ran, so each test schema is
 * built by replaying it (`createMigratedSchema`): one transaction of plain statements instead of
 * a migrator per test file. The migrator also reads the catalog of every schema in the database,
 * which fails when another test file drops its schema at that moment; the replay reads nothing.
 * Left out: transactions and the migration lock (the replay is one transaction on a new schema)
 * and those catalog reads.
 */
export async function recordMigration(url: string): Promise<SchemaStatement[]> {
  for (let attempt = 1; ; attempt++) {
    const schema = `t_template_${randomBytes(6).toString('hex')}`;
    const ran: CompiledQuery[] = [];
    const admin = openDatabase(url);
    await sql`create schema ${sql.id(schema)}`.execute(admin.db);
    const options = `-c search_path=${schema} -c max_parallel_workers_per_gather=0`;
    const db = new Kysely<unknown>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1, options }) }),
      log: (event) => void (event.level === 'query' && ran.push(event.query)),
    });
    try {
      await migrateOrThrow(db, schema);
      return ran
        .filter((q) => !/^\s*(begin|commit|rollback)\b/i.test(q.sql) && !/pg_advisory_|"pg_catalog"/.test(q.sql))
        .map((q) => ({ sql: q.sql.replaceAll(schema, SCHEMA), parameters: q.parameters }));
    } catch (error) {
      // This once, the migrator's catalog read can meet a schema another run drops (see above).
      if (attempt === 3 || !/schema ".*" does not exist/.test(String((error as Error).message))) throw error;
    } finally {
      await db.destroy();
      await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.db);
      await admin.close();
    }
  }
}

/** Creates `schema`, migrated, by replaying `statements` in one transaction. */
export async function createMigratedSchema(
  url: string,
  schema: string,
  statements: readonly SchemaStatement[],
): Promise<void> {
  if (statements.length === 0) {
    throw new Error('no migration recorded: run the tests through vitest.config.ts (test/support/global-setup.ts)');
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('begin');
    await client.query(`create schema ${client.escapeIdentifier(schema)}`);
    await client.query(`set local search_path to ${client.escapeIdentifier(schema)}`);
    for (const statement of statements) {
      await client.query(statement.sql.replaceAll(SCHEMA, schema), [...statement.parameters]);
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

/**
 * Drops every schema whose name starts with `prefix`: the test schemas of one run, at its end.
 * Not one by one as each file finishes: the migrator (`src/db/migrate.test.ts`, the CLI tests)
 * reads the catalog of every schema, and fails when a schema is dropped during that read.
 */
export async function dropSchemas(url: string, prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      'select nspname as name from pg_catalog.pg_namespace where starts_with(nspname, $1)',
      [prefix],
    );
    for (let i = 0; i < rows.length; i += 10) {
      const names = rows.slice(i, i + 10).map((r) => client.escapeIdentifier(r.name));
      await client.query(`drop schema if exists ${names.join(', ')} cascade`);
    }
  } finally {
    await client.end();
  }
}
