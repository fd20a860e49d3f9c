import { describe, expect, it } from 'vitest';
import { sameText } from './verify-signature.ts';

describe('sameText', () => {
  it('is true only for the same text, whatever the lengths and characters', () => {
    const signature = `${'a'.repeat(63)}b`;
    expect(sameText(signature, signature)).toBe(true);
    expect(sameText(signature, `${'a'.repeat(63)}c`)).toBe(false);
    expect(sameText(signature, signature.slice(1))).toBe(false);
    expect(sameText(signature, `${signature}0`)).toBe(false);
    expect(sameText('', '')).toBe(true);
    expect(sameText('', signature)).toBe(false);
    // Characters beyond one byte are compared as UTF-8, not truncated: 'ā' and 'ł' share a low byte.
    expect(sameText('ā', 'ł')).toBe(false);
    expect(sameText('ā', 'ā')).toBe(true);
  });
});
