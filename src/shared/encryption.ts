import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Secrets Gatehouse must be able to read back (access-key secrets, to verify SigV4
 * signatures; TOTP secrets) are sealed with AES-256-GCM under a key derived from SECRET_KEY
 * for one purpose. The associated data binds each ciphertext to its row, so a sealed secret
 * copied onto another row does not open. Format: `v1.<iv>.<tag>.<ciphertext>` (base64url).
 * After a key rotation, boxes of the previous keys open what was sealed before it (`Keyring.box`).
 */
export class SecretBox {
  readonly #key: Buffer;
  readonly #previous: readonly SecretBox[];

  constructor(secretKey: Buffer, purpose: string, previous: readonly SecretBox[] = []) {
    this.#key = Buffer.from(hkdfSync('sha256', secretKey, Buffer.alloc(0), `gatehouse ${purpose} v1`, 32));
    this.#previous = previous;
  }

  seal(plaintext: string, associatedData: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(
      '.',
    );
  }

  /** The plaintext, or null when the value was sealed neither by this key nor a previous one, for this row. */
  open(sealed: string, associatedData: string): string | null {
    const opened = this.openCurrent(sealed, associatedData);
    if (opened !== null) return opened;
    for (const box of this.#previous) {
      const old = box.openCurrent(sealed, associatedData);
      if (old !== null) return old;
    }
    return null;
  }

  /** The plaintext when sealed under the current key (what needs no resealing); null otherwise. */
  openCurrent(sealed: string, associatedData: string): string | null {
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

/** True when `value` has the shape of a sealed value (whichever key sealed it). */
export function looksSealed(value: string): boolean {
  return /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(value);
}

/**
 * A message body kept at rest sealed (outboxes: mail, phone): '' once erased after sending;
 * null when sealed under no key given (SECRET_KEY changed without SECRET_KEY_PREVIOUS); a body
 * written before bodies were sealed is still plain text until a reseal, and reads as it is.
 */
export function openStoredBody(box: SecretBox, id: string, stored: string): string | null {
  if (stored === '') return '';
  const opened = box.open(stored, id);
  if (opened !== null) return opened;
  return looksSealed(stored) ? null : stored;
}
