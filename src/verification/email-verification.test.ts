import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRootUser, findRootUserByEmail } from '../identities/account.repository.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { linksIn } from '../mail/outbox.format.ts';
import { type OutboxMessage, listOutboxMail } from '../mail/outbox.service.ts';
import { HOUR } from '../shared/clock.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, makeAccount, makeUser, uniqueEmail } from '../../test/support/fixtures.ts';
import { LINK_NO_LONGER_VALID } from '../recovery/recovery.pages.ts';

type Response = { statusCode: number; body: string; headers: Record<string, unknown> };
function visible(r: Response) {
  const { 'x-request-id': _id, date: _date, ...headers } = r.headers;
  return { status: r.statusCode, body: r.body, headers };
}

describe.each(DIALECTS)('email verification and notices on %s', (dialect) => {
  let t: TestContext;

  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(() => t.close());

  const mailTo = (email: string): Promise<OutboxMessage[]> => listOutboxMail(t.deps, { limit: 50, recipient: email });
  const pathOf = (link: string) => new URL(link).pathname + new URL(link).search;

  async function signUp(browser: Browser, email: string, name: string) {
    return browser.post(
      '/signup',
      { email, name, password: 'a long sign-up passphrase 5', confirm: 'a long sign-up passphrase 5' },
      { csrfFrom: '/signup' },
    );
  }

  it('signs up with a verification mail carrying the account ID, and answers an existing address the same way', async () => {
    const email = uniqueEmail('new');
    const browser = new Browser(t.app);
    const created = await signUp(browser, email, 'Harbour Works');
    const root = await findRootUserByEmail(t.deps.db, email);
    expect(root?.emailVerified).toBe(false);
    const [verify] = await mailTo(email);
    expect(verify!.template).toBe('verify-email');
    const id = root!.accountId;
    expect(verify!.text).toContain(`${id.slice(0, 4)}-${id.slice(4, 8)}-${id.slice(8)}`);
    expect(created.body).not.toContain(`${id.slice(0, 4)}-`);

    const again = await signUp(browser, email.toUpperCase(), 'Harbour Works');
    expect(visible(again)).toEqual(visible(created));
    const attempt = (await mailTo(email)).find((m) => m.template === 'signup-attempt');
    expect(attempt!.text).toContain('already the root user email');
    expect((await findRootUser(t.deps.db, id))!.passwordHash).toBe(root!.passwordHash);

    const link = linksIn(verify!.text).find((l) => l.includes('/verify-email'))!;
    const confirmPage = await new Browser(t.app).get(pathOf(link));
    expect(confirmPage.statusCode).toBe(200);
    expect((await findRootUser(t.deps.db, id))!.emailVerified).toBe(false);
    const token = new URL(link).searchParams.get('token')!;
    const confirmed = await new Browser(t.app).post('/verify-email', { token }, { csrfFrom: pathOf(link) });
    expect(confirmed.statusCode).toBe(200);
    expect((await findRootUser(t.deps.db, id))!.emailVerified).toBe(true);
    const reused = await new Browser(t.app).post('/verify-email', { token }, { csrfFrom: '/signin/forgot' });
    expect(reused.statusCode).toBe(400);
    expect(reused.body).toContain(LINK_NO_LONGER_VALID);
  });

  it('changes the root email only once the new address confirms, telling the old one before and after', async () => {
    const account = await makeAccount(t.deps);
    const newEmail = uniqueEmail('moved');
    const root = new Browser(t.app);
    await root.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD });
    expect((await root.get('/console/security-credentials')).body).toContain('/console/email');

    const wrong = await root.post(
      '/console/email',
      { newEmail, currentPassword: 'not my password' },
      { csrfFrom: '/console/email' },
    );
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('The current password is incorrect.');
    expect(await mailTo(newEmail)).toHaveLength(0);

    const asked = await root.post(
      '/console/email',
      { newEmail, currentPassword: ROOT_PASSWORD },
      { csrfFrom: '/console/email' },
    );
    expect(asked.statusCode).toBe(303);
    expect((await findRootUser(t.deps.db, account.id))!.email).toBe(account.email);
    expect((await mailTo(account.email)).map((m) => m.template)).toContain('email-change-requested');
    const [confirm] = await mailTo(newEmail);
    const link = linksIn(confirm!.text).find((l) => l.includes('/verify-email'))!;
    const token = new URL(link).searchParams.get('token')!;
    const done = await new Browser(t.app).post('/verify-email', { token }, { csrfFrom: pathOf(link) });
    expect(done.statusCode).toBe(200);
    const changed = await findRootUser(t.deps.db, account.id);
    expect(changed!.email).toBe(newEmail);
    expect(changed!.emailVerified).toBe(true);
    const notice = (await mailTo(account.email)).find((m) => m.template === 'root-email-changed');
    expect(notice!.text).toContain(newEmail);
    expect(notice!.text).toContain('If this was not you');
    const events = await listAuditEvents(t.deps.db, { accountId: account.id, eventName: 'RootEmailChanged', limit: 5 });
    expect(events).toHaveLength(1);
    const fresh = new Browser(t.app);
    expect(
      (await fresh.post('/signin/root/password', { email: newEmail, password: ROOT_PASSWORD })).headers.location,
    ).toBe('/console');
  });

  it('expires a confirmation link after 24 hours', async () => {
    const email = uniqueEmail('late');
    await signUp(new Browser(t.app), email, 'Late Ltd');
    const [verify] = await mailTo(email);
    const link = linksIn(verify!.text).find((l) => l.includes('/verify-email'))!;
    t.clock.advance(24 * HOUR);
    expect((await new Browser(t.app).get(pathOf(link))).body).toContain(LINK_NO_LONGER_VALID);
  });

  it('mails the root when someone else sets an IAM user password, naming who; and when the root changes its own', async () => {
    const account = await makeAccount(t.deps);
    await makeUser(t.deps, account.id, 'boss', { isAdmin: true });
    await makeUser(t.deps, account.id, 'worker');
    const admin = new Browser(t.app);
    await admin.post(`/signin/${account.id}`, { userName: 'boss', password: 'user password for tests 1' });
    const set = await admin.post(
      '/console/users/worker/password',
      { password: 'given by the boss 77', requireReset: 'on' },
      { csrfFrom: '/console/users/worker' },
    );
    expect(set.statusCode).toBe(303);
    const notice = (await mailTo(account.email)).find((m) => m.template === 'user-password-set');
    expect(notice!.text).toContain('IAM user boss reset the console password of IAM user worker');
    expect(notice!.text).toContain('From: ');

    const root = new Browser(t.app);
    await root.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD });
    const changed = await root.post(
      '/console/change-password',
      {
        currentPassword: ROOT_PASSWORD,
        newPassword: 'a root chosen passphrase 8',
        confirmPassword: 'a root chosen passphrase 8',
      },
      { csrfFrom: '/console/security-credentials' },
    );
    expect(changed.statusCode).toBe(303);
    const rootNotice = (await mailTo(account.email)).find((m) => m.template === 'root-password-changed');
    expect(rootNotice!.text).toContain('changed by the signed-in root user');
  });
});
