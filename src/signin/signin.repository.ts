import type { Db } from '../db/database.ts';

/**
 * Sign-in looks everything up in one query whatever exists, so an unknown account,
 * an unknown user and a wrong password cost the database the same.
 */

export interface RootCandidate {
  accountId: string;
  passwordHash: string;
}

export async function findRootCandidate(db: Db, emailKey: string): Promise<RootCandidate | null> {
  const row = await db
    .selectFrom('root_users')
    .select(['account_id', 'password_hash'])
    .where('email_key', '=', emailKey)
    .executeTakeFirst();
  return row ? { accountId: row.account_id, passwordHash: row.password_hash } : null;
}

export interface UserCandidate {
  accountId: string;
  userId: string | null;
  userName: string | null;
  passwordHash: string | null;
  passwordResetRequired: boolean;
}

export async function findUserCandidate(
  db: Db,
  accountRef: string,
  userNameKey: string,
): Promise<UserCandidate | null> {
  const row = await db
    .selectFrom('accounts')
    .leftJoin('users', (join) =>
      join.onRef('users.account_id', '=', 'accounts.id').on('users.name_key', '=', userNameKey),
    )
    .leftJoin('login_profiles', 'login_profiles.user_id', 'users.id')
    .select([
      'accounts.id as account_id',
      'users.id as user_id',
      'users.name as user_name',
      'login_profiles.password_hash',
      'login_profiles.password_reset_required',
    ])
    .where((eb) => eb.or([eb('accounts.id', '=', accountRef), eb('accounts.alias', '=', accountRef)]))
    .executeTakeFirst();
  if (!row) return null;
  return {
    accountId: row.account_id,
    userId: row.user_id,
    userName: row.user_name,
    passwordHash: row.password_hash,
    passwordResetRequired: row.password_reset_required === 1,
  };
}
