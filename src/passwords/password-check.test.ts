import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { updatePasswordPolicy } from '../password-policy/password-policy.service.ts';
import { GatehouseError } from '../shared/errors.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { blocklistViolation, commonPasswordCount } from './password-blocklist.ts';
import { type NewPasswordFor, checkNewPassword } from './password-check.ts';
import { POLICY_SYMBOLS, compositionViolation, defaultRuleViolation } from './password-rules.ts';
import { setUserPassword } from '../users/user.service.ts';

const NO_RULES = {
  minimumPasswordLength: 6,
  requireSymbols: false,
  requireNumbers: false,
  requireUppercaseCharacters: false,
  requireLowercaseCharacters: false,
};

describe('composition rules', () => {
  it('checks length counting characters, not UTF-16 units', () => {
    expect(compositionViolation('abcde', NO_RULES)).toBe('Password must be at least 6 characters long.');
    expect(compositionViolation('abcdef', NO_RULES)).toBeNull();
    expect(compositionViolation('😀😀😀😀😀', NO_RULES)).toBe('Password must be at least 6 characters long.');
    expect(compositionViolation('x'.repeat(129), { ...NO_RULES, minimumPasswordLength: 128 })).toBe(
      'Password must be at most 128 characters long.',
    );
  });

  it('names each character class that is missing', () => {
    expect(compositionViolation('lower case only', { ...NO_RULES, requireUppercaseCharacters: true })).toBe(
      'Password must contain at least one uppercase letter (A–Z).',
    );
    expect(compositionViolation('UPPER CASE ONLY', { ...NO_RULES, requireLowercaseCharacters: true })).toBe(
      'Password must contain at least one lowercase letter (a–z).',
    );
    expect(compositionViolation('no digits here', { ...NO_RULES, requireNumbers: true })).toBe(
      'Password must contain at least one number.',
    );
    expect(compositionViolation('no symbols here', { ...NO_RULES, requireSymbols: true })).toMatch(
      /^Password must contain at least one of these symbols: ! @ #/,
    );
  });

  it('counts only basic Latin letters and AWS symbols', () => {
    expect(compositionViolation('ÉÀÈ lower éà', { ...NO_RULES, requireUppercaseCharacters: true })).toBe(
      'Password must contain at least one uppercase letter (A–Z).',
    );
    // A full stop, a tilde and a space are not in AWS's symbol set.
    expect(compositionViolation('dots.and~tildes and spaces', { ...NO_RULES, requireSymbols: true })).not.toBeNull();
    for (const symbol of POLICY_SYMBOLS) {
      expect(compositionViolation(`symbol ${symbol} here`, { ...NO_RULES, requireSymbols: true })).toBeNull();
    }
  });

  it('keeps the built-in rule: 8 characters, not the email, account name or user name', () => {
    expect(defaultRuleViolation('short', {})).toBe('Password must be at least 8 characters long.');
    expect(defaultRuleViolation('Owner@Example.com', { email: 'owner@example.com' })).toBe(
      'Password must not be your email address.',
    );
    expect(defaultRuleViolation('long enough phrase', {})).toBeNull();
  });
});

describe('common-password blocklist', () => {
  it('holds well over the top 3,000 common passwords', () => {
    expect(commonPasswordCount()).toBeGreaterThan(3000);
  });

  it('refuses top-list passwords, including with case changes and appended digits or symbols', () => {
    for (const password of ['password', 'qwerty123', 'Dragon', 'PASSWORD1!', 'letmein2024', 'baseball!!', 'trustno1']) {
      expect(blocklistViolation(password, {}), password).toBe('Password is among the most commonly used passwords.');
    }
  });

  it('accepts a long random passphrase', () => {
    expect(blocklistViolation('violet tractor umbrella quietly 47', {})).toBeNull();
    expect(blocklistViolation('Hx7#kQ2!vLm9', {})).toBeNull();
  });

  it('refuses the user name, account name and email local part as context words', () => {
    expect(blocklistViolation('Marguerite2025!', { userName: 'marguerite' })).toBe(
      'Password must not be based on your user name.',
    );
    expect(blocklistViolation('zephyrcorp#1', { accountName: 'ZephyrCorp' })).toBe(
      'Password must not be based on your account name.',
    );
    expect(blocklistViolation('quintessa99', { email: 'quintessa@example.com' })).toBe(
      'Password must not be based on your email address.',
    );
    expect(blocklistViolation('quintessa and friends', { email: 'quintessa@example.com' })).toBeNull();
  });
});

