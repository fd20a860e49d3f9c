import { hkdfSync } from 'node:crypto';
import type { Deps } from '../shared/deps.ts';
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

const keys = new WeakMap<Buffer, Buffer>();

function keyOf(secretKey: Buffer): Buffer {
  let key = keys.get(secretKey);
  if (!key) keys.set(secretKey, (key = Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), 'gatehouse sign-in attempt v1', 32))));
  return key;
}

/** The key material the app and CLI carry beside the plain Deps. */
export function secretKeyOf(deps: Deps): Buffer | null {
  const key = (deps as Deps & { secretKey?: Buffer }).secretKey;
  return Buffer.isBuffer(key) ? key : null;
}

export function nameKeyOf(secretKey: Buffer, name: string): string {
  return hmac(keyOf(secretKey), `name\n${name.trim().toLowerCase()}`).toString('hex');
}

export function identifierKeyOf(secretKey: Buffer, attempted: Attempted): string {
  const text =
    attempted.kind === 'root'
      ? `root\n${attempted.email.trim().toLowerCase()}`
      : `user\n${attempted.accountRef.trim().toLowerCase()}\n${attempted.userName.trim().toLowerCase()}`;
  return hmac(keyOf(secretKey), text).toString('hex');
}

export function attemptKeysOf(secretKey: Buffer, attempted: Attempted): AttemptKeys {
  return {
    identifierKey: identifierKeyOf(secretKey, attempted),
    nameKey: nameKeyOf(secretKey, attempted.kind === 'root' ? attempted.email : attempted.userName),
  };
}
