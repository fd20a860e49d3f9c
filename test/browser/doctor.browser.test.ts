import { afterAll, beforeAll, expect, it } from 'vitest';
import { runPendingJobs } from '../support/jobs.ts';
import { listOutboxMail } from '../../src/mail/outbox.service.ts';
import {
  BrowserSuite,
  cspViolations,
  describeInBrowser,
  fillField,
  formWith,
  screenshot,
  signInAsRoot,
  submit,
} from '../support/browser.ts';
import { ROOT_PASSWORD, USER_PASSWORD, makeAccount, makeUser } from '../support/fixtures.ts';

describeInBrowser('sign-in doctor in a real browser', () => {
  const suite = new BrowserSuite();

  beforeAll(() => suite.start());
  afterAll(() => suite.stop());

  it('shows a reference on failure, asks for a report, and the administrators get the cause and its fix', async () => {
    const t = suite.live;
    const account = await makeAccount(t.deps, { alias: 'doctor-labs' });
    await makeUser(t.deps, account.id, 'bob');

    const page = await suite.newPage();
    await page.goto('/signin/doctor-labs');
    await fillField(page, 'User name', 'bob');
    await fillField(page, 'Password', 'not bobs password');
    await submit(page, 'Sign in');
    const reference = /^Ref ([2-9A-Z]{3}-[2-9A-Z]{3})/.exec(await page.locator('.reference').innerText())?.[1];
    expect(reference).toBeDefined();
    await screenshot(page, 'doctor-1-signin-failed');

    await submit(page, "Why can't I sign in?", { role: 'link' });
    await submit(page, "Why can't I sign in? Send me a report", { role: 'link' });
    await page.getByRole('heading', { name: "Why can't I sign in?" }).waitFor();
    await fillField(page, 'Account ID (12 digits) or account alias', 'doctor-labs');
    await fillField(page, 'User name', 'bob');
    await screenshot(page, 'doctor-2-form');
    await submit(page, 'Send a report', { within: formWith(page, 'User name') });
    await page.getByRole('heading', { name: 'Report requested' }).waitFor();
    await screenshot(page, 'doctor-3-requested');
    expect(cspViolations(page)).toEqual([]);

    await runPendingJobs(t.deps);
    const report = (await listOutboxMail(t.deps, { limit: 10, recipient: account.email })).find(
      (m) => m.template === 'sign-in-diagnosis',
    )!;
    expect(report.recipient).toBe(account.email);
    expect(report.subject).toBe('bob could not sign in to account doctor-labs');
    const mailView = await suite.newPage();
    await mailView.setContent(report.html);
    await screenshot(mailView, 'doctor-4-report-mail');

    const admin = await suite.newPage();
    await signInAsRoot(admin, account.email, ROOT_PASSWORD);
    await admin.getByText('bob could not sign in').waitFor();
    await screenshot(admin, 'doctor-5-admin-console');
    await admin.goto(`/console/activity?ref=${reference}`);
    await admin.getByText('WrongPassword').first().waitFor();
    await screenshot(admin, 'activity');
    expect(cspViolations(admin)).toEqual([]);

    const bob = await suite.newPage();
    await bob.goto('/signin/doctor-labs');
    await fillField(bob, 'User name', 'bob');
    await fillField(bob, 'Password', USER_PASSWORD);
    await submit(bob, 'Sign in');
    await bob.getByText('1 failed sign-in attempt since your last sign-in').waitFor();
    await screenshot(bob, 'failed-attempts-notice');
  });
});
