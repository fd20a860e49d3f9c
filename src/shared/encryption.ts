import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Secrets Gatehouse must be able to read back (access-key secrets, to verify SigV4
 * signatures) are sealed with AES-256-GCM under a key derived from SECRET_KEY for one
 * purpose. The associated data binds each ciphertext to its row, so a sealed secret
 * copied onto another row does not open. Format: `v1.<iv>.<tag>.<ciphertext>` (base64url).
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(secretKey: Buffer, purpose: string) {
    this.#key = Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), `gatehouse ${purpose} v1`, 32));
  }

  seal(plaintext: string, associatedData: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  /** The plaintext, or null when the value was not sealed by this key for this row. */
  open(sealed: string, associatedData: string): string | null {
    const parts = sealed.split('.');
    if (parts.length !== 4 || parts[0] !== 'v1') return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(parts[1]!, 'base64url'));
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(Buffer.from(parts[2]!, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(parts[3]!, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}

const boxes = new WeakMap<Buffer, Map<string, SecretBox>>();

/** The box for `purpose` under `secretKey`, derived once per key and purpose. */
export function secretBox(secretKey: Buffer, purpose: string): SecretBox {
  let byPurpose = boxes.get(secretKey);
  if (!byPurpose) boxes.set(secretKey, (byPurpose = new Map()));
  let box = byPurpose.get(purpose);
  if (!box) byPurpose.set(purpose, (box = new SecretBox(secretKey, purpose)));
  return box;
}
