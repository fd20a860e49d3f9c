import { GatehouseError } from '../shared/errors.ts';

/** The most characters any password may have: bounds hashing cost (checked before hashing). */
export const MAX_PASSWORD_LENGTH = 128;

/** What a password is checked against besides itself. */
export interface PasswordContext {
  email?: string | null;
  accountName?: string | null;
  userName?: string | null;
}

/**
 * The built-in rule for the root user and for accounts without a password policy:
 * 8 to 128 characters, and not the email, account name or user name.
 * Returns the violated rule's message, or null when the password is acceptable.
 */
export function defaultRuleViolation(password: string, context: PasswordContext): string | null {
  const length = [...password].length;
  if (length < 8) return 'Password must be at least 8 characters long.';
  if (length > MAX_PASSWORD_LENGTH) return `Password must be at most ${MAX_PASSWORD_LENGTH} characters long.`;
  const lowered = password.toLowerCase();
  for (const [label, value] of [
    ['email address', context.email],
    ['account name', context.accountName],
    ['user name', context.userName],
  ] as const) {
    if (value && lowered === value.toLowerCase()) return `Password must not be your ${label}.`;
  }
  return null;
}

export function assertDefaultRule(password: string, context: PasswordContext): void {
  const violation = defaultRuleViolation(password, context);
  if (violation) throw new GatehouseError('PasswordPolicyViolation', violation, { field: 'password' });
}
