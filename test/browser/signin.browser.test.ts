import { listOutboxMail } from '../../src/mail/outbox.service.ts';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findRootUserByEmail } from '../../src/identities/account.repository.ts';
import { setAccountAlias } from '../../src/accounts/account.service.ts';
import { CLI_ACTOR, SYSTEM_META } from '../../src/audit/audit.service.ts';
import { SIGN_IN_FAILED } from '../../src/signin/signin.pages.ts';
import { formatAccountId } from '../../src/shared/validation.ts';
import {
  BrowserSuite,
  consoleMessages,
  cspViolations,
  describeInBrowser,
  field,
  fillField,
  formWith,
  isFocused,
  readAlert,
  screenshot,
  signInAsRoot,
  submit,
  tabTo,
} from '../support/browser.ts';
import { ROOT_PASSWORD, USER_PASSWORD, makeAccount, makeUser } from '../support/fixtures.ts';

const pathOf = (page: Page) => new URL(page.url()).pathname;

/** Every visible form control on the page is found by the text of its own label. */
async function expectEveryInputLabelled(page: Page): Promise<void> {
  const controls = page.locator('input:not([type=hidden]), select, textarea');
  const count = await controls.count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) {
    const id = await controls.nth(i).getAttribute('id');
    expect(id, 'every control has an id its label points at').toBeTruthy();
    const labelText = (await page.locator(`label[for="${id}"]`).innerText()).trim();
    expect(labelText).not.toBe('');
    expect(await field(page, labelText).getAttribute('id')).toBe(id);
  }
}

