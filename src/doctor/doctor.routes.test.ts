import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR, SYSTEM_META, recordAudit } from '../audit/audit.service.ts';
import { saveThrottle } from '../mfa/mfa.repository.ts';
import { updatePasswordPolicy } from '../password-policy/password-policy.service.ts';
import { runPendingJobs } from '../../test/support/jobs.ts';
import { DAY, HOUR } from '../shared/clock.ts';
import { setUserPassword } from '../users/user.service.ts';
import { rootIdentifier, userIdentifier } from '../throttle/unlock.service.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, USER_PASSWORD, makeAccount, makeUser, uniqueEmail } from '../../test/support/fixtures.ts';
import { DIAGNOSIS_LIMIT, diagnoseSignIn } from './doctor.service.ts';
import { listOutboxMail } from '../mail/outbox.service.ts';

type Response = { statusCode: number; body: string; headers: Record<string, unknown> };

function strip(r: Response) {
  const { 'x-request-id': _id, date: _date, ...headers } = r.headers;
  return { status: r.statusCode, body: r.body, headers };
}

/** Diagnosis mails to `to`, newest first, opened. */
async function diagnosisMailTo(t: TestContext, to: string) {
  return (await listOutboxMail(t.deps, { limit: 100, recipient: to })).filter(
    (m) => m.template === 'sign-in-diagnosis',
  );
}

