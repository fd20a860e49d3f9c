import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code and never changes once released.

export async function up(db: Kysely<any>): Promise<void> {
  // Work a form leaves for the background job runner, so the request never does it.
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    // What the form held, sealed with the row's id as associated data; null once erased.
    .addColumn('payload_sealed', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('jobs_created').on('jobs').column('created_at').execute();

  // "Ask my administrator" requests: a forgotten password, or a lost MFA device.
  await db.schema
    .alterTable('password_help_requests')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('password'))
    .execute();
  await db.schema
    .createIndex('password_help_requests_user')
    .on('password_help_requests')
    .columns(['user_id', 'kind', 'resolved_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('password_help_requests_user').execute();
  await db.schema.alterTable('password_help_requests').dropColumn('kind').execute();
  await db.schema.dropTable('jobs').execute();
}
