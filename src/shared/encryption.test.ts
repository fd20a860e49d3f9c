import { describe, expect, it } from 'vitest';
import { SecretBox } from './encryption.ts';
import { Keyring } from './keyring.ts';

describe('SecretBox (AES-256-GCM under a key derived from SECRET_KEY)', () => {
  const key = Buffer.alloc(32, 3);

  it('opens what it sealed, for the same row only', () => {
    const box = new SecretBox(key, 'access-key-secret');
    const sealed = box.seal('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'AKIAONE');
    expect(sealed).not.toContain('wJalrXUtnFEMI');
    expect(box.open(sealed, 'AKIAONE')).toBe('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    expect(box.open(sealed, 'AKIATWO')).toBeNull();
    expect(box.seal('same', 'AKIAONE')).not.toBe(box.seal('same', 'AKIAONE'));
  });

  it('refuses another key, another purpose, and any tampering', () => {
    const keyring = new Keyring(key);
    const sealed = keyring.box('access-key-secret').seal('secret', 'row');
    expect(new SecretBox(Buffer.alloc(32, 4), 'access-key-secret').open(sealed, 'row')).toBeNull();
    expect(keyring.box('other purpose').open(sealed, 'row')).toBeNull();
    const parts = sealed.split('.');
    const flipped = parts[3]!.startsWith('A') ? `B${parts[3]!.slice(1)}` : `A${parts[3]!.slice(1)}`;
    expect(keyring.box('access-key-secret').open([parts[0], parts[1], parts[2], flipped].join('.'), 'row')).toBeNull();
    expect(keyring.box('access-key-secret').open('garbage', 'row')).toBeNull();
    expect(keyring.box('access-key-secret')).toBe(keyring.box('access-key-secret'));
  });

  it('opens what previous keys sealed, once they are declared, and seals under the current key only', () => {
    const old = Buffer.alloc(32, 5);
    const current = Buffer.alloc(32, 6);
    const sealedBefore = new Keyring(old).box('mfa-totp-secret').seal('JBSWY3DPEHPK3PXP', 'device-1');
    expect(new Keyring(current).box('mfa-totp-secret').open(sealedBefore, 'device-1')).toBeNull();
    const box = new Keyring(current, [old]).box('mfa-totp-secret');
    expect(box.open(sealedBefore, 'device-1')).toBe('JBSWY3DPEHPK3PXP');
    expect(box.openCurrent(sealedBefore, 'device-1')).toBeNull();
    expect(box.open(sealedBefore, 'device-2')).toBeNull();
    const sealedNow = box.seal('JBSWY3DPEHPK3PXP', 'device-1');
    expect(box.openCurrent(sealedNow, 'device-1')).toBe('JBSWY3DPEHPK3PXP');
    expect(new SecretBox(old, 'mfa-totp-secret').open(sealedNow, 'device-1')).toBeNull();
  });
});
