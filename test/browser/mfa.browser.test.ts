import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadPrincipal } from '../../src/identities/principal.ts';
import { listAuditEvents } from '../../src/audit/audit.repository.ts';
import { CLI_ACTOR, SYSTEM_META } from '../../src/audit/audit.service.ts';
import { listOutboxMail } from '../../src/mail/outbox.service.ts';
import { setRootPhone } from '../../src/mfa/mfa-recovery.repository.ts';
import { listPhoneMessagesOpened } from '../../src/mfa/phone-gateway.ts';
import { createVirtualDevice, enableVirtualDevice } from '../../src/mfa/mfa.service.ts';
import { codeAt, stepAt } from '../../src/mfa/totp.ts';
import {
  CHROMIUM_PATH,
  LAUNCH_ARGS,
  describeInBrowser,
  fillField,
  plugInSecurityKey,
  screenshot,
  signInAsRoot,
  submit,
} from '../support/browser.ts';
import { ROOT_PASSWORD, makeAccount } from '../support/fixtures.ts';
import { createTestContext, type TestContext } from '../support/harness.ts';
import { freePort } from '../support/listen.ts';

/**
 * WebAuthn refuses IP addresses as relying-party IDs, so this suite serves the app as
 * http://localhost:<port> (a secure context like 127.0.0.1) and points Chromium's
 * "localhost" at 127.0.0.1. Chromium's virtual authenticator plays the security key.
 */
const MFA_LAUNCH_ARGS = [...LAUNCH_ARGS, '--host-resolver-rules=MAP localhost 127.0.0.1'];

const pathOf = (page: Page) => new URL(page.url()).pathname;

