import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { listOutboxMail } from '../mail/outbox.service.ts';
import { runPendingJobs } from '../../test/support/jobs.ts';
import { findSessionRow } from '../sessions/session.repository.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, USER_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { MANAGE_OWN_CREDENTIALS, setUserPolicy } from '../../test/support/console.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { maskReference, referenceIn } from '../../test/support/references.ts';
import { lookUpReference } from '../support-references/support-reference.service.ts';
import { MINUTE } from '../shared/clock.ts';
import { loadPrincipal } from '../identities/principal.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { findUserByName } from '../identities/user.repository.ts';
import { FREE_FAILURES } from './mfa-throttle.ts';
import type { Deps } from '../deps.ts';
import { createVirtualDevice, enableVirtualDevice } from './mfa.service.ts';
import { codeAt, stepAt } from './totp.ts';

const NEW_PASSWORD = 'a completely new root passphrase';

describe.each(DIALECTS)('MFA at sign-in and in the console on %s', (dialect) => {
  let t: TestContext;
  let account: Awaited<ReturnType<typeof makeAccount>>;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    account = await makeAccount(t.deps, { alias: `mfa-${dialect}` });
    await makeUser(t.deps, account.id, 'carol');
    await makeUser(t.deps, account.id, 'dave', { passwordResetRequired: true });
    // IAM users manage their own MFA devices when a policy allows it, as in AWS.
    for (const name of ['carol', 'dave'])
      await setUserPolicy(t, account.id, name, 'own-credentials', [...MANAGE_OWN_CREDENTIALS]);
  });
  afterAll(() => t.close());

  let rootSecret = '';
  const now = () => stepAt(t.clock.now());
  const mfaDeps = (): Deps => t.deps;

  async function signInRoot(browser: Browser, password = ROOT_PASSWORD) {
    return browser.post('/signin/root/password', { email: account.email, password });
  }

  /** The root user, signed in with password and the authenticator app enrolled below. */
  async function rootWithMfa(): Promise<Browser> {
    const browser = new Browser(t.app);
    await signInRoot(browser, NEW_PASSWORD);
    const step = await browser.get('/signin/mfa');
    const deviceId = /name="device" value="([^"]+)"/.exec(step.body)![1]!;
    const done = await browser.post('/signin/mfa', { device: deviceId, code: codeAt(rootSecret, now()) });
    expect(done.headers.location).toBe('/console');
    t.clock.advance(30_000);
    return browser;
  }

  async function signInUser(browser: Browser, userName: string) {
    return browser.post(`/signin/${account.id}`, { userName, password: USER_PASSWORD });
  }

  /** Adds an authenticator app through the console as a person would; returns its secret. */
  async function addAuthenticator(browser: Browser, name: string): Promise<{ secret: string; deviceId: string }> {
    const started = await browser.post(
      '/console/mfa/authenticator',
      { name },
      { csrfFrom: '/console/security-credentials' },
    );
    expect(started.statusCode).toBe(200);
    expect(started.body).toMatch(/<img src="data:image\/png;base64,/);
    const secret = /<code id="totp-secret">([A-Z2-7 ]+)<\/code>/.exec(started.body)![1]!.replaceAll(' ', '');
    const deviceId = /name="device" value="([^"]+)"/.exec(started.body)![1]!;
    const wrong = await browser.post(
      '/console/mfa/authenticator/enable',
      { device: deviceId, code1: codeAt(secret, now()), code2: codeAt(secret, now()) },
      { csrfFrom: '/console/security-credentials' },
    );
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('Those codes were not accepted');
    const enabled = await browser.post(
      '/console/mfa/authenticator/enable',
      { device: deviceId, code1: codeAt(secret, now() - 1), code2: codeAt(secret, now()) },
      { csrfFrom: '/console/security-credentials' },
    );
    expect(enabled.statusCode).toBe(303);
    expect(enabled.headers.location).toBe('/console/security-credentials?done=mfa-added');
    t.clock.advance(30_000);
    return { secret, deviceId };
  }

  it('nudges the root user, enrols an authenticator app, then asks for it at every sign-in', async () => {
    const owner = new Browser(t.app);
    await signInRoot(owner);
    expect((await owner.get('/console')).body).toContain('The root user has no MFA device');
    const { secret } = await addAuthenticator(owner, 'root-phone');
    rootSecret = secret;
    const credentials = await owner.get('/console/security-credentials');
    expect(credentials.statusCode).toBe(200);
    expect(credentials.body).toContain('root-phone');
    expect(credentials.body).toContain('Authenticator app');
    expect((await owner.get('/console')).body).not.toContain('The root user has no MFA device');

    const browser = new Browser(t.app);
    const password = await signInRoot(browser);
    expect(password.statusCode).toBe(303);
    expect(password.headers.location).toBe('/signin/mfa');
    const before = browser.cookies.get('gh_session')!;
    // The half-signed-in session reaches nothing but the MFA step.
    for (const url of ['/console', '/console/security-credentials', '/console/change-password', '/console/users']) {
      const r = await browser.get(url);
      expect(r.statusCode, url).toBe(303);
      expect(r.headers.location, url).toBe('/signin/mfa');
    }
    const step = await browser.get('/signin/mfa');
    expect(step.statusCode).toBe(200);
    expect(step.body).toContain('MFA code');
    expect(step.body).toContain('href="/signin/mfa-help"');
    expect(step.body).toContain('Trouble signing in with MFA?');
    const deviceId = /name="device" value="([^"]+)"/.exec(step.body)![1]!;

    const wrong = await browser.post('/signin/mfa', { device: deviceId, code: codeAt(secret, now() + 3) });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('could not be verified');
    const malformed = await browser.post('/signin/mfa', { device: deviceId, code: 'abc' });
    expect(malformed.statusCode).toBe(401);
    expect(maskReference(malformed.body)).toBe(maskReference(wrong.body));
    // Each refusal has its own reference; the account's administrators see the real reason behind it.
    const [wrongRef, malformedRef] = [referenceIn(wrong.body), referenceIn(malformed.body)];
    expect(wrongRef).not.toBe(malformedRef);
    expect(await lookUpReference(t.deps, account.id, wrongRef)).toMatchObject([
      { flow: 'mfa', reason: 'WrongCode', principalName: 'root' },
    ]);
    expect((await lookUpReference(t.deps, account.id, malformedRef))[0]?.reason).toMatch(/Code/);

    const right = await browser.post('/signin/mfa', { device: deviceId, code: codeAt(secret, now()) });
    expect(right.statusCode).toBe(303);
    expect(right.headers.location).toBe('/console');
    const after = browser.cookies.get('gh_session')!;
    expect(after).not.toBe(before);
    expect((await browser.get('/console')).statusCode).toBe(200);
    // The pre-MFA token is worthless now.
    const stale = await t.app.inject({ method: 'GET', url: '/console', headers: { cookie: `gh_session=${before}` } });
    expect(stale.headers.location).toBe('/signin');
    const session = await findSessionRow(t.deps.db, after.split('.')[0]!);
    expect(session?.mfaAt).toBe(t.clock.now().toISOString());
    expect(session?.mfaMethod).toBe('totp');
    expect(session?.restriction).toBeNull();

    // The same code again (another person watching) is refused.
    const replay = new Browser(t.app);
    await signInRoot(replay);
    const replayed = await replay.post('/signin/mfa', { device: deviceId, code: codeAt(secret, now()) });
    expect(replayed.statusCode).toBe(401);
    const events = await listAuditEvents(t.deps.db, { accountId: account.id, eventName: 'CheckMfa', limit: 10 });
    expect(events.map((e) => e.reason)).toContain('ReplayedCode');
    expect(events.map((e) => e.outcome)).toContain('Success');
  });

  it('throttles repeated wrong codes at sign-in with the same generic answer', async () => {
    const browser = new Browser(t.app);
    await signInRoot(browser);
    const step = await browser.get('/signin/mfa');
    const deviceId = /name="device" value="([^"]+)"/.exec(step.body)![1]!;
    for (let i = 0; i < FREE_FAILURES; i++) {
      expect((await browser.post('/signin/mfa', { device: deviceId, code: '000000' })).statusCode).toBe(401);
    }
    const events = await listAuditEvents(t.deps.db, { accountId: account.id, eventName: 'CheckMfa', limit: 1 });
    expect(events[0]?.reason).toMatch(/WrongCode|MfaThrottled/);
    t.clock.advance(MINUTE);
  });

  it('never lets a password reset by email get past MFA', async () => {
    const stranger = new Browser(t.app);
    expect((await stranger.post('/signin/forgot', { email: account.email })).statusCode).toBe(200);
    await runPendingJobs(t.deps);
    const mail = (await listOutboxMail(t.deps, { limit: 50, recipient: account.email })).find(
      (m) => m.template === 'password-reset',
    );
    expect(mail).toBeDefined();
    const token = /token=([a-z2-7]{16}\.[a-z2-7]{32})/.exec(mail!.text)![1]!;
    const reset = await stranger.post('/signin/reset', { token, password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(reset.statusCode).toBe(200);
    expect(stranger.cookies.has('gh_session')).toBe(false);
    const signedIn = await signInRoot(stranger, NEW_PASSWORD);
    expect(signedIn.headers.location).toBe('/signin/mfa');
    expect((await stranger.get('/console')).headers.location).toBe('/signin/mfa');
    // The device is still there, and still the only way in.
    const step = await stranger.get('/signin/mfa');
    expect(step.body).toContain('root-phone');
    const deviceId = /name="device" value="([^"]+)"/.exec(step.body)![1]!;
    expect(
      (await stranger.post('/signin/mfa', { device: deviceId, code: codeAt(rootSecret, now()) })).headers.location,
    ).toBe('/console');
    t.clock.advance(30_000);
  });

  it('lets an IAM user enrol, sign in with a recovery code exactly once, and an administrator deactivate the lost device', async () => {
    const carol = new Browser(t.app);
    await signInUser(carol, 'carol');
    await addAuthenticator(carol, 'carol-phone');
    // Enrolling proved the device: carol's session stays usable.
    expect((await carol.get('/console')).statusCode).toBe(200);

    const codes = await carol.post('/console/mfa/recovery-codes', {}, { csrfFrom: '/console/security-credentials' });
    expect(codes.statusCode).toBe(200);
    const recovery = [...codes.body.matchAll(/<li><code>([a-z2-7-]{19})<\/code><\/li>/g)].map((m) => m[1]!);
    expect(recovery).toHaveLength(10);
    expect((await carol.get('/console/security-credentials')).body).toContain('10 of 10 recovery codes left');

    const again = new Browser(t.app);
    expect((await signInUser(again, 'carol')).headers.location).toBe('/signin/mfa');
    const chooser = await again.get('/signin/mfa');
    expect(chooser.body).toContain('Choose the MFA device');
    expect(chooser.body).toContain('Use a recovery code');
    expect((await again.get('/signin/mfa?device=recovery-code')).body).toContain('Recovery code');
    const used = await again.post(
      '/signin/mfa/recovery-code',
      { code: recovery[0]!.toUpperCase() },
      { csrfFrom: '/signin/mfa?device=recovery-code' },
    );
    expect(used.statusCode).toBe(303);
    expect(used.headers.location).toBe('/console');
    const recovered = await findSessionRow(t.deps.db, again.cookies.get('gh_session')!.split('.')[0]!);
    expect(recovered?.mfaMethod).toBe('recovery-code');

    const thief = new Browser(t.app);
    await signInUser(thief, 'carol');
    const reused = await thief.post(
      '/signin/mfa/recovery-code',
      { code: recovery[0]! },
      { csrfFrom: '/signin/mfa?device=recovery-code' },
    );
    expect(reused.statusCode).toBe(401);
    expect((await thief.get('/console')).headers.location).toBe('/signin/mfa');
    expect((await carol.get('/console/security-credentials')).body).toContain('9 of 10 recovery codes left');

    const admin = await rootWithMfa();
    const userPage = await admin.get('/console/users/carol');
    expect(userPage.body).toContain('carol-phone');
    const deviceId = /action="\/console\/users\/carol\/mfa\/([^/]+)\/deactivate"/.exec(userPage.body)![1]!;
    const deactivated = await admin.post(
      `/console/users/carol/mfa/${deviceId}/deactivate`,
      {},
      { csrfFrom: '/console/users/carol' },
    );
    expect(deactivated.statusCode).toBe(303);
    expect((await admin.get('/console/users/carol')).body).toContain('This user has no MFA devices');
    const plain = new Browser(t.app);
    expect((await signInUser(plain, 'carol')).headers.location).toBe('/console');
    const events = await listAuditEvents(t.deps.db, {
      accountId: account.id,
      eventName: 'DeactivateMFADevice',
      limit: 1,
    });
    expect(events[0]?.actorType).toBe('root');
  });

  it('asks for MFA first and the required password change after it', async () => {
    const dave = new Browser(t.app);
    expect((await signInUser(dave, 'dave')).headers.location).toBe('/console/change-password');
    // A session that must change its password cannot add a device first.
    const blocked = await dave.post(
      '/console/mfa/authenticator',
      { name: 'x' },
      { csrfFrom: '/console/change-password' },
    );
    expect(blocked.headers.location).toBe('/console/change-password');

    const { device, secret } = await createVirtualDevice(
      mfaDeps(),
      account.id,
      { name: 'dave-phone' },
      CLI_ACTOR,
      SYSTEM_META,
    );
    const daveUser = (await findUserByName(t.deps.db, account.id, 'dave'))!;
    const davePrincipal = (await loadPrincipal(t.deps.db, account.id, daveUser.id))!;
    await enableVirtualDevice(
      mfaDeps(),
      davePrincipal,
      device.serial,
      codeAt(secret, now() - 1),
      codeAt(secret, now()),
      CLI_ACTOR,
      SYSTEM_META,
    );
    t.clock.advance(30_000);
    // The session from before the device was enabled must now prove it too.
    expect((await dave.get('/console/change-password')).headers.location).toBe('/signin/mfa');

    const fresh = new Browser(t.app);
    expect((await signInUser(fresh, 'dave')).headers.location).toBe('/signin/mfa');
    const step = await fresh.get('/signin/mfa');
    const done = await fresh.post('/signin/mfa', {
      device: /name="device" value="([^"]+)"/.exec(step.body)![1]!,
      code: codeAt(secret, now()),
    });
    expect(done.headers.location).toBe('/console/change-password');
    expect((await fresh.get('/console')).headers.location).toBe('/console/change-password');
  });

  it('resyncs a drifted authenticator app from the console, after which its codes sign in', async () => {
    await makeUser(t.deps, account.id, 'gina');
    await setUserPolicy(t, account.id, 'gina', 'own-credentials', [...MANAGE_OWN_CREDENTIALS]);
    const gina = new Browser(t.app);
    await signInUser(gina, 'gina');
    const { secret, deviceId } = await addAuthenticator(gina, 'gina-phone');
    const drift = 7;
    const form = await gina.get(`/console/mfa/devices/${deviceId}/resync`);
    expect(form.body).toContain('MFA code 2');
    const wrong = await gina.post(
      `/console/mfa/devices/${deviceId}/resync`,
      { code1: '000000', code2: '000001' },
      { csrfFrom: `/console/mfa/devices/${deviceId}/resync` },
    );
    expect(wrong.statusCode).toBe(400);
    const done = await gina.post(
      `/console/mfa/devices/${deviceId}/resync`,
      { code1: codeAt(secret, now() + drift - 1), code2: codeAt(secret, now() + drift) },
      { csrfFrom: `/console/mfa/devices/${deviceId}/resync` },
    );
    expect(done.headers.location).toBe('/console/security-credentials?done=mfa-resynced');
    t.clock.advance(30_000);
    const later = new Browser(t.app);
    await signInUser(later, 'gina');
    const signedIn = await later.post('/signin/mfa', { device: deviceId, code: codeAt(secret, now() + drift) });
    expect(signedIn.headers.location).toBe('/console');
  });

  it('lets an IAM user who lost the device ask an administrator, once an hour', async () => {
    const gina = new Browser(t.app);
    expect((await signInUser(gina, 'gina')).headers.location).toBe('/signin/mfa');
    const help = await gina.get('/signin/mfa-help');
    expect(help.body).toContain('Ask my administrator');
    expect(help.body).not.toContain('Root user');
    const asked = await gina.post('/signin/mfa-help/ask-admin', {}, { csrfFrom: '/signin/mfa-help' });
    expect(asked.body).toContain('Your administrators were asked');
    await gina.post('/signin/mfa-help/ask-admin', {}, { csrfFrom: '/signin/mfa-help' });
    const mails = (await listOutboxMail(t.deps, { limit: 50, recipient: account.email })).filter(
      (m) => m.template === 'mfa-help-asked',
    );
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain('/console/users/gina');
    // Asking changes nothing by itself: the step still wants a second factor.
    expect((await gina.get('/console')).headers.location).toBe('/signin/mfa');
  });

  it('shows the lost-device help to IAM users and root alike', async () => {
    const anyone = new Browser(t.app);
    const help = await anyone.get('/signin/mfa-help');
    expect(help.statusCode).toBe(200);
    expect(help.body).toContain('administrator');
    expect(help.body).toContain('Root user');
  });
});
