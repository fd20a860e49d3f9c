import { describe, expect, it } from 'vitest';
import { blocklistViolation } from './password-blocklist.ts';
import { GENERATED_PASSWORD_LENGTH, generatePassword } from './password-generator.ts';
import { type CompositionRules, MAX_PASSWORD_LENGTH, compositionViolation } from './password-rules.ts';

const STRICT: CompositionRules = {
  minimumPasswordLength: 14,
  requireSymbols: true,
  requireNumbers: true,
  requireUppercaseCharacters: true,
  requireLowercaseCharacters: true,
};

describe('generated console passwords', () => {
  it('meet the strictest account password policy, every time', () => {
    for (let i = 0; i < 500; i++) {
      const password = generatePassword(STRICT, { userName: 'gina' });
      expect(password).toHaveLength(GENERATED_PASSWORD_LENGTH);
      expect(compositionViolation(password, STRICT)).toBeNull();
      expect(blocklistViolation(password, { userName: 'gina' })).toBeNull();
    }
  });

  it('are as long as the policy asks, up to the longest password there is', () => {
    expect(generatePassword({ ...STRICT, minimumPasswordLength: 40 })).toHaveLength(40);
    expect(generatePassword({ ...STRICT, minimumPasswordLength: MAX_PASSWORD_LENGTH })).toHaveLength(
      MAX_PASSWORD_LENGTH,
    );
    expect(generatePassword(null)).toHaveLength(GENERATED_PASSWORD_LENGTH);
  });

  it('start with a letter (a spreadsheet reads = + - @ as a formula) and skip look-alike characters', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const password = generatePassword(STRICT);
      expect(password[0]).toMatch(/[A-Za-z]/);
      for (const ch of password) seen.add(ch);
    }
    for (const lookAlike of ['0', 'O', '1', 'l', 'I']) expect(seen.has(lookAlike), lookAlike).toBe(false);
  });

  it('differ each time', () => {
    const made = new Set(Array.from({ length: 100 }, () => generatePassword(null)));
    expect(made.size).toBe(100);
  });
});
