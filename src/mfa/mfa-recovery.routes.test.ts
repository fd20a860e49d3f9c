import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { listOutboxMail } from '../mail/outbox.service.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, makeAccount } from '../../test/support/fixtures.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { referenceIn } from '../../test/support/references.ts';
import { lookUpReference } from '../support-references/support-reference.service.ts';
import { HOUR } from '../shared/clock.ts';
import { listPhoneMessagesOpened } from './phone-gateway.ts';
import { updateOpenRecovery } from './mfa-recovery.repository.ts';
import { codeAt, stepAt } from './totp.ts';

const PHONE = '+44 20 7946 0123';
const E164 = '+442079460123';

describe.each(DIALECTS)('root sign-in with alternative factors on %s', (dialect) => {
  let t: TestContext;
  let account: Awaited<ReturnType<typeof makeAccount>>;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    account = await makeAccount(t.deps);
  });
  afterAll(() => t.close());

  const now = () => stepAt(t.clock.now());

  async function latestMail(template: string) {
    const mail = (await listOutboxMail(t.deps, { limit: 50, recipient: account.email })).find(
      (m) => m.template === template,
    );
    expect(mail, template).toBeDefined();
    return mail!;
  }

  async function latestPhoneCode(): Promise<string> {
    const [message] = await listPhoneMessagesOpened(t.deps, { recipient: E164, limit: 1 });
    expect(message).toBeDefined();
    return /(\d{6})/.exec(message!.body!.replaceAll(' ', ''))![1]!;
  }

  /** The root user with an authenticator app and a verified phone, as set up on Security credentials. */
  it('lets the root user confirm the account phone number by a code', async () => {
    const owner = new Browser(t.app);
    await owner.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD });
    const bad = await owner.post(
      '/console/mfa/phone',
      { phone: '0207 946', channel: 'sms' },
      { csrfFrom: '/console/security-credentials' },
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('international form');
    const sent = await owner.post(
      '/console/mfa/phone',
      { phone: PHONE, channel: 'sms' },
      { csrfFrom: '/console/security-credentials' },
    );
    expect(sent.statusCode).toBe(303);
    const wrong = await owner.post(
      '/console/mfa/phone/confirm',
      { code: '000000' === (await latestPhoneCode()) ? '111111' : '000000' },
      { csrfFrom: '/console/security-credentials' },
    );
    expect(wrong.statusCode).toBe(400);
    const confirmed = await owner.post(
      '/console/mfa/phone/confirm',
      { code: await latestPhoneCode() },
      { csrfFrom: '/console/security-credentials' },
    );
    expect(confirmed.headers.location).toContain('done=phone-confirmed');
    expect((await owner.get('/console/security-credentials')).body).toContain(`<strong>${E164}</strong> (verified)`);

    // And an authenticator app, which will then be "lost".
    const started = await owner.post(
      '/console/mfa/authenticator',
      { name: 'lost-phone' },
      { csrfFrom: '/console/security-credentials' },
    );
    const secret = /<code id="totp-secret">([A-Z2-7 ]+)<\/code>/.exec(started.body)![1]!.replaceAll(' ', '');
    const device = /name="device" value="([^"]+)"/.exec(started.body)![1]!;
    await owner.post(
      '/console/mfa/authenticator/enable',
      { device, code1: codeAt(secret, now() - 1), code2: codeAt(secret, now()) },
      { csrfFrom: '/console/security-credentials' },
    );
    t.clock.advance(30_000);
  });

  async function throughEmailAndPhone(browser: Browser) {
    expect(
      (await browser.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD })).headers.location,
    ).toBe('/signin/mfa');
    const help = await browser.get('/signin/mfa-help');
    expect(help.body).toContain('Sign in using alternative factors');
    const started = await browser.post('/signin/mfa-help/start', {}, { csrfFrom: '/signin/mfa-help' });
    expect(started.body).toContain('Step 1 of 2: email');
    // The phone step is not open before the email is proved.
    const early = await browser.post(
      '/signin/mfa-help/phone/send',
      { channel: 'sms' },
      { csrfFrom: '/signin/mfa-help' },
    );
    expect(early.statusCode).toBe(403);

    const mail = await latestMail('mfa-recovery-email');
    const link = /(\/signin\/mfa-help\/email\?token=[a-z0-9.]+)/.exec(mail.text)![1]!;
    const cancelLink = /(\/signin\/mfa-help\/cancel\?token=[a-z0-9.]+)/.exec(mail.text)![1]!;
    // Opening the link changes nothing; confirming does (from any browser).
    const mailbox = new Browser(t.app);
    expect((await mailbox.get(link)).body).toContain('Confirm my email address');
    const token = new URL(link, 'http://x').searchParams.get('token')!;
    expect((await mailbox.post('/signin/mfa-help/email', { token }, { csrfFrom: link })).statusCode).toBe(200);

    const phoneStep = await browser.get('/signin/mfa-help');
    expect(phoneStep.body).toContain('Step 2 of 2: phone');
    await browser.post('/signin/mfa-help/phone/send', { channel: 'voice' }, { csrfFrom: '/signin/mfa-help' });
    const [call] = await listPhoneMessagesOpened(t.deps, { recipient: E164, limit: 1 });
    expect(call?.channel).toBe('voice');
    const wrong = await browser.post('/signin/mfa-help/phone', { code: '12345' }, { csrfFrom: '/signin/mfa-help' });
    expect(wrong.statusCode).toBe(403);
    expect(await lookUpReference(t.deps, account.id, referenceIn(wrong.body))).toMatchObject([
      { flow: 'mfa-recovery', reason: 'WrongCode' },
    ]);
    const right = await browser.post(
      '/signin/mfa-help/phone',
      { code: await latestPhoneCode() },
      { csrfFrom: '/signin/mfa-help' },
    );
    expect(right.statusCode).toBe(200);
    return { cancelToken: new URL(cancelLink, 'http://x').searchParams.get('token')! };
  }

  it('signs the root user in after proving email and phone, then lets it remove the lost device', async () => {
    const browser = new Browser(t.app);
    await throughEmailAndPhone(browser);
    const ready = await browser.get('/signin/mfa-help');
    expect(ready.body).toContain('Sign in to the console');
    const done = await browser.post('/signin/mfa-help/complete', {}, { csrfFrom: '/signin/mfa-help' });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/console/security-credentials');
    const page = await browser.get('/console/security-credentials');
    expect(page.statusCode).toBe(200);
    const removal = /href="(\/console\/mfa\/devices\/[^/]+\/remove)"/.exec(page.body)![1]!;
    // Removing a factor asks for the password again, which the recovering root user knows.
    expect((await browser.post(removal, { currentPassword: ROOT_PASSWORD }, { csrfFrom: removal })).statusCode).toBe(
      303,
    );
    const names = (await listAuditEvents(t.deps.db, { accountId: account.id, limit: 30 })).map((e) => e.eventName);
    for (const event of [
      'MfaRecoveryStarted',
      'MfaRecoveryEmailVerified',
      'MfaRecoveryPhoneVerified',
      'MfaRecoveryCompleted',
      'DeactivateMFADevice',
    ]) {
      expect(names).toContain(event);
    }
    await latestMail('mfa-recovery-completed');
    await latestMail('mfa-device-removed');
    // Without a device, the password alone signs in again.
    expect(
      (await new Browser(t.app).post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD }))
        .headers.location,
    ).toBe('/console');
  });

  it('holds the sign-in for the waiting period, during which the owner can cancel it', async () => {
    const owner = new Browser(t.app);
    await owner.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD });
    await owner.post('/console/mfa/recovery-wait', { waitHours: '24' }, { csrfFrom: '/console/security-credentials' });
    const started = await owner.post(
      '/console/mfa/authenticator',
      { name: 'second-phone' },
      { csrfFrom: '/console/security-credentials' },
    );
    const secret = /<code id="totp-secret">([A-Z2-7 ]+)<\/code>/.exec(started.body)![1]!.replaceAll(' ', '');
    const device = /name="device" value="([^"]+)"/.exec(started.body)![1]!;
    await owner.post(
      '/console/mfa/authenticator/enable',
      { device, code1: codeAt(secret, now() - 1), code2: codeAt(secret, now()) },
      { csrfFrom: '/console/security-credentials' },
    );
    t.clock.advance(30_000);

    const someone = new Browser(t.app);
    const { cancelToken } = await throughEmailAndPhone(someone);
    const waiting = await someone.get('/signin/mfa-help');
    expect(waiting.body).toContain('Waiting period');
    expect((await someone.post('/signin/mfa-help/complete', {}, { csrfFrom: '/signin?choose=1' })).statusCode).toBe(
      403,
    );
    await latestMail('mfa-recovery-verified');
    // The signed-in owner sees it on the console.
    expect((await owner.get('/console')).body).toContain('signing in as the root user without an MFA device');

    const cancelled = await new Browser(t.app).post(
      '/signin/mfa-help/cancel',
      { token: cancelToken },
      { csrfFrom: '/signin?choose=1' },
    );
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.body).toContain('The sign-in was cancelled');
    const cancelledAgain = await new Browser(t.app).get(`/signin/mfa-help/cancel?token=${cancelToken}`);
    expect(cancelledAgain.statusCode).toBe(400);
    expect(await lookUpReference(t.deps, account.id, referenceIn(cancelledAgain.body))).toMatchObject([
      { flow: 'mfa-recovery', reason: 'RecoveryCancelled', targetName: 'root' },
    ]);
    t.clock.advance(25 * HOUR);
    // Even after the period, a cancelled recovery never completes.
    const again = new Browser(t.app);
    await again.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD });
    expect((await again.get('/signin/mfa-help')).body).toContain('Sign in using alternative factors');
    const names = (
      await listAuditEvents(t.deps.db, { accountId: account.id, eventName: 'MfaRecoveryCancelled', limit: 5 })
    ).map((e) => e.eventName);
    expect(names).toHaveLength(1);
  });

  it('compares at most 5 phone codes per recovery, even when guesses arrive all at once', async () => {
    const someone = new Browser(t.app);
    expect(
      (await someone.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD })).headers.location,
    ).toBe('/signin/mfa');
    await someone.post('/signin/mfa-help/start', {}, { csrfFrom: '/signin/mfa-help' });
    const link = /(\/signin\/mfa-help\/email\?token=[a-z0-9.]+)/.exec(
      (await latestMail('mfa-recovery-email')).text,
    )![1]!;
    const mailbox = new Browser(t.app);
    await mailbox.post(
      '/signin/mfa-help/email',
      { token: new URL(link, 'http://x').searchParams.get('token')! },
      { csrfFrom: link },
    );
    await someone.post('/signin/mfa-help/phone/send', { channel: 'sms' }, { csrfFrom: '/signin/mfa-help' });
    const code = await latestPhoneCode();
    const wrong = code === '000000' ? '111111' : '000000';
    const csrf = await someone.csrf();
    const guesses = await Promise.all(
      Array.from({ length: 10 }, () => someone.post('/signin/mfa-help/phone', { code: wrong }, { csrf })),
    );
    expect(guesses.every((g) => g.statusCode === 403)).toBe(true);
    const [recovery] = await t.deps.db
      .selectFrom('mfa_recoveries')
      .select('phone_attempts')
      .where('account_id', '=', account.id)
      .orderBy('created_at', 'desc')
      .limit(1)
      .execute();
    expect(Number(recovery!.phone_attempts)).toBe(5);
    // The right code, now, is one try too many.
    const late = await someone.post('/signin/mfa-help/phone', { code }, { csrf });
    expect(late.statusCode).toBe(403);
    expect(late.body).toContain('That code is not right or has expired');
  });

  /** Signs in with the password, starts a recovery and returns the two mailed tokens. */
  async function startedRecovery() {
    const someone = new Browser(t.app);
    expect(
      (await someone.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD })).headers.location,
    ).toBe('/signin/mfa');
    await someone.post('/signin/mfa-help/start', {}, { csrfFrom: '/signin/mfa-help' });
    const text = (await latestMail('mfa-recovery-email')).text;
    const tokenOf = (which: string) =>
      new URL(
        new RegExp(`(/signin/mfa-help/${which}\\?token=[a-z0-9.]+)`).exec(text)![1]!,
        'http://x',
      ).searchParams.get('token')!;
    return { email: tokenOf('email'), cancel: tokenOf('cancel') };
  }

  const eventsOf = async (eventName: string, recoveryId: string) =>
    (await listAuditEvents(t.deps.db, { accountId: account.id, eventName, limit: 100 })).filter((e) =>
      (e.details ?? '').includes(recoveryId),
    );

  it('confirms the email with its link once, like every mailed link: a second use is refused with a reference', async () => {
    const { email } = await startedRecovery();
    const link = `/signin/mfa-help/email?token=${email}`;
    const mailbox = new Browser(t.app);
    expect((await mailbox.post('/signin/mfa-help/email', { token: email }, { csrfFrom: link })).statusCode).toBe(200);
    const again = await mailbox.post('/signin/mfa-help/email', { token: email }, { csrfFrom: '/signin?choose=1' });
    expect(again.statusCode).toBe(400);
    expect(await lookUpReference(t.deps, account.id, referenceIn(again.body))).toMatchObject([
      { flow: 'mfa-recovery', reason: 'LinkAlreadyUsed', targetName: 'root' },
    ]);
    expect((await mailbox.get(link)).statusCode).toBe(400);
    expect(await eventsOf('MfaRecoveryEmailVerified', email.split('.')[0]!)).toHaveLength(1);
  });

  it('lets exactly one of two concurrent clicks of a mailed link act, and never takes one link for the other', async () => {
    const { email, cancel } = await startedRecovery();
    const recoveryId = email.split('.')[0]!;
    const mailbox = new Browser(t.app);
    const csrf = await mailbox.csrf('/signin?choose=1');
    // The cancel link does not confirm the address: it is a genuine link of the other purpose.
    const swapped = await mailbox.post('/signin/mfa-help/email', { token: cancel }, { csrf });
    expect(swapped.statusCode).toBe(400);
    expect(await lookUpReference(t.deps, account.id, referenceIn(swapped.body))).toMatchObject([
      { reason: 'WrongPurpose' },
    ]);

    const confirms = await Promise.all(
      [1, 2].map(() => mailbox.post('/signin/mfa-help/email', { token: email }, { csrf })),
    );
    expect(confirms.map((r) => r.statusCode).sort()).toEqual([200, 400]);
    expect(await eventsOf('MfaRecoveryEmailVerified', recoveryId)).toHaveLength(1);

    const cancels = await Promise.all(
      [1, 2].map(() => mailbox.post('/signin/mfa-help/cancel', { token: cancel }, { csrf })),
    );
    expect(cancels.map((r) => r.statusCode).sort()).toEqual([200, 400]);
    expect(await eventsOf('MfaRecoveryCancelled', recoveryId)).toHaveLength(1);
    // Once cancelled, the confirm link says so too.
    const late = await mailbox.get(`/signin/mfa-help/email?token=${email}`);
    expect(await lookUpReference(t.deps, account.id, referenceIn(late.body))).toMatchObject([
      { reason: 'RecoveryCancelled' },
    ]);
  });

  it('refuses the links of a finished recovery, recorded as RecoveryCompleted', async () => {
    const { email, cancel } = await startedRecovery();
    expect(
      await updateOpenRecovery(t.deps.db, email.split('.')[0]!, { completedAt: t.clock.now().toISOString() }),
    ).toBe(true);
    for (const [which, token] of [
      ['email', email],
      ['cancel', cancel],
    ] as const) {
      const refused = await new Browser(t.app).get(`/signin/mfa-help/${which}?token=${token}`);
      expect(refused.statusCode).toBe(400);
      expect(await lookUpReference(t.deps, account.id, referenceIn(refused.body))).toMatchObject([
        { flow: 'mfa-recovery', reason: 'RecoveryCompleted' },
      ]);
    }
  });
});
