import type { Db } from '../db/database.ts';

/** Marks the root email verified, if it is still `email`. Returns whether it was. */
export async function markRootEmailVerified(db: Db, accountId: string, email: string): Promise<boolean> {
  const result = await db
    .updateTable('root_users')
    .set({ email_verified: 1 })
    .where('account_id', '=', accountId)
    .where('email_key', '=', email.toLowerCase())
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Changes the root user's sign-in address; it is verified, since the new mailbox confirmed it. */
export async function updateRootEmail(db: Db, accountId: string, email: string): Promise<void> {
  await db
    .updateTable('root_users')
    .set({ email, email_key: email.toLowerCase(), email_verified: 1 })
    .where('account_id', '=', accountId)
    .execute();
}