describeInBrowser('MFA in Chromium: security keys, passkeys and lost devices', () => {
  let t: TestContext;
  let browser: Browser;
  let context: BrowserContext;
  let url: string;

  beforeAll(async () => {
    const port = await freePort();
    url = `http://localhost:${port}`;
    t = await createTestContext('sqlite', { PUBLIC_URL: url, PORT: String(port) });
    await t.app.listen({ port, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: MFA_LAUNCH_ARGS });
    context = await browser.newContext({ baseURL: url, locale: 'en-GB' });
    context.setDefaultTimeout(10_000);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
  });

  it('registers a security key with the virtual authenticator and signs in with it', async () => {
    const account = await makeAccount(t.deps);
    const page = await context.newPage();
    const log: string[] = [];
    page.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
    const { cdp, authenticatorId } = await plugInSecurityKey(page);

    await signInAsRoot(page, account.email, ROOT_PASSWORD);
    expect(pathOf(page)).toBe('/console');
    await page.goto('/console/mfa/security-key');
    await fillField(page, 'Device name', 'desk-key');
    await submit(page, 'Register security key');
    expect(pathOf(page)).toBe('/console/security-credentials');
    await expect.poll(() => page.getByRole('status').first().innerText()).toContain('The MFA device was added');
    expect(await page.locator('#mfa table').innerText()).toContain('desk-key');
    expect(await page.locator('#mfa table').innerText()).toContain('Security key or passkey');
    await screenshot(page, 'mfa-security-credentials');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);

    await submit(page, 'Sign out');
    await signInAsRoot(page, account.email, ROOT_PASSWORD);
    expect(pathOf(page)).toBe('/signin/mfa');
    await screenshot(page, 'mfa-signin-security-key');
    await submit(page, 'Use security key');
    expect(pathOf(page)).toBe('/console');
    const checks = await listAuditEvents(t.deps.db, { accountId: account.id, eventName: 'CheckMfa', limit: 1 });
    expect(checks[0]?.outcome).toBe('Success');
    const after = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(after.credentials[0]!.signCount).toBeGreaterThan(0);

    // A second sign-in with the key works too: the signature counter went up, not back.
    await submit(page, 'Sign out');
    await signInAsRoot(page, account.email, ROOT_PASSWORD);
    await submit(page, 'Use security key');
    expect(pathOf(page)).toBe('/console');

    // The page script and the WebAuthn library are served by the app itself: no CSP refusals.
    expect(log.filter((m) => /Content Security Policy/i.test(m))).toEqual([]);
  });

  it('enrols an authenticator app from the QR page and signs in with its code', async () => {
    const account = await makeAccount(t.deps);
    const page = await context.newPage();
    await signInAsRoot(page, account.email, ROOT_PASSWORD);
    await page.goto('/console/security-credentials');
    await fillField(page, 'Device name', 'pocket-phone');
    await submit(page, 'Add authenticator app');
    expect(await page.getByRole('img', { name: 'QR code for the MFA device pocket-phone' }).isVisible()).toBe(true);
    const secret = (await page.locator('#totp-secret').innerText()).replaceAll(' ', '');
    const step = stepAt(t.clock.now());
    await fillField(page, 'MFA code 1', codeAt(secret, step - 1));
    await fillField(page, 'MFA code 2', codeAt(secret, step));
    await submit(page, 'Add MFA');
    expect(await page.locator('#mfa table').innerText()).toContain('pocket-phone');
    t.clock.advance(30_000);

    await submit(page, 'Sign out');
    await signInAsRoot(page, account.email, ROOT_PASSWORD);
    expect(pathOf(page)).toBe('/signin/mfa');
    await fillField(page, 'MFA code', codeAt(secret, stepAt(t.clock.now())));
    await submit(page, 'Submit');
    expect(pathOf(page)).toBe('/console');
  });

  it('recovers a root user who lost its only device, with the email link and the phone code', async () => {
    const account = await makeAccount(t.deps);
    const root = (await loadPrincipal(t.deps.db, account.id, account.id))!;
    const deps = t.deps;
    const { device, secret } = await createVirtualDevice(
      deps,
      account.id,
      { name: 'drowned-phone' },
      CLI_ACTOR,
      SYSTEM_META,
    );
    const step = stepAt(t.clock.now());
    await enableVirtualDevice(
      deps,
      root,
      device.serial,
      codeAt(secret, step - 1),
      codeAt(secret, step),
      CLI_ACTOR,
      SYSTEM_META,
    );
    await setRootPhone(t.deps.db, account.id, '+15555550123');

    const page = await context.newPage();
    await signInAsRoot(page, account.email, ROOT_PASSWORD);
    expect(pathOf(page)).toBe('/signin/mfa');
    await submit(page, 'Trouble signing in with MFA?', { role: 'link' });
    await submit(page, 'Send verification email');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Step 1 of 2: email');

    const mail = (await listOutboxMail(t.deps, { limit: 5, recipient: account.email })).find(
      (m) => m.template === 'mfa-recovery-email',
    )!;
    const link = /(http:\/\/localhost:\d+\/signin\/mfa-help\/email\?token=\S+)/.exec(mail.text)![1]!;
    await page.goto(link);
    await submit(page, 'Confirm my email address');
    await submit(page, 'Continue', { role: 'link' });
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Step 2 of 2: phone');
    await submit(page, 'Send code by SMS');
    const [sms] = await listPhoneMessagesOpened(t.deps, { recipient: '+15555550123', limit: 1 });
    expect(sms?.channel).toBe('sms');
    await fillField(page, 'Code from your phone', /(\d{6})/.exec(sms!.body!)![1]!);
    await submit(page, 'Verify');
    await screenshot(page, 'mfa-alternative-factors');
    await submit(page, 'Sign in to the console');
    expect(pathOf(page)).toBe('/console/security-credentials');
    // Removing a factor asks again who it is: the root user knows its password.
    await submit(page, 'Remove drowned-phone', { role: 'link' });
    await fillField(page, 'Current password', ROOT_PASSWORD);
    await page.getByRole('button', { name: 'Remove drowned-phone' }).click();
    await page.waitForURL(/done=mfa-removed/);
    expect(await page.locator('#mfa').innerText()).toContain('No MFA devices yet');
  });
});
