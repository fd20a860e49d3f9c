import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOutboxMail } from '../mail/outbox.service.ts';
import { runPendingJobs } from '../../test/support/jobs.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';

/**
 * The console's "Needs your attention" and the mailed report tell the same story: one
 * reading of the record, one list of causes. Regression: the console showed only the
 * first cause of a report (so carol's three wrong passwords were missing from it), and
 * failures recorded in the same millisecond as the last successful sign-in were dropped
 * from the root user's report, which then said nothing was recorded.
 */
describe.each(DIALECTS)('sign-in doctor: console summary and mailed report on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(() => t.close());

  async function report(to: string, subject: string) {
    const mail = (await listOutboxMail(t.deps, { limit: 50, recipient: to })).find(
      (m) => m.template === 'sign-in-diagnosis' && m.subject === subject,
    );
    if (!mail) throw new Error(`no report "${subject}" to ${to}`);
    return mail;
  }

  /** The cause codes of an HTML fragment, in order. */
  const codes = (body: string) => [...body.matchAll(/data-cause="(\w+)"/g)].map((m) => m[1]);

  it('names every failure and the reset, in the mail and on the console alike', async () => {
    const alias = `summary-${dialect}`;
    const account = await makeAccount(t.deps, { alias });
    await makeUser(t.deps, account.id, 'carol');
    const stranger = new Browser(t.app);
    for (let i = 0; i < 3; i++)
      await stranger.post(`/signin/${alias}`, { userName: 'carol', password: 'not her password' });
    const admin = new Browser(t.app);
    expect(
      (await admin.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD })).headers.location,
    ).toBe('/console');
    const reset = await admin.post(
      '/console/users/carol/password',
      { password: 'a brand new password 9', requireReset: 'on' },
      { csrfFrom: '/console/users/carol' },
    );
    expect(reset.statusCode).toBe(303);
    for (let i = 0; i < 2; i++)
      await stranger.post('/signin/root/password', { email: account.email, password: 'not the root password' });

    const asker = new Browser(t.app);
    await asker.post(
      '/signin/help/diagnose',
      { account: alias, userName: 'carol' },
      { csrfFrom: '/signin/help/diagnose' },
    );
    await asker.post('/signin/help/diagnose', { email: account.email }, { csrfFrom: '/signin/help/diagnose' });
    await runPendingJobs(t.deps);

    const carolMail = await report(account.email, `carol could not sign in to account ${alias}`);
    expect(codes(carolMail.html)).toEqual(['PasswordResetByAdministrator', 'WrongPassword', 'PasswordResetRequired']);
    expect(carolMail.text).toContain('reset by the root user');
    expect(carolMail.text).toContain('entered for carol 3 times');

    const rootMail = await report(account.email, 'Why you could not sign in as the root user');
    expect(codes(rootMail.html)).toEqual(['WrongPassword']);
    expect(rootMail.text).toContain('entered for root 2 times since the last successful sign-in');

    const home = await admin.get('/console');
    const summary = /<h2>Needs your attention<\/h2>[\s\S]*?<\/section>/.exec(home.body)?.[0] ?? '';
    expect(codes(summary)).toEqual(codes(carolMail.html));
    expect(summary).toContain('reset by the root user');
    expect(summary).toContain('entered for carol 3 times');
    expect(summary).toContain('href="/console/users/carol"');
  });
});
