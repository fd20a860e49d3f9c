import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR } from '../shared/clock.ts';
import { newRowId } from '../shared/ids.ts';
import { issueLink } from '../links/link-token.ts';
import { type LinkCheck, checkLink, spendLink } from '../links/link.service.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount } from '../../test/support/fixtures.ts';
import {
  RECOVERY_LINKS,
  type RecoveryLinkPurpose,
  type RecoveryRecord,
  insertRecovery,
  updateOpenRecovery,
} from './mfa-recovery.repository.ts';

/** A recovery's two mailed links through the one link-token module: one row, two secrets. */
describe.each(DIALECTS)('recovery links on %s', (dialect) => {
  let t: TestContext;
  let accountId: string;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    accountId = (await makeAccount(t.deps)).id;
  });
  afterAll(() => t.close());

  async function recovery(): Promise<{ id: string; email: string; cancel: string }> {
    const id = newRowId(new Date());
    const email = issueLink({ id });
    const cancel = issueLink({ id });
    const now = t.clock.now();
    await insertRecovery(t.deps.db, {
      id,
      accountId,
      emailSecretHash: email.row.secretHash,
      cancelSecretHash: cancel.row.secretHash,
      phoneCodeHash: null,
      phoneCodeExpiresAt: null,
      phoneAttempts: 0,
      emailVerifiedAt: null,
      phoneVerifiedAt: null,
      readyAt: null,
      cancelledAt: null,
      completedAt: null,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + HOUR).toISOString(),
    });
    return { id, email: email.value, cancel: cancel.value };
  }

  const check = (which: RecoveryLinkPurpose, token: string) =>
    checkLink(t.deps.db, RECOVERY_LINKS, [which], { token }, t.clock.now());
  const reasonOf = (outcome: LinkCheck<unknown>) => (outcome.ok ? 'ok' : outcome.reason);
  const spend = (checked: LinkCheck<RecoveryRecord, RecoveryLinkPurpose>) => {
    if (!checked.ok) throw new Error(`not usable: ${checked.reason}`);
    return t.deps.db.transaction().execute((tx) => spendLink(tx, RECOVERY_LINKS, checked, t.clock.now().toISOString()));
  };

  it('tells its two links apart by their secrets: each works for its own purpose only', async () => {
    const r = await recovery();
    expect(await check('email', r.email)).toMatchObject({ ok: true, purpose: 'email', link: { id: r.id, accountId } });
    expect(await check('cancel', r.cancel)).toMatchObject({ ok: true, purpose: 'cancel' });
    expect(await check('email', r.cancel)).toMatchObject({ ok: false, reason: 'WrongPurpose', link: { id: r.id } });
    expect(await check('cancel', r.email)).toMatchObject({ ok: false, reason: 'WrongPurpose', link: { id: r.id } });
    const [id, secret] = r.email.split('.') as [string, string];
    expect(await check('email', `${id}.${secret.slice(0, -1)}${secret.endsWith('a') ? 'b' : 'a'}`)).toMatchObject({
      ok: false,
      reason: 'WrongSecret',
      link: { id },
    });
    expect(reasonOf(await check('email', issueLink({ id: newRowId(new Date()) }).value))).toBe('NotFound');
    // A token-shaped id is not a recovery id.
    expect(reasonOf(await check('email', issueLink().value))).toBe('Malformed');
  });

  it('spends the email link once; the cancel link still works until the recovery is cancelled', async () => {
    const r = await recovery();
    const checks = await Promise.all([check('email', r.email), check('email', r.email)]);
    expect((await Promise.all(checks.map(spend))).filter(Boolean)).toHaveLength(1);
    expect(reasonOf(await check('email', r.email))).toBe('AlreadyUsed');
    expect(reasonOf(await check('cancel', r.cancel))).toBe('ok');
  });

  it('cancels once, after which both links say Cancelled and neither can be spent', async () => {
    const r = await recovery();
    const email = await check('email', r.email);
    const checks = await Promise.all([check('cancel', r.cancel), check('cancel', r.cancel)]);
    expect((await Promise.all(checks.map(spend))).filter(Boolean)).toHaveLength(1);
    expect(reasonOf(await check('email', r.email))).toBe('Cancelled');
    expect(reasonOf(await check('cancel', r.cancel))).toBe('Cancelled');
    expect(await spend(email)).toBe(false);
  });

  it('counts both links used once the recovery completed, and neither once it expired', async () => {
    const done = await recovery();
    expect(await updateOpenRecovery(t.deps.db, done.id, { completedAt: t.clock.now().toISOString() })).toBe(true);
    expect(await check('email', done.email)).toMatchObject({
      ok: false,
      reason: 'AlreadyUsed',
      link: { completedAt: t.clock.now().toISOString() },
    });
    expect(reasonOf(await check('cancel', done.cancel))).toBe('AlreadyUsed');

    const late = await recovery();
    const cancel = await check('cancel', late.cancel);
    t.clock.advance(HOUR);
    expect(reasonOf(await check('email', late.email))).toBe('Expired');
    expect(reasonOf(await check('cancel', late.cancel))).toBe('Expired');
    expect(await spend(cancel)).toBe(false);
  });
});
