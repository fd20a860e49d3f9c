import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code and never changes once released.

export async function up(db: Kysely<any>): Promise<void> {
  // The ARN of the managed policy that bounds what a user's own policies can grant; null: none.
  await db.schema.alterTable('users').addColumn('permissions_boundary', 'text').execute();
  await db.schema
    .createIndex('users_permissions_boundary')
    .on('users')
    .columns(['account_id', 'permissions_boundary'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('users_permissions_boundary').execute();
  await db.schema.alterTable('users').dropColumn('permissions_boundary').execute();
}
