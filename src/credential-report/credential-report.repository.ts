import { lastPasswordSignIns } from '../audit/audit.repository.ts';
import type { Db } from '../db/database.ts';

/** Everything one report needs, read in a few queries per account. */
export async function reportSources(db: Db, accountId: string) {
  const account = await db
    .selectFrom('accounts')
    .select(['id', 'created_at'])
    .where('id', '=', accountId)
    .executeTakeFirst();
  const users = await db
    .selectFrom('users')
    .leftJoin('login_profiles', 'login_profiles.user_id', 'users.id')
    .select([
      'users.id',
      'users.name',
      'users.path',
      'users.created_at',
      'login_profiles.user_id as profile',
      'login_profiles.password_changed_at',
    ])
    .where('users.account_id', '=', accountId)
    .orderBy('users.name_key')
    .execute();
  const keys = await db
    .selectFrom('access_keys')
    .select(['id', 'principal_id', 'status', 'created_at', 'last_used_at', 'last_used_service', 'last_used_region'])
    .where('account_id', '=', accountId)
    .orderBy('id')
    .execute();
  const mfa = await db
    .selectFrom('mfa_devices')
    .select('principal_id')
    .distinct()
    .where('account_id', '=', accountId)
    .where('enabled_at', 'is not', null)
    .where('principal_id', 'is not', null)
    .execute();
  // When the root user and each user last signed in with their password (as GetUser's PasswordLastUsed).
  const lastLogins = await lastPasswordSignIns(db, accountId, [accountId, ...users.map((u) => u.id)]);
  return { account, users, keys, mfa, lastLogins };
}

export async function findReport(db: Db, accountId: string) {
  return (
    (await db.selectFrom('credential_reports').selectAll().where('account_id', '=', accountId).executeTakeFirst()) ??
    null
  );
}

export async function saveReport(db: Db, accountId: string, generatedAt: string, content: string): Promise<void> {
  await db
    .insertInto('credential_reports')
    .values({ account_id: accountId, generated_at: generatedAt, content })
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ generated_at: generatedAt, content }))
    .execute();
}
