import * as nodeCrypto from 'node:crypto';
import { createHash, createHmac, randomFillSync, randomInt, timingSafeEqual } from 'node:crypto';
import { remember } from './remember.ts';

/**
 * The one place secrets are made and compared. Tokens have the form `id.secret`:
 * the id finds the row, only SHA-256 of the secret is stored, and the compare is
 * constant-time over fixed-length digests.
 */

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/**
 * Random bytes are drawn from the CSPRNG a few kilobytes at a time and each handed out once,
 * as Node does for `randomUUID`: one draw per request (the request ID) otherwise costs more
 * than the rest of a cached session check.
 */
const POOL = Buffer.alloc(4096);
let poolUsed = POOL.length;

/** Lower-case base32 of `bytes` random bytes (5 bits a character). */
export function randomBase32(bytes: number): string {
  if (bytes > POOL.length) throw new RangeError(`at most ${POOL.length} random bytes at once`);
  if (poolUsed + bytes > POOL.length) {
    randomFillSync(POOL);
    poolUsed = 0;
  }
  const start = poolUsed;
  poolUsed += bytes;
  let bits = 0;
  let value = 0;
  let out = '';
  for (let i = start; i < start + bytes; i++) {
    const byte = POOL[i]!;
    // The byte is spent: nothing else ever reads it.
    POOL[i] = 0;
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

/**
 * One-shot SHA-256 where Node has it (20.12 and later): on every session check and token it
 * costs a fraction of a Hash object, which is what older versions use.
 */
const oneShot = typeof nodeCrypto.hash === 'function' ? nodeCrypto.hash : null;

export function sha256(text: string | Buffer): Buffer {
  return oneShot ? oneShot('sha256', text, 'buffer') : createHash('sha256').update(text).digest();
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
  return oneShot ? oneShot('sha256', secret, 'hex') : sha256(secret).toString('hex');
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
