import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code and never changes once released.

export async function up(db: Kysely<any>): Promise<void> {
  // Applications that sign people in through Gatehouse (OpenID Connect relying parties), one
  // account each. The secret is sealed, not hashed: the provider checks it, and a client that
  // signs with it (client_secret_jwt) needs it whole.
  await db.schema
    .createTable('oidc_clients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret_sealed', 'text')
    .addColumn('redirect_uris', 'text', (c) => c.notNull())
    .addColumn('post_logout_redirect_uris', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('first_party', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('secret_rotated_at', 'text')
    .execute();
  await db.schema.createIndex('oidc_clients_account').on('oidc_clients').column('account_id').execute();

  // What a person agreed a client may read (scopes, space-separated), asked once per client.
  await db.schema
    .createTable('oidc_consents')
    .addColumn('client_id', 'text', (c) => c.notNull().references('oidc_clients.id').onDelete('cascade'))
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('oidc_consents_pk', ['client_id', 'principal_id'])
    .execute();

  // The provider's own records (sessions, interactions, codes, tokens, grants) as it writes them.
  await db.schema
    .createTable('oidc_payloads')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text')
    .addColumn('user_code', 'text')
    .addColumn('uid', 'text')
    .addColumn('expires_at', 'text')
    .addColumn('consumed_at', 'text')
    .addPrimaryKeyConstraint('oidc_payloads_pk', ['kind', 'id'])
    .execute();
  await db.schema.createIndex('oidc_payloads_grant').on('oidc_payloads').column('grant_id').execute();
  await db.schema.createIndex('oidc_payloads_uid').on('oidc_payloads').column('uid').execute();
  await db.schema.createIndex('oidc_payloads_expires').on('oidc_payloads').column('expires_at').execute();

  // Signing keys, newest generation signs; older ones stay published until retired. The private
  // key is sealed under SECRET_KEY (its `id`, the JWK's kid, bound to it). `generation` is the key: two instances starting at once both
  // try generation 1 and one wins.
  await db.schema
    .createTable('oidc_signing_keys')
    .addColumn('generation', 'integer', (c) => c.primaryKey())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('private_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('oidc_signing_keys').execute();
  await db.schema.dropTable('oidc_payloads').execute();
  await db.schema.dropTable('oidc_consents').execute();
  await db.schema.dropTable('oidc_clients').execute();
}
