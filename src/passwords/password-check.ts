import { GatehouseError } from '../shared/errors.ts';
import { MAX_PASSWORD_LENGTH, type PasswordContext, defaultRuleViolation } from './password-rules.ts';

/**
 * The one check every new password passes, wherever it is set (pages, CLI, API).
 * Throws PasswordPolicyViolation naming the rule that failed.
 */
export function checkNewPassword(password: string, context: PasswordContext): void {
  const violation = defaultRuleViolation(password, context);
  if (violation) throw new GatehouseError('PasswordPolicyViolation', violation, { field: 'password' });
}

/** Rejects absurd input before any hashing work is spent on it. */
export function assertHashable(password: string, field = 'password'): void {
  if (password.length > MAX_PASSWORD_LENGTH * 4) {
    throw new GatehouseError('ValidationError', `Password must be at most ${MAX_PASSWORD_LENGTH} characters long.`, { field });
  }
}
