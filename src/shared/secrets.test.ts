import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashSecret, matchesHash, newToken, parseToken, randomBase32, safeEqual } from './secrets.ts';

describe('tokens', () => {
  it('round-trips: a new token parses back to its id and secret', () => {
    const token = newToken();
    expect(token.value).toBe(`${token.id}.${token.secret}`);
    expect(parseToken(token.value)).toEqual({ id: token.id, secret: token.secret });
  });

  it('carries at least 128 bits of secret and stores only its SHA-256', () => {
    const token = newToken();
    // base32: 5 bits a character.
    expect(token.secret.length * 5).toBeGreaterThanOrEqual(128);
    expect(token.secretHash).toBe(createHash('sha256').update(token.secret).digest('hex'));
    expect(token.secretHash).not.toContain(token.secret);
    expect(matchesHash(token.secret, token.secretHash)).toBe(true);
  });

  it('never repeats', () => {
    const values = new Set(Array.from({ length: 1000 }, () => newToken().value));
    expect(values.size).toBe(1000);
  });

  it('refuses malformed tokens', () => {
    const { id, secret } = newToken();
    for (const bad of [
      undefined,
      '',
      '.',
      id,
      `${id}.`,
      `.${secret}`,
      `${id}.${secret}.x`,
      `${id}${secret}`,
      `${id.toUpperCase()}.${secret}`,
      `${id}.${secret.slice(1)}`,
      `${id}.${secret}0`,
      ` ${id}.${secret}`,
      `${id}.${secret}\n`,
      'x'.repeat(10_000),
    ]) {
      expect(parseToken(bad), String(bad)).toBeNull();
    }
  });

  it('draws base32 of the requested strength', () => {
    expect(randomBase32(20)).toMatch(/^[a-z2-7]{32}$/);
    expect(randomBase32(10)).toMatch(/^[a-z2-7]{16}$/);
    expect(randomBase32(1)).toMatch(/^[a-z2-7]{2}$/);
  });
});

describe('safeEqual', () => {
  it('is true for equal strings and buffers, false otherwise, whatever the lengths', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual(Buffer.from('abc'), 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', 'a')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
  });
});

describe('matchesHash', () => {
  it('accepts only the secret whose SHA-256 is stored', () => {
    const stored = hashSecret('the secret');
    expect(matchesHash('the secret', stored)).toBe(true);
    expect(matchesHash('the secreT', stored)).toBe(false);
    expect(matchesHash('', stored)).toBe(false);
  });

  it('is false, never a throw, when the stored value is not a SHA-256 hex digest', () => {
    expect(matchesHash('x', '')).toBe(false);
    expect(matchesHash('x', 'abcd')).toBe(false);
    expect(matchesHash('x', 'zz'.repeat(32))).toBe(false);
    expect(matchesHash('x', `${hashSecret('x')}00`)).toBe(false);
  });
});
