import type { Keyring } from '../shared/keyring.ts';
import { hmac } from '../shared/secrets.ts';

/**
 * Keyed hashes of what someone typed into a sign-in form. People type passwords into
 * user-name fields, so the text itself is never stored; these HMACs only let the
 * sign-in doctor recognise, later, an attempt made with an identifier it is asked about.
 */
export type Attempted = { kind: 'root'; email: string } | { kind: 'user'; accountRef: string; userName: string };

export interface AttemptKeys {
  /** The whole identifier: root email, or account + user name. */
  identifierKey: string;
  /** The typed name alone (email or user name), to spot it used on the other form. */
  nameKey: string;
}

/** The key every attempt key is an HMAC under, derived from SECRET_KEY for this use only. */
const ATTEMPT_KEY_INFO = 'gatehouse sign-in attempt v1';

export function nameKeyOf(keyring: Keyring, name: string): string {
  return hmac(keyring.subkey(ATTEMPT_KEY_INFO), `name\n${name.trim().toLowerCase()}`).toString('hex');
}

export function identifierKeyOf(keyring: Keyring, attempted: Attempted): string {
  const text =
    attempted.kind === 'root'
      ? `root\n${attempted.email.trim().toLowerCase()}`
      : `user\n${attempted.accountRef.trim().toLowerCase()}\n${attempted.userName.trim().toLowerCase()}`;
  return hmac(keyring.subkey(ATTEMPT_KEY_INFO), text).toString('hex');
}

export function attemptKeysOf(keyring: Keyring, attempted: Attempted): AttemptKeys {
  return {
    identifierKey: identifierKeyOf(keyring, attempted),
    nameKey: nameKeyOf(keyring, attempted.kind === 'root' ? attempted.email : attempted.userName),
  };
}
