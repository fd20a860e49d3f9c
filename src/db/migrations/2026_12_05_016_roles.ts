import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code and never changes once released.

export async function up(db: Kysely<any>): Promise<void> {
  // IAM roles (AROA… IDs); names unique per account ignoring case, as in AWS. The trust policy is
  // kept as written; `trust_principal_ids` pins the unique ID of every user or role it names
  // (ARN → ID, JSON), so a principal deleted and re-created under the same name does not match.
  await db.schema
    .createTable('roles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('trust_policy', 'text', (c) => c.notNull())
    .addColumn('trust_principal_ids', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('max_session_duration', 'integer', (c) => c.notNull().defaultTo(3600))
    .addColumn('permissions_boundary', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .addColumn('last_used_region', 'text')
    .addUniqueConstraint('roles_account_name_key', ['account_id', 'name_key'])
    .execute();

  await db.schema
    .createTable('role_tags')
    .addColumn('role_id', 'text', (c) => c.notNull().references('roles.id').onDelete('cascade'))
    .addColumn('tag_key', 'text', (c) => c.notNull())
    .addColumn('tag_key_lower', 'text', (c) => c.notNull())
    .addColumn('tag_value', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('role_tags_pk', ['role_id', 'tag_key_lower'])
    .execute();

  // Temporary credentials from AssumeRole: the role is the principal; what the session carries
  // (its name, the policies that narrow it, its tags, its source identity) lives beside it.
  for (const [column, type] of [
    ['role_session_name', 'text'],
    ['source_identity', 'text'],
    ['session_policy', 'text'],
    ['session_policy_arns', 'text'],
    ['session_tags', 'text'],
    ['transitive_tag_keys', 'text'],
    ['issuer_arn', 'text'],
  ] as const) {
    await db.schema.alterTable('session_credentials').addColumn(column, type).execute();
  }
  await db.schema
    .alterTable('session_credentials')
    .addColumn('chained', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  // A console session that switched role acts with these temporary credentials until it switches back.
  await db.schema.alterTable('sessions').addColumn('role_credential_id', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('role_credential_id').execute();
  for (const column of [
    'chained',
    'issuer_arn',
    'transitive_tag_keys',
    'session_tags',
    'session_policy_arns',
    'session_policy',
    'source_identity',
    'role_session_name',
  ]) {
    await db.schema.alterTable('session_credentials').dropColumn(column).execute();
  }
  await db.schema.dropTable('role_tags').execute();
  await db.schema.dropTable('roles').execute();
}
