import { randomInt } from 'node:crypto';
import { randomFrom } from './secrets.ts';

const DIGITS = '0123456789';
/** The alphabet of AWS unique IDs (AIDA…, AKIA…): upper-case letters and the digits 2–7. */
const UNIQUE_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A random 12-digit account ID; never sequential, never starting with 0. */
export function newAccountId(): string {
  return String(randomInt(1, 10)) + randomFrom(DIGITS, 11);
}

/** An IAM user ID: `AIDA` and 17 characters, 21 in all, as AWS. */
export function newUserId(): string {
  return `AIDA${randomFrom(UNIQUE_ID_ALPHABET, 17)}`;
}

/** An opaque ID for rows nobody types (audit events, history): time-ordered, then random. */
export function newRowId(): string {
  return Date.now().toString(36).padStart(9, '0') + randomFrom('abcdefghijklmnopqrstuvwxyz0123456789', 12);
}
