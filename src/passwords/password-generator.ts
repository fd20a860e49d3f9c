import { randomInt } from 'node:crypto';
import { blocklistViolation } from './password-blocklist.ts';
import {
  type CompositionRules,
  MAX_PASSWORD_LENGTH,
  POLICY_SYMBOLS,
  type PasswordContext,
  compositionViolation,
  defaultRuleViolation,
} from './password-rules.ts';

/**
 * Passwords an administrator has Gatehouse make for a new user (the console's "generated
 * password"): random characters from every class the account password policy counts, long
 * enough for it, and then checked by the very rules a typed password meets.
 */

const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGITS = '23456789';
// AWS's symbol set; a password copied from a spreadsheet cell must not start with one of these.
const SYMBOLS = POLICY_SYMBOLS;
const LETTERS = UPPER + LOWER;

/** 20 characters of ~6 bits each (about 115 bits), or the policy's minimum when that is longer. */
export const GENERATED_PASSWORD_LENGTH = 20;

function pick(alphabet: string): string {
  return alphabet[randomInt(alphabet.length)]!;
}

function shuffle(chars: string[]): string[] {
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars;
}

function candidate(length: number): string {
  // One of each class, the rest from all of them, shuffled; a letter first.
  const rest = shuffle([pick(UPPER), pick(LOWER), pick(DIGITS), pick(SYMBOLS)]);
  const all = LETTERS + DIGITS + SYMBOLS;
  while (rest.length < length - 1) rest.push(pick(all));
  return pick(LETTERS) + shuffle(rest).join('');
}

/**
 * A password that passes the account's rules (`rules` null: the built-in rule) and the
 * common-password list, for the user named in `context`.
 */
export function generatePassword(rules: CompositionRules | null, context: PasswordContext = {}): string {
  const length = Math.min(MAX_PASSWORD_LENGTH, Math.max(GENERATED_PASSWORD_LENGTH, rules?.minimumPasswordLength ?? 0));
  for (;;) {
    const password = candidate(length);
    const violation = rules ? compositionViolation(password, rules) : defaultRuleViolation(password, context);
    if (violation === null && blocklistViolation(password, context) === null) return password;
  }
}
