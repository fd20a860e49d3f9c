import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code and never changes once released.

export async function up(db: Kysely<any>): Promise<void> {
  // IAM OpenID Connect identity providers, per account: web identities they sign in may assume
  // the account's roles (AssumeRoleWithWebIdentity). `url` is the provider's URL without its
  // scheme (`host/path`), as its ARN and condition keys name it, one provider per URL; `issuer`
  // is the URL the tokens' `iss` must equal, scheme included. Thumbprints and tags are JSON lists.
  await db.schema
    .createTable('oidc_providers')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('thumbprints', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('oidc_providers_pk', ['account_id', 'url'])
    .execute();

  // The audiences (client IDs) a provider's tokens may be for: one row each, so adding and
  // removing one never rewrites the others.
  await db.schema
    .createTable('oidc_provider_client_ids')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('oidc_provider_client_ids_pk', ['account_id', 'url', 'client_id'])
    .addForeignKeyConstraint(
      'oidc_provider_client_ids_provider',
      ['account_id', 'url'],
      'oidc_providers',
      ['account_id', 'url'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('oidc_provider_client_ids').execute();
  await db.schema.dropTable('oidc_providers').execute();
}
