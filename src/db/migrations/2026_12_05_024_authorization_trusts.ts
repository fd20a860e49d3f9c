import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code and never changes once released.

export async function up(db: Kysely<any>): Promise<void> {
  // Which services may ask the authorization API about requests signed with an account's keys:
  // `account_id` trusts the services of `trusted_account_id` with requests to `service` (a
  // credential-scope service name, or `*` for any). A row with both accounts the same narrows the
  // account's own services to the names listed; with none, they may judge any service name.
  await db.schema
    .createTable('authorization_trusts')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('trusted_account_id', 'text', (c) => c.notNull())
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('authorization_trusts_pk', ['account_id', 'trusted_account_id', 'service'])
    .execute();
}
