import { randomFrom } from '../shared/secrets.ts';

/** AWS unique IDs: a four-letter prefix and 17 characters of upper-case base32, 21 in all. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function newGroupId(): string {
  return `AGPA${randomFrom(ALPHABET, 17)}`;
}

export function newPolicyId(): string {
  return `ANPA${randomFrom(ALPHABET, 17)}`;
}

export function newRoleId(): string {
  return `AROA${randomFrom(ALPHABET, 17)}`;
}
