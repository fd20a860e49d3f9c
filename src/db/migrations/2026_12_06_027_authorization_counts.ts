import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code and never changes once released.

export async function up(db: Kysely<any>): Promise<void> {
  // The authorization API's decisions counted per minute: one row per account (whose key signed
  // the request), calling service, action and decision in each minute (`YYYY-MM-DDTHH:MM`).
  await db.schema
    .createTable('authorization_counts')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('minute', 'text', (c) => c.notNull())
    .addColumn('service_arn', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('authorization_counts_pk', ['account_id', 'minute', 'service_arn', 'action', 'decision'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('authorization_counts').execute();
}
