import { dictionary } from '@zxcvbn-ts/language-common';
import type { PasswordContext } from './password-rules.ts';

/**
 * The common-password blocklist: every entry of @zxcvbn-ts's common-password list
 * (about 49,000, most used first, lower-case). The package decompresses the list when
 * it is imported, so it is ready once the process has started.
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(dictionary['passwords-common']);

export function commonPasswordCount(): number {
  return COMMON_PASSWORDS.size;
}

/**
 * The forms of a password compared against the lists: lower-cased, and lower-cased
 * without the digits, symbols and spaces people add at either end to meet composition
 * rules ("Password1!" is "password").
 */
function candidates(password: string): string[] {
  const lowered = password.normalize('NFKC').toLowerCase();
  const core = lowered.replace(/[\d\s\p{P}\p{S}]+$/u, '').replace(/^[\d\s\p{P}\p{S}]+/u, '');
  return core && core !== lowered ? [lowered, core] : [lowered];
}

/** Returns the violated rule's message, or null when the password is on no list. */
export function blocklistViolation(password: string, context: PasswordContext): string | null {
  const forms = candidates(password);
  const words: Array<[string, string | null | undefined]> = [
    ['user name', context.userName],
    ['account name', context.accountName],
    ['email address', context.email],
    ['email address', context.email?.split('@')[0]],
  ];
  for (const [label, word] of words) {
    const key = word?.normalize('NFKC').toLowerCase();
    if (key && key.length >= 3 && forms.includes(key)) return `Password must not be based on your ${label}.`;
  }
  if (forms.some((form) => COMMON_PASSWORDS.has(form))) return 'Password is among the most commonly used passwords.';
  return null;
}
