import { createHmac } from 'node:crypto';

/**
 * Derived SigV4 signing keys, cached per access key, date, region and service, so a
 * busy key costs one HMAC per request instead of five and no secret decryption.
 * Access key IDs are never reused, so an entry can never belong to another secret;
 * the credential row is still read on every request (status, expiry), so a deleted
 * or deactivated key is refused even while its entry is cached.
 */
export class SigningKeyCache {
  readonly #entries = new Map<string, Buffer>();
  constructor(readonly maxEntries = 10_000) {}

  get size(): number {
    return this.#entries.size;
  }

  /** The signing key, derived with `secret()` (which may return null: then null) on a miss. */
  get(accessKeyId: string, date: string, region: string, service: string, secret: () => string | null): Buffer | null {
    const id = `${accessKeyId}/${date}/${region}/${service}`;
    const hit = this.#entries.get(id);
    if (hit) return hit;
    const plain = secret();
    if (plain === null) return null;
    const key = deriveSigningKey(plain, date, region, service);
    if (this.#entries.size >= this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(id, key);
    return key;
  }
}

export function deriveSigningKey(secret: string, date: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', `AWS4${secret}`).update(date).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}

export function signWithKey(signingKey: Buffer, stringToSign: string): string {
  return createHmac('sha256', signingKey).update(stringToSign).digest('hex');
}
