import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code and never changes once released.

export async function up(db: Kysely<any>): Promise<void> {
  // The scopes a client may ask for, space-separated (its `scope` metadata). Clients registered
  // before this column existed could ask for every scope the provider knew: they keep them.
  await db.schema
    .alterTable('oidc_clients')
    .addColumn('allowed_scopes', 'text', (c) => c.notNull().defaultTo('openid offline_access profile email groups'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('oidc_clients').dropColumn('allowed_scopes').execute();
}
