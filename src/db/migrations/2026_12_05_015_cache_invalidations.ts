import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Frozen in time: this file never imports application code and never changes once released.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  // What changed, for the in-process caches of every instance and worker: each polls the rows
  // after the last it saw and drops what they name. Rows are kept for minutes, not longer.
  await db.schema
    .createTable('cache_invalidations')
    .addColumn('seq', postgres ? sql`bigserial` : 'integer', (c) =>
      postgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('cache_invalidations_created').on('cache_invalidations').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('cache_invalidations').execute();
}
