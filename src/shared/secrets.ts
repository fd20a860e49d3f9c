import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { remember } from './remember.ts';

/**
 * The one place secrets are made and compared. Tokens have the form `id.secret`:
 * the id finds the row, only SHA-256 of the secret is stored, and the compare is
 * constant-time over fixed-length digests.
 */

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Lower-case base32 of `bytes` random bytes (5 bits a character). */
export function randomBase32(bytes: number): string {
  const buf = randomBytes(bytes);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** `length` characters drawn uniformly from `alphabet`. */
export function randomFrom(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export function sha256(text: string | Buffer): Buffer {
  return createHash('sha256').update(text).digest();
}

export function hmac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}

/** Constant-time equality of two strings, whatever their lengths (compares digests). */
export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

/** Constant-time check that `presented` hashes to `storedHash` (hex SHA-256). */
export function matchesHash(presented: string, storedHash: string): boolean {
  const stored = Buffer.from(storedHash, 'hex');
  if (stored.length !== 32) return false;
  return timingSafeEqual(sha256(presented), stored);
}

export function hashSecret(secret: string): string {
  return sha256(secret).toString('hex');
}

export interface Token {
  id: string;
  secret: string;
  /** What the holder is given: `id.secret`. */
  value: string;
  /** What is stored: hex SHA-256 of the secret. */
  secretHash: string;
}

/** A new token: 80-bit id, 160-bit secret (well above the 128 bits required). */
export function newToken(): Token {
  const id = randomBase32(10);
  const secret = randomBase32(20);
  return { id, secret, value: `${id}.${secret}`, secretHash: hashSecret(secret) };
}

const TOKEN_SHAPES = new Map<string, RegExp>();

/** Splits `id.secret`; null when the shape is wrong. `idPattern`: the id's shape, when it is not a `newToken` id. */
export function parseToken(
  value: string | undefined,
  idPattern = '[a-z2-7]{16}',
): { id: string; secret: string } | null {
  if (!value || value.length > 200) return null;
  // Compiled once per shape: this runs on every signed-in request.
  const shape = remember(TOKEN_SHAPES, idPattern, () => new RegExp(`^(${idPattern})\\.([a-z2-7]{32})$`));
  const match = shape.exec(value);
  if (!match) return null;
  return { id: match[1]!, secret: match[2]! };
}
