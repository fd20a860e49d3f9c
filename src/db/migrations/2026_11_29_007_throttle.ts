import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code and never changes once released.

export async function up(db: Kysely<any>): Promise<void> {
  // Token buckets kept as a "theoretical arrival time" (GCRA): one number a key, updated
  // in a single statement, so concurrent requests on any instance never lose an update.
  await db.schema
    .createTable('throttle_buckets')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('tat_ms', 'double precision', (c) => c.notNull())
    .execute();

  // Consecutive failures per identifier, per trusted device and per factor.
  await db.schema
    .createTable('throttle_failures')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('last_failure_at', 'text', (c) => c.notNull())
    .execute();

  // Security-check challenges already used, kept until they expire (replay protection).
  await db.schema
    .createTable('throttle_once')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('expires_ms', 'double precision', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('throttle_once_expires').on('throttle_once').column('expires_ms').execute();

  // Emailed links that lift a hard stop; only the SHA-256 of the secret is kept.
  await db.schema
    .createTable('throttle_unlocks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('throttle_key', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('throttle_unlocks').execute();
  await db.schema.dropTable('throttle_once').execute();
  await db.schema.dropTable('throttle_failures').execute();
  await db.schema.dropTable('throttle_buckets').execute();
}
