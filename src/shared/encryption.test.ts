import { describe, expect, it } from 'vitest';
import { SecretBox, acceptPreviousKeys, secretBox } from './encryption.ts';

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
    const sealed = secretBox(key, 'access-key-secret').seal('secret', 'row');
    expect(new SecretBox(Buffer.alloc(32, 4), 'access-key-secret').open(sealed, 'row')).toBeNull();
    expect(secretBox(key, 'other purpose').open(sealed, 'row')).toBeNull();
    const parts = sealed.split('.');
    const flipped = parts[3]!.startsWith('A') ? 'B' + parts[3]!.slice(1) : 'A' + parts[3]!.slice(1);
    expect(secretBox(key, 'access-key-secret').open([parts[0], parts[1], parts[2], flipped].join('.'), 'row')).toBeNull();
    expect(secretBox(key, 'access-key-secret').open('garbage', 'row')).toBeNull();
    expect(secretBox(key, 'access-key-secret')).toBe(secretBox(key, 'access-key-secret'));
  });

  it('opens what previous keys sealed, once they are declared, and seals under the current key only', () => {
    const old = Buffer.alloc(32, 5);
    const current = Buffer.alloc(32, 6);
    const sealedBefore = secretBox(old, 'mfa-totp-secret').seal('JBSWY3DPEHPK3PXP', 'device-1');
    expect(secretBox(current, 'mfa-totp-secret').open(sealedBefore, 'device-1')).toBeNull();
    acceptPreviousKeys(current, [old]);
    const box = secretBox(current, 'mfa-totp-secret');
    expect(box.open(sealedBefore, 'device-1')).toBe('JBSWY3DPEHPK3PXP');
    expect(box.openCurrent(sealedBefore, 'device-1')).toBeNull();
    expect(box.open(sealedBefore, 'device-2')).toBeNull();
    const sealedNow = box.seal('JBSWY3DPEHPK3PXP', 'device-1');
    expect(box.openCurrent(sealedNow, 'device-1')).toBe('JBSWY3DPEHPK3PXP');
    expect(new SecretBox(old, 'mfa-totp-secret').open(sealedNow, 'device-1')).toBeNull();
  });
});
