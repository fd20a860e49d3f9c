import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../shared/clock.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount } from '../../test/support/fixtures.ts';
import type { LinkStore } from './link-store.ts';
import { type IssuedLink, issueLink } from './link-token.ts';
import { type LinkCheck, type LinkRefusal, checkLink, refusalReason, spendLink } from './link.service.ts';
import { ONE_TIME_TOKENS, type TokenPurpose, insertToken } from './one-time-token.repository.ts';

const TTL = 30 * MINUTE;

describe.each(DIALECTS)('one link-token module on %s', (dialect) => {
  let t: TestContext;
  let accountId: string;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    accountId = (await makeAccount(t.deps)).id;
  });
  afterAll(() => t.close());

  /** A stored one-time token; `secretHash` overrides what is stored, to test the compare. */
  async function storedToken(
    purpose: TokenPurpose,
    options: { withCode?: boolean; secretHash?: string } = {},
  ): Promise<IssuedLink> {
    const issued = issueLink({ withCode: options.withCode ?? false });
    const now = t.clock.now();
    await insertToken(t.deps.db, {
      ...issued.row,
      ...(options.secretHash ? { secretHash: options.secretHash } : {}),
      purpose,
      accountId,
      principalId: accountId,
      payload: null,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + TTL).toISOString(),
    });
    return issued;
  }

  const check = (purposes: TokenPurpose[], presented: { token?: string; code?: string }) =>
    checkLink(t.deps.db, ONE_TIME_TOKENS, purposes, presented, t.clock.now());
  const reasonOf = (outcome: LinkCheck<unknown>): LinkRefusal | 'ok' => (outcome.ok ? 'ok' : outcome.reason);
  const spendIn = <R, P extends string>(store: LinkStore<R, P>, checked: LinkCheck<R, P>) => {
    if (!checked.ok) throw new Error(`not usable: ${checked.reason}`);
    return t.deps.db.transaction().execute((tx) => spendLink(tx, store, checked, t.clock.now().toISOString()));
  };

  it('accepts a genuine, unused, unexpired link, and its short code typed in any case', async () => {
    const issued = await storedToken('password_reset', { withCode: true });
    const byLink = await check(['password_reset'], { token: issued.value });
    expect(byLink).toMatchObject({
      ok: true,
      purpose: 'password_reset',
      link: { id: issued.row.id, accountId, usedAt: null },
    });
    const typed = issued.code!.toLowerCase().replaceAll('-', ' ');
    expect(await check(['password_reset'], { code: typed })).toMatchObject({ ok: true, link: { id: issued.row.id } });
  });

  it('refuses a malformed link or code before any lookup, naming no row', async () => {
    const { value } = await storedToken('password_reset');
    const [id, secret] = value.split('.') as [string, string];
    for (const token of [
      '',
      'x',
      `${id}.${secret.slice(1)}`,
      `${id}.${secret}a`,
      `${id}.${secret.toUpperCase()}`,
      `${id}${secret}`,
      `${id}.${secret}.${secret}`,
      'a'.repeat(201),
    ]) {
      expect(await check(['password_reset'], { token }), token).toEqual({ ok: false, reason: 'Malformed', link: null });
    }
    for (const code of ['AAAAA-BBBBB', '0'.repeat(26), '']) {
      expect(await check(['password_reset'], { code }), code).toEqual({ ok: false, reason: 'Malformed', link: null });
    }
    expect(await check(['password_reset'], {})).toEqual({ ok: false, reason: 'Malformed', link: null });
  });

  it('refuses an id or code that names no stored link (made up, or replaced and deleted), naming no row', async () => {
    const made = issueLink({ withCode: true });
    expect(await check(['password_reset'], { token: made.value })).toEqual({
      ok: false,
      reason: 'NotFound',
      link: null,
    });
    expect(await check(['password_reset'], { code: made.code! })).toEqual({
      ok: false,
      reason: 'NotFound',
      link: null,
    });
  });

  it('refuses a wrong secret for a stored id, naming the row so the refusal is recorded for its account', async () => {
    const { value } = await storedToken('password_reset');
    const [id, secret] = value.split('.') as [string, string];
    const flip = (c: string) => (c === 'a' ? 'b' : 'a');
    for (const wrong of [`${flip(secret[0]!)}${secret.slice(1)}`, `${secret.slice(0, -1)}${flip(secret.at(-1)!)}`]) {
      const outcome = await check(['password_reset'], { token: `${id}.${wrong}` });
      expect(outcome).toMatchObject({ ok: false, reason: 'WrongSecret', link: { id, accountId } });
    }
  });

  it('compares only the hash of the secret, constant-time over digests, whatever is stored', async () => {
    // A row holding the secret itself (not its hash) is never matched: the compare is hash to hash.
    const plain = issueLink();
    const plainSecret = plain.value.split('.')[1]!;
    const asPlain = await storedToken('password_reset', { secretHash: plainSecret });
    expect(reasonOf(await check(['password_reset'], { token: `${asPlain.row.id}.${plainSecret}` }))).toBe(
      'WrongSecret',
    );
    // A damaged stored hash (wrong length, not hex) is a wrong secret, never a thrown compare (a 500).
    for (const damaged of ['abc', 'z'.repeat(64), '0'.repeat(66)]) {
      const issued = await storedToken('password_reset', { secretHash: damaged });
      expect(reasonOf(await check(['password_reset'], { token: issued.value })), damaged).toBe('WrongSecret');
    }
  });

  it('refuses a genuine link of another purpose, naming its row', async () => {
    const { value, row } = await storedToken('verify_email');
    expect(await check(['password_reset'], { token: value })).toMatchObject({
      ok: false,
      reason: 'WrongPurpose',
      link: { id: row.id, purpose: 'verify_email' },
    });
    expect(reasonOf(await check(['verify_email', 'change_email'], { token: value }))).toBe('ok');
  });

  it('refuses a used link and its code once spent', async () => {
    const issued = await storedToken('password_reset', { withCode: true });
    expect(await spendIn(ONE_TIME_TOKENS, await check(['password_reset'], { code: issued.code! }))).toBe(true);
    expect(reasonOf(await check(['password_reset'], { token: issued.value }))).toBe('AlreadyUsed');
    expect(reasonOf(await check(['password_reset'], { code: issued.code! }))).toBe('AlreadyUsed');
  });

  it('refuses a link from the very moment it expires, and will not spend a link that expired after its check', async () => {
    const early = await storedToken('password_reset');
    t.clock.advance(TTL - 1);
    const checked = await check(['password_reset'], { token: early.value });
    expect(reasonOf(checked)).toBe('ok');
    t.clock.advance(1);
    expect(reasonOf(await check(['password_reset'], { token: early.value }))).toBe('Expired');
    expect(await spendIn(ONE_TIME_TOKENS, checked)).toBe(false);
  });

  it('records each refusal under the reason flows have always recorded', () => {
    const refusal = (reason: LinkRefusal): LinkCheck<null> => ({ ok: false, reason, link: null });
    expect(
      (['Malformed', 'NotFound', 'WrongSecret', 'WrongPurpose', 'Cancelled', 'AlreadyUsed', 'Expired'] as const).map(
        (r) => refusalReason(refusal(r)),
      ),
    ).toEqual([
      'MalformedLink',
      'UnknownLink',
      'WrongSecret',
      'WrongPurpose',
      'RecoveryCancelled',
      'LinkAlreadyUsed',
      'LinkExpired',
    ]);
    // A link that checks out again after its action failed was spent by a concurrent request.
    expect(refusalReason({ ok: true, link: null, purpose: 'password_reset' })).toBe('LinkAlreadyUsed');
    // A flow may name a refusal more precisely (a finished MFA recovery).
    expect(refusalReason(refusal('AlreadyUsed'), { AlreadyUsed: 'RecoveryCompleted' })).toBe('RecoveryCompleted');
  });

  it('lets exactly one of two concurrent spends of one checked link win', async () => {
    const { value } = await storedToken('password_reset');
    const checks = await Promise.all([
      check(['password_reset'], { token: value }),
      check(['password_reset'], { token: value }),
    ]);
    const spent = await Promise.all(checks.map((c) => spendIn(ONE_TIME_TOKENS, c)));
    expect(spent.filter(Boolean)).toHaveLength(1);
    expect(reasonOf(await check(['password_reset'], { token: value }))).toBe('AlreadyUsed');
  });
});
