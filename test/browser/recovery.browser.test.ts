import { afterAll, beforeAll, expect, it } from 'vitest';
import { linksIn } from '../../src/mail/outbox.format.ts';
import { listOutboxMail } from '../../src/mail/outbox.service.ts';
import { runPendingJobs } from '../support/jobs.ts';
import {
  BrowserSuite,
  cspViolations,
  describeInBrowser,
  fillField,
  formWith,
  readAlert,
  signInAsRoot,
  submit,
} from '../support/browser.ts';
import { ROOT_PASSWORD, makeAccount, makeUser } from '../support/fixtures.ts';

const NEW_PASSWORD = 'lanterns over the harbour 12';

function pathOf(page: { url(): string }): string {
  return new URL(page.url()).pathname;
}

describeInBrowser('account recovery in a real browser', () => {
  const suite = new BrowserSuite();

  beforeAll(() => suite.start());
  afterAll(() => suite.stop());

  it('resets a forgotten root password from the sign-in page with the link from the outbox', async () => {
    const t = suite.live;
    const account = await makeAccount(t.deps, { alias: 'recovery-labs' });

    // A session open elsewhere before the reset: it must end.
    const elsewhere = await suite.newPage();
    await signInAsRoot(elsewhere, account.email, ROOT_PASSWORD);
    expect(pathOf(elsewhere)).toBe('/console');

    const page = await suite.newPage();
    await page.goto('/signin?choose=1');
    await fillField(page, 'Root user email address', account.email);
    await submit(page, 'Next', { within: formWith(page, 'Root user email address') });
    await submit(page, 'Forgot password?', { role: 'link' });
    expect(pathOf(page)).toBe('/signin/forgot');
    await fillField(page, 'Root user email address', account.email);
    await submit(page, 'Send reset email');
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();

    await runPendingJobs(t.deps);
    const reset = (await listOutboxMail(t.deps, { limit: 10, recipient: account.email })).find(
      (m) => m.template === 'password-reset',
    );
    const link = linksIn(reset!.text).find((l) => l.includes('/signin/reset'))!;
    expect(link.startsWith(`${t.url}/signin/reset?token=`)).toBe(true);

    await page.goto(link);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await fillField(page, 'New password', NEW_PASSWORD);
    await fillField(page, 'Confirm new password', NEW_PASSWORD);
    await submit(page, 'Set new password');
    await page.getByRole('heading', { name: 'Password changed' }).waitFor();
    expect(await readAlert(page, 'status')).toContain('Every session of the root user was signed out');

    // Not signed in by the reset: the console sends the person to sign in.
    await page.goto('/console');
    expect(pathOf(page)).toBe('/signin');
    await elsewhere.reload();
    expect(pathOf(elsewhere)).toBe('/signin');

    await signInAsRoot(page, account.email, NEW_PASSWORD);
    expect(pathOf(page)).toBe('/console');

    // The same link a second time.
    await page.goto(link);
    expect(await readAlert(page)).toBe('This link is no longer valid — request a new one.');
    expect(cspViolations(page)).toEqual([]);
  });

  it('tells an IAM user to ask the administrator, from the account sign-in page', async () => {
    const t = suite.live;
    const account = await makeAccount(t.deps, { alias: 'iam-recovery' });
    await makeUser(t.deps, account.id, 'sam');
    const page = await suite.newPage();
    await page.goto('/signin/iam-recovery');
    await submit(page, 'Forgot password?', { role: 'link' });
    expect(await page.locator('main').innerText()).toContain('IAM users cannot reset their own password');
    expect(await page.getByLabel('Account ID (12 digits) or account alias', { exact: true }).inputValue()).toBe(
      'iam-recovery',
    );
    await fillField(page, 'Your user name', 'sam');
    await submit(page, 'Ask my administrator');
    await page.getByRole('heading', { name: 'Request passed on' }).waitFor();
    await runPendingJobs(t.deps);
    const asked = await listOutboxMail(t.deps, { limit: 10, recipient: account.email });
    expect(asked.map((m) => m.template)).toContain('user-asked-for-reset');
  });
});
