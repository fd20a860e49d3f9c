import { type Kysely, sql } from 'kysely';

// Frozen in time: this file never imports application code and never changes once released.

export async function up(db: Kysely<any>): Promise<void> {
  // Tags of customer managed policies. Keys are case-sensitive here, as IAM has them for
  // policies; `position` keeps the order in which keys were first given.
  await db.schema
    .createTable('managed_policy_tags')
    .addColumn('policy_id', 'text', (c) => c.notNull().references('managed_policies.id').onDelete('cascade'))
    .addColumn('tag_key', 'text', (c) => c.notNull())
    .addColumn('tag_value', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('managed_policy_tags_pk', ['policy_id', 'tag_key'])
    .execute();

  // User tags keep the order in which keys were first given; tags written before this
  // migration share position 0 and keep their old order (by key).
  await db.schema
    .alterTable('user_tags')
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  // Whether HardExpiry was given in the last UpdateAccountPasswordPolicy: GetAccountPasswordPolicy
  // shows it then (true or false), and leaves it out when it was not.
  await db.schema
    .alterTable('password_policies')
    .addColumn('hard_expiry_given', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await sql`update password_policies set hard_expiry_given = hard_expiry`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('password_policies').dropColumn('hard_expiry_given').execute();
  await db.schema.alterTable('user_tags').dropColumn('position').execute();
  await db.schema.dropTable('managed_policy_tags').execute();
}
