import { afterAll, beforeAll, expect, it } from 'vitest';
import { listOutboxMail } from '../../src/mail/outbox.service.ts';
import { runPendingJobs } from '../support/jobs.ts';
import { BrowserSuite, cspViolations, describeInBrowser, fillField, submit } from '../support/browser.ts';
import { makeAccount } from '../support/fixtures.ts';

describeInBrowser('security check in a real browser', () => {
  const suite = new BrowserSuite();

  // A real (if small) amount of proof-of-work, so the widget's workers really run.
  beforeAll(() => suite.start({ env: { SECURITY_CHECK_COST: '50', SECURITY_CHECK_WORK: '200' } }));
  afterAll(() => suite.stop());

  it('solves the check on the forgot-password page with the self-hosted widget and sends the reset mail', async () => {
    const t = suite.live;
    const account = await makeAccount(t.deps);
    const page = await suite.newPage();
    await page.goto('/signin/forgot');
    await fillField(page, 'Root user email address', account.email);
    // Sent at once: the form waits for the widget's proof of work, then goes by itself.
    await submit(page, 'Send reset email');
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await runPendingJobs(t.deps);
    const mail = await listOutboxMail(t.deps, { limit: 5, recipient: account.email });
    expect(mail.map((m) => m.template)).toContain('password-reset');
    expect(t.deps.guard.metrics.checksSolved).toBeGreaterThanOrEqual(1);
    expect(cspViolations(page)).toEqual([]);
  }, 120_000);
});