describeInBrowser('sign-in in a real browser', () => {
  const suite = new BrowserSuite();

  beforeAll(() => suite.start());
  afterAll(() => suite.stop());

  it('signs up, signs in as root, sees the console, signs out, and the back button shows no console', async () => {
    const t = suite.live;
    const page = await suite.newPage();
    const password = 'a quiet gatehouse by the river 7';

    await page.goto('/signup');
    await fillField(page, 'Root user email address', 'owner@example.com');
    await fillField(page, 'Account name', 'Example Corp');
    await fillField(page, 'Password', password);
    await fillField(page, 'Confirm password', password);
    await submit(page, 'Create account');
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    const root = await findRootUserByEmail(t.deps.db, 'owner@example.com');
    expect(root).not.toBeNull();
    const accountId = formatAccountId(root!.accountId);
    // The account ID reaches the owner by mail only, never on the page.
    expect(await page.locator('main').innerText()).not.toContain(accountId);
    const [welcome] = await listOutboxMail(t.deps, { recipient: 'owner@example.com', limit: 5 });
    expect(welcome!.text).toContain(accountId);

    await submit(page, 'Sign in', { role: 'link' });
    expect(pathOf(page)).toBe('/signin');
    await screenshot(page, 'signin');
    await fillField(page, 'Root user email address', 'owner@example.com');
    await submit(page, 'Next', { within: formWith(page, 'Root user email address') });
    expect(pathOf(page)).toBe('/signin/root');
    expect(await page.locator('main').innerText()).toContain('owner@example.com');
    await fillField(page, 'Password', password);
    const consoleResponse = page.waitForResponse((r) => new URL(r.url()).pathname === '/console');
    await submit(page, 'Sign in');

    expect(pathOf(page)).toBe('/console');
    expect((await consoleResponse).headers()['cache-control']).toBe('no-store');
    await page.getByRole('heading', { name: 'Signed in as' }).waitFor();
    const consoleText = await page.locator('main').innerText();
    expect(consoleText).toContain(accountId);
    expect(consoleText).toContain('Root user (owner@example.com)');
    await screenshot(page, 'console');

    await submit(page, 'Sign out');
    expect(pathOf(page)).toBe('/signin');
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();

    await page.goBack();
    await page.waitForLoadState('load');
    expect(pathOf(page)).toBe('/signin');
    expect(await page.getByRole('heading', { name: 'Signed in as' }).count()).toBe(0);
    expect(await page.locator('body').innerText()).not.toContain(accountId);

    await page.goto('/console');
    expect(pathOf(page)).toBe('/signin');
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
  });

  it('lets the root create an IAM user who must change the password, and remembers that user at the next visit', async () => {
    const t = suite.live;
    const account = await makeAccount(t.deps);
    await setAccountAlias(t.deps, account.id, 'example-tools', CLI_ACTOR, SYSTEM_META);
    const firstPassword = 'bob first password 1';
    const chosenPassword = 'bob picked this one 2';

    const rootPage = await suite.newPage();
    await signInAsRoot(rootPage, account.email, ROOT_PASSWORD);
    expect(pathOf(rootPage)).toBe('/console');
    await submit(rootPage, 'Users', { role: 'link', within: rootPage.getByRole('navigation') });
    await fillField(rootPage, 'User name', 'bob');
    await field(rootPage, 'Type a password').check();
    await fillField(rootPage, 'Custom password', firstPassword);
    const mustChange = field(rootPage, 'User must create a new password at next sign-in');
    if (!(await mustChange.isChecked())) await mustChange.check();
    await submit(rootPage, 'Create user');
    expect(await readAlert(rootPage, 'status')).toBe('The user was created.');
    // Creating a user with a console password ends on its sign-in details; the list shows it.
    expect(pathOf(rootPage)).toBe('/console/users/bob/sign-in-details');
    await submit(rootPage, 'Back to users', { role: 'link' });
    const bobRow = rootPage.getByRole('row').filter({ has: rootPage.getByRole('link', { name: 'bob', exact: true }) });
    expect(await bobRow.getByRole('cell').nth(1).innerText()).toBe('Yes');

    const bobPage = await suite.newPage();
    await bobPage.goto('/signin/example-tools');
    expect(await bobPage.locator('main').innerText()).toContain('example-tools');
    await fillField(bobPage, 'User name', 'bob');
    await fillField(bobPage, 'Password', firstPassword);
    await submit(bobPage, 'Sign in');
    expect(pathOf(bobPage)).toBe('/console/change-password');
    expect(await readAlert(bobPage, 'alert')).toBeNull();
    expect(await bobPage.getByRole('heading', { name: 'Change your password' }).count()).toBe(1);

    // Nothing else opens until the password is changed.
    await bobPage.goto('/console');
    expect(pathOf(bobPage)).toBe('/console/change-password');

    await fillField(bobPage, 'Current password', firstPassword);
    await fillField(bobPage, 'New password', chosenPassword);
    await fillField(bobPage, 'Confirm new password', chosenPassword);
    await submit(bobPage, 'Change password');
    expect(pathOf(bobPage)).toBe('/console');
    expect(await bobPage.locator('main').innerText()).toContain('IAM user bob');
    expect(await bobPage.getByRole('navigation').getByRole('link', { name: 'Users' }).count()).toBe(0);

    await bobPage.goto('/signin');
    expect(pathOf(bobPage)).toBe('/signin/example-tools');
    expect(await field(bobPage, 'User name').inputValue()).toBe('bob');
    expect(await field(bobPage, 'Password').inputValue()).toBe('');
    // Autofocus lands at the page's next rendering, which may come after its load event.
    await expect.poll(() => isFocused(bobPage, field(bobPage, 'Password'))).toBe(true);

    // The root's own session was not touched by any of this.
    await rootPage.reload();
    expect(pathOf(rootPage)).toBe('/console/users');
  });

  it('shows one generic message on a failed sign-in, runs no inline script, and labels every input', async () => {
    const t = suite.live;
    const account = await makeAccount(t.deps, { alias: 'example-labs' });
    const page = await suite.newPage();

    const signinResponse = await page.goto('/signin');
    const csp = signinResponse?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    await expectEveryInputLabelled(page);

    // A real account with a wrong password, then an address nobody has: the same words.
    const rootAttempts: string[] = [];
    for (const email of [account.email, 'nobody-here@example.com']) {
      await page.goto('/signin');
      await fillField(page, 'Root user email address', email);
      await submit(page, 'Next', { within: formWith(page, 'Root user email address') });
      await expectEveryInputLabelled(page);
      await fillField(page, 'Password', 'not the password at all');
      await submit(page, 'Sign in');
      expect(await readAlert(page)).toBe(SIGN_IN_FAILED);
      const text = await page.locator('main').innerText();
      // The password step comes back with the email as typed, never the password.
      expect(text).toContain(email);
      expect(text).not.toContain('not the password at all');
      expect(text).not.toMatch(/not found|no such|does not exist|wrong password|unknown/i);
      await expectEveryInputLabelled(page);
      // Each attempt carries its own support reference; everything else must match.
      rootAttempts.push(text.replace(/Ref [A-Z0-9]{3}-[A-Z0-9]{3}/g, 'Ref ***-***').replaceAll(email, 'EMAIL'));
    }
    expect(rootAttempts[1]).toBe(rootAttempts[0]);

    await page.goto('/signin/example-labs');
    await expectEveryInputLabelled(page);
    await fillField(page, 'User name', 'nobody');
    await fillField(page, 'Password', 'not the password at all');
    await submit(page, 'Sign in');
    expect(await readAlert(page)).toBe(SIGN_IN_FAILED);
    // The user name is kept for the next try; the password never is.
    expect(await field(page, 'User name').inputValue()).toBe('nobody');
    expect(await field(page, 'Password').inputValue()).toBe('');
    await expectEveryInputLabelled(page);

    await page.goto('/signup');
    await expectEveryInputLabelled(page);

    expect(await page.locator('script:not([src])').count()).toBe(0);
    expect(cspViolations(page)).toEqual([]);
    expect(consoleMessages(page).filter((m) => m.startsWith('pageerror:'))).toEqual([]);
  });

  it('sends forms with the real Origin (Referrer-Policy: no-referrer made Chromium send Origin: null, refusing every form)', async () => {
    const page = await suite.newPage();
    await page.goto('/signin');
    await fillField(page, 'Root user email address', 'someone@example.com');
    const posted = page.waitForRequest((r) => r.method() === 'POST');
    await submit(page, 'Next', { within: formWith(page, 'Root user email address') });
    expect(await (await posted).headerValue('origin')).toBe(suite.live.url);
    expect(await page.getByRole('heading', { name: 'Root user sign-in' }).count()).toBe(1);
  });

  it('notices a CSP violation when a page does break the policy (the check above is not vacuous)', async () => {
    const page = await suite.newPage();
    const csp = (await page.goto('/signin'))?.headers()['content-security-policy'] ?? '';
    await page.route('**/csp-probe', (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html; charset=utf-8',
        headers: { 'Content-Security-Policy': csp },
        body: '<!doctype html><title>probe</title><p>probe</p><script>document.title = "ran"</script>',
      }),
    );
    await page.goto('/csp-probe');
    await page.waitForLoadState('load');
    expect(await page.title()).toBe('probe');
    await expect.poll(() => cspViolations(page).length).toBeGreaterThan(0);
  });

  it('completes the root sign-in and sign-out with the keyboard alone', async () => {
    const t = suite.live;
    const account = await makeAccount(t.deps);
    const page = await suite.newPage();
    await page.goto('/signin');

    const email = field(page, 'Root user email address');
    expect(await tabTo(page, email)).toBeLessThanOrEqual(3);
    await page.keyboard.type(account.email);
    const passwordPage = page.waitForURL('**/signin/root');
    await page.keyboard.press('Enter');
    await passwordPage;
    await page.waitForLoadState('load');

    // The password field has focus on arrival: no extra key presses needed.
    await expect.poll(() => isFocused(page, field(page, 'Password'))).toBe(true);
    await page.keyboard.type(ROOT_PASSWORD);
    const consolePage = page.waitForURL('**/console');
    await page.keyboard.press('Enter');
    await consolePage;
    expect(await page.locator('main').innerText()).toContain(formatAccountId(account.id));

    await tabTo(page, page.getByRole('button', { name: 'Sign out' }));
    const signedOut = page.waitForURL('**/signin');
    await page.keyboard.press('Enter');
    await signedOut;
    await page.goto('/console');
    expect(pathOf(page)).toBe('/signin');
  });

  it('signs an IAM user in with the keyboard alone, from the account form on /signin', async () => {
    const t = suite.live;
    const account = await makeAccount(t.deps);
    await makeUser(t.deps, account.id, 'carol');
    const page = await suite.newPage();
    await page.goto('/signin');

    await tabTo(page, field(page, 'Account ID (12 digits) or account alias'));
    await page.keyboard.type(account.id);
    const accountPage = page.waitForURL(`**/signin/${account.id}`);
    await page.keyboard.press('Enter');
    await accountPage;
    await page.waitForLoadState('load');
    await expect.poll(() => isFocused(page, field(page, 'User name'))).toBe(true);
    await page.keyboard.type('carol');
    await page.keyboard.press('Tab');
    expect(await isFocused(page, field(page, 'Password'))).toBe(true);
    await page.keyboard.type(USER_PASSWORD);
    const consolePage = page.waitForURL('**/console');
    await page.keyboard.press('Enter');
    await consolePage;
    expect(await page.locator('main').innerText()).toContain('IAM user carol');
  });
});
