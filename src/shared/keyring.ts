import { hkdfSync } from 'node:crypto';
import { SecretBox } from './encryption.ts';
import { hmac } from './secrets.ts';
import { remember } from './remember.ts';

/**
 * `SECRET_KEY` and the keys it replaced (`SECRET_KEY_PREVIOUS`), with every key derived from
 * them for one purpose. Each derived key and box is made once, the first time it is asked for,
 * and kept here: the keyring is built once with the rest of `Deps`, so nothing derived from a
 * secret outlives it or is shared with another keyring.
 */
export class Keyring {
  readonly #current: Buffer;
  readonly #previous: readonly Buffer[];
  readonly #boxes = new Map<string, SecretBox>();
  readonly #macKeys = new Map<string, Buffer>();
  readonly #subkeys = new Map<string, Buffer>();

  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    if (current.length !== 32 || previous.some((key) => key.length !== 32))
      throw new Error('Keys in a keyring are 32 bytes.');
    this.#current = current;
    this.#previous = [...previous];
  }

  /**
   * The box for `purpose`: it seals under the current key only, and opens what the current
   * key or a previous one sealed (so a rotation loses nothing until `secret-key reseal` ran).
   */
  box(purpose: string): SecretBox {
    return remember(this.#boxes, purpose, () => {
      const previous = this.#previous.map((key) => new SecretBox(key, purpose));
      return new SecretBox(this.#current, purpose, previous);
    });
  }

  /** HMAC-SHA256 of `label` under the current key: the key of CSRF tokens, device cookies and the security check. */
  macKey(label: string): Buffer {
    return remember(this.#macKeys, label, () => hmac(this.#current, label));
  }

  /** A 32-byte key derived with HKDF-SHA256 from the current key, `info` naming its use. */
  subkey(info: string): Buffer {
    return remember(this.#subkeys, info, () =>
      Buffer.from(hkdfSync('sha256', this.#current, Buffer.alloc(0), info, 32)),
    );
  }
}
