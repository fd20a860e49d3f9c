import type { Principal } from '../identities/principal.ts';
import { type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError } from '../shared/errors.ts';
import { rememberForRequest } from '../shared/request-memo.ts';
import { accountSlot } from '../caches/account-cache.ts';
import { findLoginProfile } from '../identities/user.repository.ts';
import { type PasswordExpiry, passwordExpiry } from './password-expiry.ts';
import {
  type PasswordPolicyRecord,
  deletePasswordPolicyRow,
  findPasswordPolicy,
  savePasswordPolicy,
} from './password-policy.repository.ts';

/**
 * The account password policy, with AWS's fields and meanings. It governs the console
 * passwords of IAM users only; the root user is never under it.
 * `maxPasswordAge` and `passwordReusePrevention` are null when not set ("never expire",
 * "no reuse prevention").
 */
export interface PasswordPolicy {
  minimumPasswordLength: number;
  requireSymbols: boolean;
  requireNumbers: boolean;
  requireUppercaseCharacters: boolean;
  requireLowercaseCharacters: boolean;
  allowUsersToChangePassword: boolean;
  maxPasswordAge: number | null;
  passwordReusePrevention: number | null;
  hardExpiry: boolean;
}

/** What an update may carry; every omitted field takes its default (AWS has no partial update). */
export type PasswordPolicyInput = Partial<PasswordPolicy>;

/** AWS's values for a field that an update leaves out. */
export const DEFAULT_PASSWORD_POLICY: Readonly<PasswordPolicy> = Object.freeze({
  minimumPasswordLength: 6,
  requireSymbols: false,
  requireNumbers: false,
  requireUppercaseCharacters: false,
  requireLowercaseCharacters: false,
  allowUsersToChangePassword: false,
  maxPasswordAge: null,
  passwordReusePrevention: null,
  hardExpiry: false,
});

/** AWS's ranges, in the order AWS reports their violations. */
export const PASSWORD_POLICY_RANGES = {
  minimumPasswordLength: { min: 6, max: 128 },
  passwordReusePrevention: { min: 1, max: 24 },
  maxPasswordAge: { min: 1, max: 1095 },
} as const;

/** The account's password policy as last read, kept per account while the invalidation feed vouches for it. */
const PASSWORD_POLICY = accountSlot<PasswordPolicyRecord | null>('password-policy');

/**
 * The account's password policy row, from the account cache (README, Caches): what decisions and
 * the console read. Checking a new password against the rules reads the row itself.
 */
function cachedPolicyRecord(deps: Deps, accountId: string): Promise<PasswordPolicyRecord | null> {
  return deps.caches.accounts.getOrLoad(PASSWORD_POLICY, accountId, deps.clock.now(), () =>
    findPasswordPolicy(deps.db, accountId),
  );
}

export async function getPasswordPolicy(deps: Deps, accountId: string): Promise<PasswordPolicy | null> {
  const record = await cachedPolicyRecord(deps, accountId);
  return record ? toPolicy(record) : null;
}

/** The account's policy (null: none) and when it was last changed, for its console page. */
export async function getPasswordPolicyWithDate(
  deps: Deps,
  accountId: string,
): Promise<{ policy: PasswordPolicy | null; updatedAt: string | null }> {
  const record = await findPasswordPolicy(deps.db, accountId);
  return { policy: record ? toPolicy(record) : null, updatedAt: record?.updatedAt ?? null };
}

/**
 * The policy as GetAccountPasswordPolicy shows it: IAM includes HardExpiry only when the
 * update that wrote the policy gave it (true or false), so this says whether it did.
 */
export async function getPasswordPolicyAsWritten(
  deps: Deps,
  accountId: string,
): Promise<(PasswordPolicy & { hardExpiryGiven: boolean }) | null> {
  const record = await findPasswordPolicy(deps.db, accountId);
  return record ? { ...toPolicy(record), hardExpiryGiven: record.hardExpiryGiven } : null;
}

/** Replaces the account's whole policy (creating it when there is none); audited. */
export async function updatePasswordPolicy(
  deps: Deps,
  accountId: string,
  input: PasswordPolicyInput,
  actor: Actor,
  meta: RequestMeta,
): Promise<PasswordPolicy> {
  const policy = normalisePolicyInput(input);
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (tx) => {
    const previous = await findPasswordPolicy(tx, accountId);
    await savePasswordPolicy(tx, {
      accountId,
      ...policy,
      hardExpiryGiven: input.hardExpiry !== undefined,
      updatedAt: now,
    });
    await deps.invalidations.record(tx, { topic: 'account', key: accountId });
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: 'UpdateAccountPasswordPolicy',
      details: { policy, previous: previous ? toPolicy(previous) : null },
    });
  });
  return policy;
}

/** Removes the policy, so the built-in rule applies again; audited. */
export async function deletePasswordPolicy(
  deps: Deps,
  accountId: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const previous = await findPasswordPolicy(tx, accountId);
    if (!previous || !(await deletePasswordPolicyRow(tx, accountId))) {
      throw new GatehouseError('NoSuchEntity', 'The account policy with name PasswordPolicy cannot be found.');
    }
    await deps.invalidations.record(tx, { topic: 'account', key: accountId });
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: 'DeleteAccountPasswordPolicy',
      details: { previous: toPolicy(previous) },
    });
  });
}

