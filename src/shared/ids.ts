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

const ROW_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** 36^5: the per-process sequence wraps after about 60 million IDs. */
const SEQUENCE_SPAN = 60_466_176;
let sequence = 0;

/**
 * An opaque ID for rows nobody types (audit events, jobs, history), ordered as they were
 * made: the clock's time, then a per-process sequence (so IDs made in the same instant,
 * or under a frozen test clock, keep their order), then random characters.
 */
export function newRowId(now: Date): string {
  sequence = (sequence + 1) % SEQUENCE_SPAN;
  return (
    now.getTime().toString(36).padStart(9, '0') +
    sequence.toString(36).padStart(5, '0') +
    randomFrom(ROW_ID_ALPHABET, 7)
  );
}
