import { invalid } from './errors.ts';

/**
 * Edge validation shared by pages, the CLI and the Query API. Each check throws a
 * ValidationError naming the field and the rule.
 */

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

export function normaliseEmail(field: string, value: string): string {
  const email = value.trim();
  if (email.length === 0) throw invalid(field, 'Enter an email address.');
  if (email.length > 254 || !EMAIL.test(email))
    throw invalid(field, 'Enter a valid email address, like name@example.com.');
  return email;
}

export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/** AWS account alias: 3–63 of a-z, 0-9 and single inner hyphens; never 12 digits. */
const ALIAS = /^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$/;

export function isAccountId(value: string): boolean {
  return /^\d{12}$/.test(value);
}

/** An account ID as people read it: `1234-5678-9012`. */
export function formatAccountId(id: string): string {
  return `${id.slice(0, 4)}-${id.slice(4, 8)}-${id.slice(8)}`;
}

export function isAlias(value: string): boolean {
  return ALIAS.test(value) && !isAccountId(value);
}

export function validateAlias(field: string, value: string): string {
  const alias = value.trim();
  if (alias.length < 3 || alias.length > 63) throw invalid(field, 'The account alias must be 3 to 63 characters long.');
  if (isAccountId(alias)) throw invalid(field, 'The account alias cannot be a 12-digit number.');
  if (!ALIAS.test(alias)) {
    throw invalid(
      field,
      'The account alias may contain only lowercase letters, digits and single hyphens, and must start and end with a letter or digit.',
    );
  }
  if (RESERVED_ALIASES.has(alias)) throw invalid(field, `The account alias ${alias} is reserved. Choose another.`);
  return alias;
}

/** Words that name sign-in pages (`/signin/<word>`), so no account may take them as its alias. */
export const RESERVED_ALIASES: ReadonlySet<string> = new Set([
  'root',
  'account',
  'forgot',
  'help',
  'find-account',
  'mfa',
  'mfa-help',
  'reset',
  'recovery',
  'diagnose',
  'verify',
  'unlock',
  'support',
  'sso',
]);

/** "1234-5678-9012" and "123456789012" are the same account; aliases are lower-cased. */
export function normaliseAccountRef(value: string): string {
  const trimmed = value.trim();
  if (/^\d{4}-\d{4}-\d{4}$/.test(trimmed)) return trimmed.replaceAll('-', '');
  return trimmed.toLowerCase();
}

/** AWS user name: 1–64 of letters, digits and + = , . @ _ - */
const USER_NAME = /^[\w+=,.@-]{1,64}$/;

export function validateUserName(field: string, value: string): string {
  const name = value.trim();
  if (name.length === 0) throw invalid(field, 'Enter a user name.');
  if (name.length > 64) throw invalid(field, 'The user name must be at most 64 characters long.');
  if (!USER_NAME.test(name)) {
    throw invalid(field, 'The user name may contain only letters, digits and + = , . @ _ - (no spaces).');
  }
  return name;
}

/** AWS path: `/` or `/a/b/`, at most 512 characters of printable ASCII. */
export function validatePath(field: string, value: string): string {
  if (value.length > 512 || !/^\/(?:[\u0021-\u007E]*\/)?$/.test(value)) {
    throw invalid(field, 'The path must begin and end with / and contain only printable ASCII characters.');
  }
  return value;
}

export function validateAccountName(field: string, value: string): string {
  const name = value.trim();
  if (name.length === 0) throw invalid(field, 'Enter an account name.');
  if (name.length > 50) throw invalid(field, 'The account name must be at most 50 characters long.');
  if (/[\u0000-\u001f\u007f]/.test(name)) throw invalid(field, 'The account name must not contain control characters.');
  return name;
}