describe.each(DIALECTS)('checkNewPassword on %s', (dialect) => {
  let t: TestContext;
  let accountId: string;
  let userId: string;

  beforeAll(async () => {
    t = await createTestContext(dialect, {}, { productionHasher: true });
    accountId = (await makeAccount(t.deps)).id;
    userId = (await makeUser(t.deps, accountId, 'carol')).id;
  });
  afterAll(() => t.close());

  const user = (): NewPasswordFor => ({
    accountId,
    type: 'user',
    principalId: userId,
    context: { userName: 'carol', accountName: 'Test account' },
  });
  const root = (): NewPasswordFor => ({
    accountId,
    type: 'root',
    principalId: accountId,
    context: { email: 'owner@example.com' },
  });

  async function violation(password: string, target: NewPasswordFor): Promise<string | null> {
    try {
      await checkNewPassword(t.deps, password, target);
      return null;
    } catch (error) {
      expect(error).toBeInstanceOf(GatehouseError);
      expect((error as GatehouseError).code).toBe('PasswordPolicyViolation');
      return (error as GatehouseError).message;
    }
  }

  it('applies the built-in rule and the blocklist when the account has no policy', async () => {
    expect(await violation('seven77', user())).toBe('Password must be at least 8 characters long.');
    expect(await violation('iloveyou', user())).toBe('Password is among the most commonly used passwords.');
    expect(await violation('a perfectly fine passphrase', user())).toBeNull();
  });

  it('applies the account policy to IAM users and never to the root user', async () => {
    await updatePasswordPolicy(
      t.deps,
      accountId,
      { minimumPasswordLength: 20, requireNumbers: true, requireSymbols: true },
      CLI_ACTOR,
      SYSTEM_META,
    );
    expect(await violation('short phrase 1!', user())).toBe('Password must be at least 20 characters long.');
    expect(await violation('long phrase without digits!', user())).toBe('Password must contain at least one number.');
    expect(await violation('long phrase with digit 1 but no symbol', user())).toMatch(
      /^Password must contain at least one of these symbols/,
    );
    expect(await violation('long phrase with digit 1 and symbol #', user())).toBeNull();
    // The root user stays under the built-in rule.
    expect(await violation('root passphrase', root())).toBeNull();
    expect(await violation('iloveyou', root())).toBe('Password is among the most commonly used passwords.');
  });

  it('applies the blocklist even when the policy would allow the password', async () => {
    await updatePasswordPolicy(t.deps, accountId, {}, CLI_ACTOR, SYSTEM_META);
    expect(await violation('123456', user())).toBe('Password is among the most commonly used passwords.');
    expect(await violation('carol2024', user())).toBe('Password must not be based on your user name.');
  });

  it('prevents reuse of exactly the last N passwords', async () => {
    await updatePasswordPolicy(t.deps, accountId, { passwordReusePrevention: 2 }, CLI_ACTOR, SYSTEM_META);
    const history = ['first reused phrase', 'second reused phrase', 'third reused phrase'];
    for (const password of history)
      await setUserPassword(t.deps, accountId, 'carol', password, false, CLI_ACTOR, SYSTEM_META);
    // The last two (including the current one) are remembered; the third-last is not.
    expect(await violation('third reused phrase', user())).toBe(
      'Password was used recently (the last 2 passwords cannot be reused).',
    );
    expect(await violation('second reused phrase', user())).toBe(
      'Password was used recently (the last 2 passwords cannot be reused).',
    );
    expect(await violation('first reused phrase', user())).toBeNull();

    await updatePasswordPolicy(t.deps, accountId, { passwordReusePrevention: 1 }, CLI_ACTOR, SYSTEM_META);
    expect(await violation('third reused phrase', user())).toBe(
      'Password was used recently (the last password cannot be reused).',
    );
    expect(await violation('second reused phrase', user())).toBeNull();

    await updatePasswordPolicy(t.deps, accountId, {}, CLI_ACTOR, SYSTEM_META);
    expect(await violation('third reused phrase', user())).toBeNull();
  });

  it('puts the error on the field it is given', async () => {
    const error = await checkNewPassword(t.deps, 'password', user(), 'newPassword').catch((e: unknown) => e);
    expect((error as GatehouseError).field).toBe('newPassword');
  });
});
