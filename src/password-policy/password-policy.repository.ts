import type { Db } from '../db/database.ts';
import { prepared } from '../db/prepared.ts';

/** One account's password policy row, in application terms. */
export interface PasswordPolicyRecord {
  accountId: string;
  minimumPasswordLength: number;
  requireSymbols: boolean;
  requireNumbers: boolean;
  requireUppercaseCharacters: boolean;
  requireLowercaseCharacters: boolean;
  allowUsersToChangePassword: boolean;
  maxPasswordAge: number | null;
  passwordReusePrevention: number | null;
  hardExpiry: boolean;
  /** Whether the update that wrote the policy gave HardExpiry at all. */
  hardExpiryGiven: boolean;
  updatedAt: string;
}

const policyRow = prepared((db, accountId: string) =>
  db.selectFrom('password_policies').selectAll().where('account_id', '=', accountId),
);

export async function findPasswordPolicy(db: Db, accountId: string): Promise<PasswordPolicyRecord | null> {
  const row = (await policyRow(db, accountId)).rows[0];
  if (!row) return null;
  return {
    accountId: row.account_id,
    minimumPasswordLength: Number(row.minimum_password_length),
    requireSymbols: Number(row.require_symbols) === 1,
    requireNumbers: Number(row.require_numbers) === 1,
    requireUppercaseCharacters: Number(row.require_uppercase_characters) === 1,
    requireLowercaseCharacters: Number(row.require_lowercase_characters) === 1,
    allowUsersToChangePassword: Number(row.allow_users_to_change_password) === 1,
    maxPasswordAge: row.max_password_age === null ? null : Number(row.max_password_age),
    passwordReusePrevention: row.password_reuse_prevention === null ? null : Number(row.password_reuse_prevention),
    hardExpiry: Number(row.hard_expiry) === 1,
    hardExpiryGiven: Number(row.hard_expiry_given) === 1,
    updatedAt: row.updated_at,
  };
}

/** Writes the whole policy, replacing any earlier one. */
export async function savePasswordPolicy(db: Db, policy: PasswordPolicyRecord): Promise<void> {
  const values = {
    minimum_password_length: policy.minimumPasswordLength,
    require_symbols: policy.requireSymbols ? 1 : 0,
    require_numbers: policy.requireNumbers ? 1 : 0,
    require_uppercase_characters: policy.requireUppercaseCharacters ? 1 : 0,
    require_lowercase_characters: policy.requireLowercaseCharacters ? 1 : 0,
    allow_users_to_change_password: policy.allowUsersToChangePassword ? 1 : 0,
    max_password_age: policy.maxPasswordAge,
    password_reuse_prevention: policy.passwordReusePrevention,
    hard_expiry: policy.hardExpiry ? 1 : 0,
    hard_expiry_given: policy.hardExpiryGiven ? 1 : 0,
    updated_at: policy.updatedAt,
  };
  await db
    .insertInto('password_policies')
    .values({ account_id: policy.accountId, ...values })
    .onConflict((oc) => oc.column('account_id').doUpdateSet(values))
    .execute();
}

/** True when a policy was there to delete. */
export async function deletePasswordPolicyRow(db: Db, accountId: string): Promise<boolean> {
  const result = await db.deleteFrom('password_policies').where('account_id', '=', accountId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
