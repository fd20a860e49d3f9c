/** The most characters any password may have: bounds hashing cost (checked before hashing). */
export const MAX_PASSWORD_LENGTH = 128;

/** What a password is checked against besides itself. */
export interface PasswordContext {
  email?: string | null;
  accountName?: string | null;
  userName?: string | null;
}

/** The character-class and length part of an account password policy. */
export interface CompositionRules {
  minimumPasswordLength: number;
  requireSymbols: boolean;
  requireNumbers: boolean;
  requireUppercaseCharacters: boolean;
  requireLowercaseCharacters: boolean;
}

/** The symbols an account password policy counts, exactly AWS's set. */
export const POLICY_SYMBOLS = "!@#$%^&*()_+-=[]{}|'";
export const POLICY_SYMBOLS_SPACED = [...POLICY_SYMBOLS].join(' ');

const length = (password: string) => [...password].length;

/**
 * The built-in rule for the root user and for accounts without a password policy:
 * 8 to 128 characters, and not the email, account name or user name.
 * Returns the violated rule's message, or null when the password is acceptable.
 */
export function defaultRuleViolation(password: string, context: PasswordContext): string | null {
  const n = length(password);
  if (n < 8) return 'Password must be at least 8 characters long.';
  if (n > MAX_PASSWORD_LENGTH) return `Password must be at most ${MAX_PASSWORD_LENGTH} characters long.`;
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

/** An account password policy's length and character classes, checked in that order. */
export function compositionViolation(password: string, rules: CompositionRules): string | null {
  const n = length(password);
  if (n < rules.minimumPasswordLength)
    return `Password must be at least ${rules.minimumPasswordLength} characters long.`;
  if (n > MAX_PASSWORD_LENGTH) return `Password must be at most ${MAX_PASSWORD_LENGTH} characters long.`;
  if (rules.requireUppercaseCharacters && !/[A-Z]/.test(password)) {
    return 'Password must contain at least one uppercase letter (A–Z).';
  }
  if (rules.requireLowercaseCharacters && !/[a-z]/.test(password)) {
    return 'Password must contain at least one lowercase letter (a–z).';
  }
  if (rules.requireNumbers && !/[0-9]/.test(password)) return 'Password must contain at least one number.';
  if (rules.requireSymbols && ![...password].some((ch) => POLICY_SYMBOLS.includes(ch))) {
    return `Password must contain at least one of these symbols: ${POLICY_SYMBOLS_SPACED}`;
  }
  return null;
}

/** The rules in words, for the hint beside a new-password field. */
export function describeRules(rules: CompositionRules | null): string {
  if (!rules) return 'At least 8 characters, not a commonly used password; a long passphrase is best.';
  const parts = [`At least ${rules.minimumPasswordLength} characters`];
  if (rules.requireUppercaseCharacters) parts.push('an uppercase letter');
  if (rules.requireLowercaseCharacters) parts.push('a lowercase letter');
  if (rules.requireNumbers) parts.push('a number');
  if (rules.requireSymbols) parts.push(`a symbol (${POLICY_SYMBOLS_SPACED})`);
  return `${parts.join(', ')}; not a commonly used password.`;
}
