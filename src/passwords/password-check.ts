import type { Db } from '../db/database.ts';
import { findPasswordPolicy } from '../password-policy/password-policy.repository.ts';
import { GatehouseError } from '../shared/errors.ts';
import { blocklistViolation } from './password-blocklist.ts';
import type { PasswordHasher } from './password-hasher.ts';
import { recentPasswordHashes } from './password-history.repository.ts';
import {
  MAX_PASSWORD_LENGTH,
  type PasswordContext,
  compositionViolation,
  defaultRuleViolation,
} from './password-rules.ts';

/** Whose new password is being checked. */
export interface NewPasswordFor {
  /** Null while the account itself is being created. */
  accountId: string | null;
  /** The root user is never under the account password policy. */
  type: 'root' | 'user';
  /** The principal's ID when it already exists, for reuse prevention. */
  principalId: string | null;
  context: PasswordContext;
}

/**
 * The one check every new password passes, wherever it is set (pages, CLI, API):
 * the account password policy for IAM users when the account has one, the built-in
 * rule otherwise and always for the root user; then the common-password blocklist;
 * then the policy's reuse prevention. Throws PasswordPolicyViolation naming the rule
 * that failed, on `field`.
 *
 * Reuse prevention runs argon2 verifications: call this before opening a transaction.
 */
export async function checkNewPassword(
  deps: { db: Db; hasher: PasswordHasher },
  password: string,
  target: NewPasswordFor,
  field = 'password',
): Promise<void> {
  const fail = (message: string) => new GatehouseError('PasswordPolicyViolation', message, { field });
  const policy =
    target.type === 'user' && target.accountId ? await findPasswordPolicy(deps.db, target.accountId) : null;

  const ruleViolation = policy
    ? compositionViolation(password, policy)
    : defaultRuleViolation(password, target.context);
  if (ruleViolation) throw fail(ruleViolation);

  const listed = blocklistViolation(password, target.context);
  if (listed) throw fail(listed);

  const remembered = policy?.passwordReusePrevention ?? 0;
  if (remembered > 0 && target.principalId) {
    for (const oldHash of await recentPasswordHashes(deps.db, target.principalId, remembered)) {
      if (await deps.hasher.verify(oldHash, password)) {
        throw fail(
          remembered === 1
            ? 'Password was used recently (the last password cannot be reused).'
            : `Password was used recently (the last ${remembered} passwords cannot be reused).`,
        );
      }
    }
  }
}

/** Rejects absurd input before any hashing work is spent on it. */
export function assertHashable(password: string, field = 'password'): void {
  if (password.length > MAX_PASSWORD_LENGTH * 4) {
    throw new GatehouseError('ValidationError', `Password must be at most ${MAX_PASSWORD_LENGTH} characters long.`, {
      field,
    });
  }
}
