import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_META } from '../audit/audit.service.ts';
import { rememberPassword } from '../passwords/password-history.repository.ts';
import { requestPasswordReset } from '../recovery/recovery.service.ts';
import { DAY, HOUR, MINUTE } from '../shared/clock.ts';
import { newRowId } from '../shared/ids.ts';
import { mintUnlockLink } from '../throttle/unlock.service.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, makeAccount } from '../../test/support/fixtures.ts';
import { PASSWORD_HISTORY_KEPT, purgeExpired } from './purge.service.ts';

describe.each(DIALECTS)('purging expired data on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(() => t.close());

  const iso = (offsetMs = 0) => new Date(t.clock.now().getTime() + offsetMs).toISOString();
  const resetTokens = async (accountId: string) =>
    (
      await t.deps.db
        .selectFrom('one_time_tokens')
        .select('id')
        .where('account_id', '=', accountId)
        .where('purpose', '=', 'password_reset')
        .execute()
    ).map((r) => r.id);
  const ids = async (table: 'sessions' | 'mail_outbox', accountId: string) =>
    (await t.deps.db.selectFrom(table).select('id').where('account_id', '=', accountId).orderBy('id').execute()).map(
      (r) => r.id,
    );
  const unlockIds = async () =>
    (await t.deps.db.selectFrom('throttle_unlocks').select('id').execute()).map((r) => r.id);

  async function signIn(email: string): Promise<Browser> {
    const browser = new Browser(t.app);
    expect((await browser.post('/signin/root/password', { email, password: ROOT_PASSWORD })).headers.location).toBe(
      '/console',
    );
    return browser;
  }

  it('ends idle and expired sessions and keeps live ones working', async () => {
    const account = await makeAccount(t.deps);
    await signIn(account.email);
    t.clock.advance(50 * MINUTE);
    const recent = await signIn(account.email);
    t.clock.advance(20 * MINUTE);
    expect(await ids('sessions', account.id)).toHaveLength(2);
    const report = await purgeExpired(t.deps);
    expect(report.sessions).toBeGreaterThanOrEqual(1);
    expect(await ids('sessions', account.id)).toHaveLength(1);
    expect((await recent.get('/console')).statusCode).toBe(200);
  });

  it('keeps links a day past their expiry, then deletes them; deletes delivered mail after 7 days, never queued mail', async () => {
    const account = await makeAccount(t.deps);
    await requestPasswordReset(t.deps, account.email, SYSTEM_META);
    const [oldToken] = await resetTokens(account.id);
    const [oldMail] = (
      await t.deps.db
        .selectFrom('mail_outbox')
        .select('id')
        .where('account_id', '=', account.id)
        .where('template', '=', 'password-reset')
        .execute()
    ).map((r) => r.id);
    await t.deps.db
      .updateTable('mail_outbox')
      .set({ status: 'sent', sent_at: iso() })
      .where('id', '=', oldMail!)
      .execute();
    const unlock = await t.deps.db.transaction().execute((tx) => mintUnlockLink(tx, t.deps, `root:${account.email}`));
    const unlockId = new URL(unlock).searchParams.get('token')!.split('.')[0]!;

    t.clock.advance(DAY);
    await purgeExpired(t.deps);
    // Expired, but within the grace day: a late click is still told "expired".
    expect(await resetTokens(account.id)).toEqual([oldToken]);
    expect(await unlockIds()).toContain(unlockId);

    t.clock.advance(DAY + HOUR);
    await purgeExpired(t.deps);
    expect(await resetTokens(account.id)).toEqual([]);
    expect(await unlockIds()).not.toContain(unlockId);
    // A link asked for now is untouched.
    await requestPasswordReset(t.deps, account.email, SYSTEM_META);
    const fresh = await resetTokens(account.id);
    await purgeExpired(t.deps);
    expect(await resetTokens(account.id)).toEqual(fresh);
    expect(fresh).toHaveLength(1);
    const queued = (await ids('mail_outbox', account.id)).filter((id) => id !== oldMail);

    t.clock.advance(6 * DAY);
    const report = await purgeExpired(t.deps);
    expect(report.deliveredMessages).toBeGreaterThanOrEqual(1);
    expect(await ids('mail_outbox', account.id)).toEqual(queued);
  });

  it(`keeps the newest ${PASSWORD_HISTORY_KEPT} remembered passwords of each principal`, async () => {
    const busy = newRowId(new Date());
    const quiet = newRowId(new Date());
    for (let i = 0; i < PASSWORD_HISTORY_KEPT + 6; i++) {
      await rememberPassword(t.deps.db, busy, `hash-${String(i).padStart(2, '0')}`, iso(i * MINUTE));
    }
    for (let i = 0; i < 3; i++) await rememberPassword(t.deps.db, quiet, `quiet-${i}`, iso(i * MINUTE));
    const report = await purgeExpired(t.deps);
    expect(report.passwordHistory).toBe(6);
    const kept = (
      await t.deps.db.selectFrom('password_history').select('password_hash').where('principal_id', '=', busy).execute()
    )
      .map((r) => r.password_hash)
      .sort();
    expect(kept).toHaveLength(PASSWORD_HISTORY_KEPT);
    expect(kept[0]).toBe('hash-06');
    expect(
      await t.deps.db.selectFrom('password_history').select('id').where('principal_id', '=', quiet).execute(),
    ).toHaveLength(3);
  });

  it('forgets refilled rate buckets, which then behave as full ones', async () => {
    const store = t.deps.guard.throttle.store;
    const rule = { burst: 2, intervalMs: MINUTE };
    const now = () => t.clock.now().getTime();
    expect(await store.take('purge-test', rule, now())).toBe(true);
    expect(await store.take('purge-test', rule, now())).toBe(true);
    expect(await store.take('purge-test', rule, now())).toBe(false);
    await purgeExpired(t.deps);
    // Still draining: kept, still refusing.
    expect(await store.take('purge-test', rule, now())).toBe(false);
    t.clock.advance(3 * MINUTE);
    await purgeExpired(t.deps);
    expect(
      await t.deps.db.selectFrom('throttle_buckets').select('key').where('key', '=', 'purge-test').execute(),
    ).toEqual([]);
    expect(await store.take('purge-test', rule, now())).toBe(true);
    expect(await store.take('purge-test', rule, now())).toBe(true);
    expect(await store.take('purge-test', rule, now())).toBe(false);
  });

  it('keeps the authorization API decision counts two days', async () => {
    const minute = (offsetMs: number) => iso(offsetMs).slice(0, 16);
    const account = await makeAccount(t.deps);
    for (const [offset, action] of [
      [-2 * DAY + MINUTE, 'notes:Kept'],
      [-2 * DAY - MINUTE, 'notes:Gone'],
    ] as const) {
      t.deps.decisionCounts.add({
        accountId: account.id,
        minute: minute(offset),
        serviceArn: `arn:aws:iam::${account.id}:user/svc`,
        action,
        decision: 'Allow',
      });
    }
    await t.deps.decisionCounts.flush();
    expect((await purgeExpired(t.deps)).decisionCounts).toBe(1);
    expect(
      (await t.deps.db.selectFrom('authorization_counts').select('action').execute()).map((r) => r.action),
    ).toEqual(['notes:Kept']);
  });

  it('never touches the audit trail', async () => {
    const before = await t.deps.db.selectFrom('audit_events').select('id').execute();
    t.clock.advance(400 * DAY);
    await purgeExpired(t.deps);
    expect(await t.deps.db.selectFrom('audit_events').select('id').execute()).toHaveLength(before.length);
  });
});
