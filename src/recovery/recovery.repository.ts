import type { Db } from '../db/database.ts';

export interface RecoveryTarget {
  accountId: string;
  email: string;
  alias: string | null;
}

/** The root user (and account alias) with this email key; one query whatever exists. */
export async function findRecoveryTarget(db: Db, emailKey: string): Promise<RecoveryTarget | null> {
  const row = await db
    .selectFrom('root_users')
    .innerJoin('accounts', 'accounts.id', 'root_users.account_id')
    .select(['root_users.account_id', 'root_users.email', 'accounts.alias'])
    .where('root_users.email_key', '=', emailKey)
    .executeTakeFirst();
  return row ? { accountId: row.account_id, email: row.email, alias: row.alias } : null;
}
