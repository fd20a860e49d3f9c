import { createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './encryption.ts';
import { Keyring } from './keyring.ts';

describe('Keyring (SECRET_KEY, the keys it replaced, and what is derived from them)', () => {
  const current = Buffer.alloc(32, 1);
  const previous = Buffer.alloc(32, 2);

  it('derives each key as SECRET_KEY always did, so what was sealed or signed before still opens', () => {
    const keyring = new Keyring(current);
    expect(keyring.macKey('gatehouse csrf v1')).toEqual(
      createHmac('sha256', current).update('gatehouse csrf v1').digest(),
    );
    expect(keyring.subkey('gatehouse sign-in attempt v1')).toEqual(
      Buffer.from(hkdfSync('sha256', current, Buffer.alloc(0), 'gatehouse sign-in attempt v1', 32)),
    );
    const sealedBefore = new SecretBox(current, 'access-key-secret').seal('secret', 'AKIAONE');
    expect(keyring.box('access-key-secret').open(sealedBefore, 'AKIAONE')).toBe('secret');
  });

  it('derives each key and box once, and keeps them to itself', () => {
    const keyring = new Keyring(current, [previous]);
    expect(keyring.box('mail-body')).toBe(keyring.box('mail-body'));
    expect(keyring.macKey('gatehouse device key v1')).toBe(keyring.macKey('gatehouse device key v1'));
    expect(keyring.subkey('gatehouse sign-in attempt v1')).toBe(keyring.subkey('gatehouse sign-in attempt v1'));
    // Another keyring on the same key shares nothing with it: no key outlives the deps it was built with.
    expect(new Keyring(current).box('mail-body')).not.toBe(keyring.box('mail-body'));
  });

  it('opens what a previous key sealed only when that key is given, and seals under the current key', () => {
    const sealedBefore = new Keyring(previous).box('mfa-totp-secret').seal('JBSWY3DPEHPK3PXP', 'device-1');
    expect(new Keyring(current).box('mfa-totp-secret').open(sealedBefore, 'device-1')).toBeNull();
    const rotating = new Keyring(current, [previous]).box('mfa-totp-secret');
    expect(rotating.open(sealedBefore, 'device-1')).toBe('JBSWY3DPEHPK3PXP');
    expect(new Keyring(previous).box('mfa-totp-secret').open(rotating.seal('x', 'device-1'), 'device-1')).toBeNull();
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new Keyring(Buffer.alloc(16))).toThrow('32 bytes');
    expect(() => new Keyring(current, [Buffer.alloc(31)])).toThrow('32 bytes');
  });
});
