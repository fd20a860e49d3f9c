import type { Db } from '../db/database.ts';
import { prepared } from '../db/prepared.ts';

/**
 * Sign-in looks everything up in one query whatever exists, so an unknown account,
 * an unknown user and a wrong password cost the database the same. The query brings all
 * a successful sign-in needs too (who the principal is, whether it has an MFA device, the
 * password policy's expiry rules), so nothing is read again once the password is checked;
 * what it brings is looked at only then.
 */

export interface RootCandidate {
  accountId: string;
  accountAlias: string | null;
  accountName: string;
  email: string;
  passwordHash: string;
  mfaEnabled: boolean;
}

const rootCandidate = prepared((db, emailKey: string) =>
  db
    .selectFrom('root_users')
    .innerJoin('accounts', 'accounts.id', 'root_users.account_id')
    .select([
      'root_users.account_id',
      'root_users.email',
      'root_users.password_hash',
      'accounts.alias',
      'accounts.name',
    ])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('mfa_devices')
            .select('mfa_devices.id')
            .whereRef('mfa_devices.principal_id', '=', 'root_users.account_id')
            .where('mfa_devices.enabled_at', 'is not', null),
        )
        .as('mfa_enabled'),
    )
    .where('root_users.email_key', '=', emailKey),
);

export async function findRootCandidate(db: Db, emailKey: string): Promise<RootCandidate | null> {
  const row = (await rootCandidate(db, emailKey)).rows[0];
  if (!row) return null;
  return {
    accountId: row.account_id,
    accountAlias: row.alias,
    accountName: row.name,
    email: row.email,
    passwordHash: row.password_hash,
    mfaEnabled: isTrue(row.mfa_enabled),
  };
}

export interface UserCandidate {
  accountId: string;
  accountAlias: string | null;
  accountName: string;
  /** null: no such user in the account. */
  user: {
    id: string;
    name: string;
    path: string;
    isAdmin: boolean;
    permissionsBoundary: string | null;
  } | null;
  /** null: no console password. */
  profile: { passwordHash: string; passwordResetRequired: boolean; passwordChangedAt: string } | null;
  /** The account password policy's expiry rules; null: no policy. */
  policy: { maxPasswordAge: number | null; hardExpiry: boolean } | null;
  mfaEnabled: boolean;
}

const userCandidate = prepared((db, accountRef: string, userNameKey: string) =>
  db
    .selectFrom('accounts')
    .leftJoin('users', (join) =>
      join.onRef('users.account_id', '=', 'accounts.id').on('users.name_key', '=', userNameKey),
    )
    .leftJoin('login_profiles', 'login_profiles.user_id', 'users.id')
    .leftJoin('password_policies', 'password_policies.account_id', 'accounts.id')
    .select([
      'accounts.id as account_id',
      'accounts.alias as account_alias',
      'accounts.name as account_name',
      'users.id as user_id',
      'users.name as user_name',
      'users.path as user_path',
      'users.is_admin as user_is_admin',
      'users.permissions_boundary as user_permissions_boundary',
      'login_profiles.password_hash',
      'login_profiles.password_reset_required',
      'login_profiles.password_changed_at',
      'password_policies.account_id as policy_account_id',
      'password_policies.max_password_age',
      'password_policies.hard_expiry',
    ])
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('mfa_devices')
            .select('mfa_devices.id')
            .whereRef('mfa_devices.principal_id', '=', 'users.id')
            .where('mfa_devices.enabled_at', 'is not', null),
        )
        .as('mfa_enabled'),
    )
    .where((eb) => eb.or([eb('accounts.id', '=', accountRef), eb('accounts.alias', '=', accountRef)])),
);

export async function findUserCandidate(
  db: Db,
  accountRef: string,
  userNameKey: string,
): Promise<UserCandidate | null> {
  const row = (await userCandidate(db, accountRef, userNameKey)).rows[0];
  if (!row) return null;
  return {
    accountId: row.account_id,
    accountAlias: row.account_alias,
    accountName: row.account_name,
    user:
      row.user_id !== null
        ? {
            id: row.user_id,
            name: row.user_name!,
            path: row.user_path!,
            isAdmin: Number(row.user_is_admin) === 1,
            permissionsBoundary: row.user_permissions_boundary,
          }
        : null,
    profile:
      row.password_hash !== null
        ? {
            passwordHash: row.password_hash,
            passwordResetRequired: Number(row.password_reset_required) === 1,
            passwordChangedAt: row.password_changed_at!,
          }
        : null,
    policy:
      row.policy_account_id !== null
        ? {
            maxPasswordAge: row.max_password_age === null ? null : Number(row.max_password_age),
            hardExpiry: Number(row.hard_expiry) === 1,
          }
        : null,
    mfaEnabled: isTrue(row.mfa_enabled),
  };
}

/** SQLite answers 1/0, PostgreSQL true/false. */
function isTrue(value: unknown): boolean {
  return value === true || Number(value) === 1;
}