describe.each(DIALECTS)('sign-in doctor on %s', (dialect) => {
  let t: TestContext;
  let browser: Browser;
  let unknownAnswer: ReturnType<typeof strip>;
  const ROOT_ADMIN = { type: 'root' as const, id: '', name: 'root' };

  beforeAll(async () => {
    t = await createTestContext(dialect);
    browser = new Browser(t.app);
    unknownAnswer = strip(await diagnose({ email: 'nobody-at-all@example.com' }));
    await runPendingJobs(t.deps);
  });
  afterAll(() => t.close());

  async function diagnose(fields: Record<string, string>) {
    const response = await browser.post('/signin/help/diagnose', fields, { csrfFrom: '/signin/help/diagnose' });
    await runPendingJobs(t.deps);
    return response;
  }

  const reportsTo = (to: string) => diagnosisMailTo(t, to);

  /** Asks, checks the page is the unknown-identifier page byte for byte, and returns the one new report to `to`. */
  async function askAndRead(fields: Record<string, string>, to: string, options: { sameHour?: boolean } = {}) {
    // Each scenario asks in a new hour, so the per-owner limit does not mix scenarios up.
    if (!options.sameHour) t.clock.advance(HOUR + 1);
    const before = (await reportsTo(to)).length;
    const response = await diagnose(fields);
    expect(strip(response)).toEqual(unknownAnswer);
    const reports = await reportsTo(to);
    expect(reports.length).toBe(before + 1);
    return reports[0]!;
  }

  it('answers an unknown identifier with the same page and sends nothing', async () => {
    expect(unknownAnswer.status).toBe(200);
    expect(unknownAnswer.body).toContain('Report requested');
    const again = strip(await diagnose({ account: '999999999999', userName: 'ghost' }));
    expect(again).toEqual(unknownAnswer);
    const count = await t.deps.db
      .selectFrom('mail_outbox')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('template', '=', 'sign-in-diagnosis')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it('WrongPassword (root): names the count and where from, and links the reset', async () => {
    const account = await makeAccount(t.deps);
    for (let i = 0; i < 3; i++) {
      await browser.post(
        '/signin/root/password',
        { email: account.email, password: 'not the password' },
        { headers: { 'user-agent': 'Mozilla/5.0 Firefox/140.0' } },
      );
    }
    const mail = await askAndRead({ email: account.email.toUpperCase() }, account.email);
    expect(mail.html).toContain('data-cause="WrongPassword"');
    expect(mail.text).toContain('entered for root 3 times');
    expect(mail.text).toContain('Firefox');
    expect(mail.text).toContain('Fix: Reset your password by email: http://gatehouse.test/signin/forgot');
  });

  it('WrongIdentity (root): the root email typed as an IAM user name', async () => {
    const account = await makeAccount(t.deps, { alias: `ident-${dialect}` });
    await browser.post(`/signin/ident-${dialect}`, { userName: account.email, password: ROOT_PASSWORD });
    const mail = await askAndRead({ email: account.email }, account.email);
    expect(mail.html).toContain('data-cause="WrongIdentity"');
    expect(mail.text).toContain('entered as an IAM user name once');
    expect(mail.text).toContain('Fix: Sign in as the root user: http://gatehouse.test/signin?choose=1');
  });

  describe('IAM users', () => {
    let account: Awaited<ReturnType<typeof makeAccount>>;
    const alias = `doc-${dialect}`;
    beforeAll(async () => {
      account = await makeAccount(t.deps, { alias });
      ROOT_ADMIN.id = account.id;
    });

    it('WrongPassword (IAM user without a contact email): a notice to the administrators with the reset link', async () => {
      await makeUser(t.deps, account.id, 'bob');
      await browser.post(`/signin/${alias}`, { userName: 'bob', password: 'wrong one' });
      const mail = await askAndRead({ account: alias, userName: 'BOB' }, account.email);
      expect(mail.subject).toBe(`bob could not sign in to account ${alias}`);
      expect(mail.html).toContain('data-cause="WrongPassword"');
      expect(mail.text).toContain(`Fix: Set a new password for bob: http://gatehouse.test/console/users/bob`);
      const home = new Browser(t.app);
      await home.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD });
      const consolePage = await home.get('/console');
      expect(consolePage.body).toContain('bob could not sign in');
    });

    it('PasswordResetByAdministrator: who reset it, when, and the sign-in URL', async () => {
      await makeUser(t.deps, account.id, 'carol');
      t.clock.advance(HOUR);
      await setUserPassword(t.deps, account.id, 'carol', 'a brand new password 9', false, ROOT_ADMIN, {
        ip: '198.51.100.4',
        userAgent: 'Mozilla/5.0 Chrome/130',
        requestId: 'r1',
      });
      const mail = await askAndRead({ account: alias, userName: 'carol' }, account.email);
      expect(mail.html).toContain('data-cause="PasswordResetByAdministrator"');
      expect(mail.text).toContain('reset by the root user');
      expect(mail.text).toContain('198.51.100.4 (Chrome)');
      expect(mail.text).toContain(`http://gatehouse.test/signin/${alias}`);
    });

    it('PasswordResetRequired and NoConsolePassword', async () => {
      await makeUser(t.deps, account.id, 'dave', { passwordResetRequired: true });
      const required = await askAndRead({ account: alias, userName: 'dave' }, account.email);
      expect(required.html).toContain('data-cause="PasswordResetRequired"');
      expect(required.text).toContain('Fix: Sign in with the current password, then choose a new one');
      await makeUser(t.deps, account.id, 'erin', { password: null });
      const none = await askAndRead({ account: alias, userName: 'erin' }, account.email);
      expect(none.html).toContain('data-cause="NoConsolePassword"');
    });

    it('MfaDeviceRemoved and MfaLocked', async () => {
      const frank = await makeUser(t.deps, account.id, 'frank');
      await t.deps.db.transaction().execute((tx) =>
        recordAudit(
          tx,
          t.deps,
          { ip: '203.0.113.9', userAgent: '', requestId: 'r2' },
          {
            accountId: account.id,
            actor: ROOT_ADMIN,
            eventName: 'DeactivateMFADevice',
            target: { id: frank.id, name: 'frank' },
            details: { serialNumber: `arn:aws:iam::${account.id}:mfa/frank`, type: 'totp' },
          },
        ),
      );
      await saveThrottle(
        t.deps.db,
        frank.id,
        { failures: 10, blockedUntil: new Date(t.clock.now().getTime() + 3 * HOUR).toISOString() },
        t.clock.now().toISOString(),
      );
      const mail = await askAndRead({ account: alias, userName: 'frank' }, account.email);
      expect(mail.html).toContain('data-cause="MfaDeviceRemoved"');
      expect(mail.text).toContain('removed by the root user');
      expect(mail.html).toContain('data-cause="MfaLocked"');
      expect(mail.text).toContain('locked until');
    });

    it('WrongIdentity (IAM user): the user name typed on the root form; WrongAccount: used with another account', async () => {
      await makeUser(t.deps, account.id, 'grace');
      await browser.post('/signin/root/password', { email: 'grace', password: USER_PASSWORD });
      await browser.post('/signin/no-such-alias-zz', { userName: 'grace', password: USER_PASSWORD });
      const mail = await askAndRead({ account: account.id, userName: 'grace' }, account.email);
      expect(mail.html).toContain('data-cause="WrongIdentity"');
      expect(mail.text).toContain('was entered on the root user form once');
      expect(mail.html).toContain('data-cause="WrongAccount"');
      expect(mail.text).toContain(`grace exists only in account ${alias}`);
      expect(mail.text).toContain(`Sign in at your account's own address: http://gatehouse.test/signin/${alias}`);
    });

    it('UserNotInAccount: attempts with a name the account does not have reach its administrators', async () => {
      await browser.post(`/signin/${alias}`, { userName: 'heidi', password: 'whatever' });
      const mail = await askAndRead({ account: alias, userName: 'heidi' }, account.email);
      expect(mail.html).toContain('data-cause="UserNotInAccount"');
      // A name nobody tried is an unknown identifier: nothing is sent.
      const before = (await reportsTo(account.email)).length;
      expect(strip(await diagnose({ account: alias, userName: 'never-tried' }))).toEqual(unknownAnswer);
      expect((await reportsTo(account.email)).length).toBe(before);
    });

    it('PasswordExpired and PasswordExpiredHard, with the expiry date', async () => {
      const other = await makeAccount(t.deps, { alias: `exp-${dialect}` });
      await makeUser(t.deps, other.id, 'ivan');
      await updatePasswordPolicy(t.deps, other.id, { maxPasswordAge: 30 }, CLI_ACTOR, SYSTEM_META);
      t.clock.advance(31 * DAY);
      const soft = await askAndRead({ account: `exp-${dialect}`, userName: 'ivan' }, other.email);
      expect(soft.html).toContain('data-cause="PasswordExpired"');
      expect(soft.text).toContain('Fix: Sign in and choose a new password');
      await updatePasswordPolicy(t.deps, other.id, { maxPasswordAge: 30, hardExpiry: true }, CLI_ACTOR, SYSTEM_META);
      const hard = await askAndRead({ account: `exp-${dialect}`, userName: 'ivan' }, other.email);
      expect(hard.html).toContain('data-cause="PasswordExpiredHard"');
      expect(hard.text).toContain('Fix: Reset the password of ivan: http://gatehouse.test/console/users/ivan');
    });

    it('sends to a verified contact email, never to an unverified one', async () => {
      const judy = await makeUser(t.deps, account.id, 'judy');
      const contact = uniqueEmail('judy');
      await t.deps.db
        .updateTable('users')
        .set({ contact_email: contact, contact_email_verified: 0 })
        .where('id', '=', judy.id)
        .execute();
      await askAndRead({ account: alias, userName: 'judy' }, account.email);
      expect(await reportsTo(contact)).toHaveLength(0);
      await t.deps.db.updateTable('users').set({ contact_email_verified: 1 }).where('id', '=', judy.id).execute();
      await browser.post(`/signin/${alias}`, { userName: 'judy', password: 'not hers' });
      const mail = await askAndRead({ account: alias, userName: 'judy' }, contact);
      expect(mail.subject).toBe('Why you could not sign in as judy');
      expect(mail.text).toContain('Fix: Ask your administrators');
    });

    it(`rate-limits reports per owner to ${DIAGNOSIS_LIMIT} an hour, answering the same`, async () => {
      const owner = await makeAccount(t.deps);
      for (let i = 0; i < DIAGNOSIS_LIMIT; i++)
        await askAndRead({ email: owner.email }, owner.email, { sameHour: i > 0 });
      expect(strip(await diagnose({ email: owner.email }))).toEqual(unknownAnswer);
      expect(await reportsTo(owner.email)).toHaveLength(DIAGNOSIS_LIMIT);
      await askAndRead({ email: owner.email }, owner.email);
    });
  });

  it('refuses a request without a solved security check, sending nothing', async () => {
    const account = await makeAccount(t.deps);
    const refused = await browser.post(
      '/signin/help/diagnose',
      { email: account.email },
      { csrfFrom: '/signin/help/diagnose', securityCheck: false },
    );
    await runPendingJobs(t.deps);
    expect(refused.statusCode).toBe(400);
    expect(await reportsTo(account.email)).toHaveLength(0);
  });

  it('shows a malformed entry its field error, and never stores what was typed in clear', async () => {
    const bad = await diagnose({ account: 'not an account!', userName: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('12-digit account ID');
    await browser.post('/signin/root/password', { email: 'typed-a-secret-here', password: 'x' });
    const rows = JSON.stringify(await t.deps.db.selectFrom('support_references').selectAll().execute());
    expect(rows).not.toContain('typed-a-secret-here');
  });
});

describe.each(DIALECTS)('sign-in doctor with sign-in locks on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect, { THROTTLE_HARD_STOP: '3' });
  });
  afterAll(() => t.close());

  it('SignInLocked: names the lock and the unlock action', async () => {
    const account = await makeAccount(t.deps, { alias: `lock-${dialect}` });
    await makeUser(t.deps, account.id, 'kim');
    const { throttle } = t.deps.guard;
    const subject = { identifier: userIdentifier(account.id, 'kim'), deviceId: null };
    for (let i = 0; i < 3; i++)
      await throttle.store.addFailure(throttle.failureKey(subject, 'password'), t.clock.now().toISOString());
    await diagnoseSignIn(t.deps, { kind: 'user', accountRef: `lock-${dialect}`, userName: 'kim' }, SYSTEM_META);
    const reports = (await listOutboxMail(t.deps, { limit: 100 })).filter((m) => m.template === 'sign-in-diagnosis');
    expect(reports).toHaveLength(1);
    const mail = reports[0]!;
    expect(mail.recipient).toBe(account.email);
    expect(mail.html).toContain('data-cause="SignInLocked"');
    expect(mail.text).toContain('locked after 3 wrong passwords in a row');
    expect(mail.text).toContain(`Fix: Unlock sign-in for kim: http://gatehouse.test/console/users/kim`);
  });

  it('SignInLocked for the root user: the report carries a fresh unlock link; the audit trail never holds it', async () => {
    const account = await makeAccount(t.deps);
    const { throttle } = t.deps.guard;
    const subject = { identifier: rootIdentifier(account.email), deviceId: null };
    for (let i = 0; i < 3; i++)
      await throttle.store.addFailure(throttle.failureKey(subject, 'password'), t.clock.now().toISOString());
    expect((await throttle.state(subject, 'password', t.clock.now())).stopped).toBe(true);
    await diagnoseSignIn(t.deps, { kind: 'root', email: account.email }, SYSTEM_META);
    const mail = (await diagnosisMailTo(t, account.email))[0]!;
    expect(mail.html).toContain('data-cause="SignInLocked"');
    const link = /Fix: Lift the stop with this link[^:]*: (\S+)/.exec(mail.text)![1]!;
    const token = new URL(link).searchParams.get('token')!;
    const audit = JSON.stringify(
      await t.deps.db.selectFrom('audit_events').select('details').where('account_id', '=', account.id).execute(),
    );
    expect(audit).toContain('SignInLocked');
    expect(audit).not.toContain(token);

    // A link is made only for a report that is sent: past the hourly limit, none.
    const unlockRows = async () =>
      (
        await t.deps.db
          .selectFrom('throttle_unlocks')
          .select('id')
          .where('throttle_key', '=', subject.identifier)
          .execute()
      ).length;
    expect(await unlockRows()).toBe(1);
    for (let i = 0; i < DIAGNOSIS_LIMIT + 2; i++)
      await diagnoseSignIn(t.deps, { kind: 'root', email: account.email }, SYSTEM_META);
    expect(await unlockRows()).toBe(DIAGNOSIS_LIMIT);

    const owner = new Browser(t.app);
    const path = link.slice(t.deps.publicUrl.length);
    expect((await owner.post('/signin/unlock', { token }, { csrfFrom: path })).body).toContain('Sign-in stop lifted');
    expect((await throttle.state(subject, 'password', t.clock.now())).stopped).toBe(false);
  });
});