/**
 * Fills defaults and checks ranges. Every out-of-range field is reported in one
 * ValidationError, worded as AWS words it.
 */
export function normalisePolicyInput(input: PasswordPolicyInput): PasswordPolicy {
  const policy: PasswordPolicy = {
    minimumPasswordLength: input.minimumPasswordLength ?? DEFAULT_PASSWORD_POLICY.minimumPasswordLength,
    requireSymbols: input.requireSymbols ?? false,
    requireNumbers: input.requireNumbers ?? false,
    requireUppercaseCharacters: input.requireUppercaseCharacters ?? false,
    requireLowercaseCharacters: input.requireLowercaseCharacters ?? false,
    allowUsersToChangePassword: input.allowUsersToChangePassword ?? false,
    maxPasswordAge: input.maxPasswordAge ?? null,
    passwordReusePrevention: input.passwordReusePrevention ?? null,
    hardExpiry: input.hardExpiry ?? false,
  };
  const problems: Array<{ field: string; message: string }> = [];
  for (const [field, range] of Object.entries(PASSWORD_POLICY_RANGES) as Array<
    [keyof typeof PASSWORD_POLICY_RANGES, { min: number; max: number }]
  >) {
    const value = policy[field];
    if (value === null) continue;
    let constraint: string | null = null;
    if (!Number.isInteger(value)) constraint = 'Member must be a whole number';
    else if (value > range.max) constraint = `Member must have value less than or equal to ${range.max}`;
    else if (value < range.min) constraint = `Member must have value greater than or equal to ${range.min}`;
    if (constraint)
      problems.push({ field, message: `Value at '${field}' failed to satisfy constraint: ${constraint}` });
  }
  if (problems.length > 0) {
    const count =
      problems.length === 1 ? '1 validation error detected' : `${problems.length} validation errors detected`;
    throw new GatehouseError('ValidationError', `${count}: ${problems.map((p) => p.message).join('; ')}`, {
      field: problems[0]!.field,
    });
  }
  return policy;
}

function toPolicy(record: PasswordPolicyRecord): PasswordPolicy {
  return {
    minimumPasswordLength: record.minimumPasswordLength,
    requireSymbols: record.requireSymbols,
    requireNumbers: record.requireNumbers,
    requireUppercaseCharacters: record.requireUppercaseCharacters,
    requireLowercaseCharacters: record.requireLowercaseCharacters,
    allowUsersToChangePassword: record.allowUsersToChangePassword,
    maxPasswordAge: record.maxPasswordAge,
    passwordReusePrevention: record.passwordReusePrevention,
    hardExpiry: record.hardExpiry,
  };
}

export async function getUserPasswordExpiry(
  deps: Deps,
  accountId: string,
  userId: string,
): Promise<PasswordExpiry | null> {
  const profile = await findLoginProfile(deps.db, userId);
  if (!profile) return null;
  return passwordExpiry(await findPasswordPolicy(deps.db, accountId), profile.passwordChangedAt, deps.clock.now());
}

/** What the console needs to show a principal about its own password. */
export interface OwnPasswordStatus {
  expiry: PasswordExpiry | null;
  /** The account policy the principal's new password must meet; null: the built-in rule. */
  policy: PasswordPolicy | null;
  /**
   * A change the principal must make before doing anything else. Gatehouse always allows
   * it (refusing would lock the person out); any other change needs iam:ChangePassword.
   */
  forced: boolean;
}

/**
 * Worked out once per request for a request's own principal (`decideWithinOneRequest`): the
 * console page and its change-password permission both ask. The password policy and the login
 * profile's state come from the caches (README, Caches).
 */
export async function getOwnPasswordStatus(deps: Deps, principal: Principal): Promise<OwnPasswordStatus> {
  if (principal.type !== 'user') return { expiry: null, policy: null, forced: false };
  return rememberForRequest(principal, 'own-password-status', () => readOwnPasswordStatus(deps, principal));
}

async function readOwnPasswordStatus(deps: Deps, principal: Principal): Promise<OwnPasswordStatus> {
  const now = deps.clock.now();
  const [record, profile] = await Promise.all([
    cachedPolicyRecord(deps, principal.accountId),
    deps.caches.loginProfiles.getOrLoad(principal.id, principal.accountId, now, async () => {
      const found = await findLoginProfile(deps.db, principal.id);
      return found
        ? Object.freeze({
            passwordResetRequired: found.passwordResetRequired,
            passwordChangedAt: found.passwordChangedAt,
          })
        : null;
    }),
  ]);
  const policy = record ? toPolicy(record) : null;
  const expiry = profile ? passwordExpiry(policy, profile.passwordChangedAt, now) : null;
  // Under HardExpiry the console change is closed: an administrator must reset the password.
  const forced = (profile?.passwordResetRequired ?? false) || (expiry?.expired === true && !expiry.hardExpired);
  return { expiry, policy, forced };
}
