import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRootUser } from '../identities/account.repository.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { SYSTEM_META } from '../audit/audit.service.ts';
import { linksIn } from '../mail/outbox.format.ts';
import { type OutboxMessage, listOutboxMail } from '../mail/outbox.service.ts';
import { MINUTE } from '../shared/clock.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, makeAccount, makeUser, uniqueEmail } from '../../test/support/fixtures.ts';
import { maskReference, referenceIn } from '../../test/support/references.ts';
import { lookUpReference } from '../support-references/support-reference.service.ts';
import { runPendingJobs } from '../../test/support/jobs.ts';
import { RESET_TTL_MS, completePasswordReset } from './recovery.service.ts';
import { LINK_NO_LONGER_VALID } from './recovery.pages.ts';

const NEW_PASSWORD = 'a fresh river stone 42';

type Response = { statusCode: number; body: string; headers: Record<string, unknown> };

/** Everything a requester sees except the request ID and date. */
function visible(r: Response) {
  const { 'x-request-id': _id, date: _date, ...headers } = r.headers;
  return { status: r.statusCode, body: r.body, headers };
}

describe.each(DIALECTS)('password recovery on %s', (dialect) => {
  let t: TestContext;

  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(() => t.close());

  async function mailTo(email: string): Promise<OutboxMessage[]> {
    await runPendingJobs(t.deps);
    return listOutboxMail(t.deps, { limit: 100, recipient: email });
  }

  async function requestReset(email: string, browser = new Browser(t.app)) {
    return browser.post('/signin/forgot', { email }, { csrfFrom: '/signin/forgot' });
  }

  /** The reset link and code from the newest reset message to `email`. */
  async function resetMail(email: string): Promise<{ link: string; token: string; code: string }> {
    const message = (await mailTo(email)).find((m) => m.template === 'password-reset');
    if (!message) throw new Error(`no reset mail to ${email}`);
    const link = linksIn(message.text).find((l) => l.includes('/signin/reset'))!;
    const code = /\b([A-Z2-7]{5}(?:-[A-Z2-7]{1,5}){5})\b/.exec(message.text)![1]!;
    return { link, token: new URL(link).searchParams.get('token')!, code };
  }

  async function submitReset(browser: Browser, fields: Record<string, string>) {
    return browser.post(
      '/signin/reset',
      { password: NEW_PASSWORD, confirm: NEW_PASSWORD, ...fields },
      { csrfFrom: '/signin/reset' },
    );
  }

  async function signIn(email: string, password: string) {
    const browser = new Browser(t.app);
    const response = await browser.post('/signin/root/password', { email, password });
    return { browser, response };
  }

  it('resets a forgotten root password once by link: sessions end, a notice is mailed, nobody is signed in', async () => {
    const account = await makeAccount(t.deps);
    const { browser: signedIn } = await signIn(account.email, ROOT_PASSWORD);
    expect((await signedIn.get('/console')).statusCode).toBe(200);

    const answer = await requestReset(account.email.toUpperCase());
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toContain('Check your email');
    const { link, token } = await resetMail(account.email);
    expect(link.startsWith('http://gatehouse.test/signin/reset?token=')).toBe(true);

    const person = new Browser(t.app);
    const form = await person.get(new URL(link).pathname + new URL(link).search);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Choose a new password');
    // The token in the address never reaches another site.
    expect(['no-referrer', 'same-origin']).toContain(form.headers['referrer-policy']);

    const done = await submitReset(person, { token });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Password changed');
    expect(done.headers['set-cookie'] ?? '').not.toContain('gh_session');

    expect((await signedIn.get('/console')).headers.location).toBe('/signin');
    expect((await signIn(account.email, ROOT_PASSWORD)).response.statusCode).toBe(401);
    expect((await signIn(account.email, NEW_PASSWORD)).response.headers.location).toBe('/console');

    const notices = (await mailTo(account.email)).filter((m) => m.template === 'root-password-changed');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).toContain('was reset with a link');
    expect(notices[0]!.text).toContain('If this was not you');

    await runPendingJobs(t.deps);
    const events = await listAuditEvents(t.deps.db, { accountId: account.id, limit: 50 });
    const names = events.map((e) => e.eventName);
    expect(names).toContain('PasswordRecoveryRequested');
    expect(names).toContain('PasswordRecoveryCompleted');

    const again = await submitReset(new Browser(t.app), { token });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain(LINK_NO_LONGER_VALID);
    expect((await new Browser(t.app).get(`/signin/reset?token=${token}`)).body).toContain(LINK_NO_LONGER_VALID);
  });

  it('accepts the equivalent short code typed in any case, once', async () => {
    const account = await makeAccount(t.deps);
    await requestReset(account.email);
    const { code } = await resetMail(account.email);
    const typed = code.toLowerCase().replaceAll('-', ' ');
    expect((await submitReset(new Browser(t.app), { code: typed })).body).toContain('Password changed');
    expect((await submitReset(new Browser(t.app), { code })).body).toContain(LINK_NO_LONGER_VALID);
  });

  it('expires the link after 30 minutes', async () => {
    const account = await makeAccount(t.deps);
    await requestReset(account.email);
    const { token } = await resetMail(account.email);
    t.clock.advance(29 * MINUTE);
    expect((await new Browser(t.app).get(`/signin/reset?token=${token}`)).statusCode).toBe(200);
    t.clock.advance(MINUTE);
    const expired = await submitReset(new Browser(t.app), { token });
    expect(expired.statusCode).toBe(400);
    expect(expired.body).toContain(LINK_NO_LONGER_VALID);
    expect((await findRootUser(t.deps.db, account.id))!.passwordHash).toBe(
      (await findRootUser(t.deps.db, account.id))!.passwordHash,
    );
    expect((await signIn(account.email, ROOT_PASSWORD)).response.headers.location).toBe('/console');
  });

  it('lets a newer request replace the older link', async () => {
    const account = await makeAccount(t.deps);
    await requestReset(account.email);
    const first = await resetMail(account.email);
    t.clock.advance(MINUTE);
    await requestReset(account.email);
    const second = await resetMail(account.email);
    expect(second.token).not.toBe(first.token);
    expect((await submitReset(new Browser(t.app), { token: first.token })).body).toContain(LINK_NO_LONGER_VALID);
    expect((await submitReset(new Browser(t.app), { code: first.code })).body).toContain(LINK_NO_LONGER_VALID);
    expect((await submitReset(new Browser(t.app), { token: second.token })).body).toContain('Password changed');
  });

  it("shows a reference on every refused link or code, which tells the account's root user why", async () => {
    const account = await makeAccount(t.deps);
    const why = async (body: string) =>
      (await lookUpReference(t.deps, account.id, referenceIn(body))).map((r) => [r.flow, r.reason]);

    await requestReset(account.email);
    const first = await resetMail(account.email);
    t.clock.advance(RESET_TTL_MS + MINUTE);
    const expired = await new Browser(t.app).get(first.link.slice(t.deps.publicUrl.length));
    expect(expired.statusCode).toBe(400);
    expect(await why(expired.body)).toEqual([['password-reset', 'LinkExpired']]);

    await requestReset(account.email);
    const second = await resetMail(account.email);
    expect((await submitReset(new Browser(t.app), { code: second.code })).body).toContain('Password changed');
    const reused = await submitReset(new Browser(t.app), { token: second.token });
    expect(await why(reused.body)).toEqual([['password-reset', 'LinkAlreadyUsed']]);
    // The first link was replaced by the second: it names no stored link any more, so it
    // belongs to no account and nothing is written; the page still shows a reference.
    const eventsBefore = (await t.deps.db.selectFrom('audit_events').select('id').execute()).length;
    const replaced = await submitReset(new Browser(t.app), { token: first.token });
    expect(await why(replaced.body)).toEqual([]);
    expect(
      await t.deps.db
        .selectFrom('support_references')
        .selectAll()
        .where('reference', '=', referenceIn(replaced.body))
        .execute(),
    ).toEqual([]);
    expect((await t.deps.db.selectFrom('audit_events').select('id').execute()).length).toBe(eventsBefore);

    // The account's root user finds the reference on the Activity page.
    const { browser } = await signIn(account.email, NEW_PASSWORD);
    const found = await browser.get(`/console/activity?ref=${referenceIn(reused.body)}`);
    expect(found.body).toContain('password reset link or code for root failed: <strong>LinkAlreadyUsed</strong>');
  });

  it('gives tampered, truncated and made-up links the one "no longer valid" page and changes nothing', async () => {
    const account = await makeAccount(t.deps);
    await requestReset(account.email);
    const { token } = await resetMail(account.email);
    const before = (await findRootUser(t.deps.db, account.id))!.passwordHash;
    const flipped = token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a');
    const bad = [flipped, token.slice(0, -3), token.split('.')[0]!, 'x'.repeat(49), `${token}a`, ''];
    const pages = [];
    for (const candidate of bad) {
      const response = await submitReset(
        new Browser(t.app),
        candidate ? { token: candidate } : { code: 'AAAAA-BBBBB' },
      );
      pages.push({
        status: response.statusCode,
        body: maskReference(response.body.replace(/name="_csrf" value="[0-9a-f]+"/, '')),
      });
    }
    for (const p of pages) expect(p).toEqual(pages[0]);
    expect(pages[0]!.body).toContain(LINK_NO_LONGER_VALID);
    expect((await findRootUser(t.deps.db, account.id))!.passwordHash).toBe(before);
    expect((await submitReset(new Browser(t.app), { token })).body).toContain('Password changed');
  });

  it('keeps the link usable after a password that breaks the rules', async () => {
    const account = await makeAccount(t.deps);
    await requestReset(account.email);
    const { token } = await resetMail(account.email);
    const weak = await new Browser(t.app).post(
      '/signin/reset',
      { token, password: 'short', confirm: 'short' },
      { csrfFrom: '/signin/reset' },
    );
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toContain('at least 8 characters');
    const mismatch = await new Browser(t.app).post(
      '/signin/reset',
      { token, password: NEW_PASSWORD, confirm: 'something else entirely' },
      { csrfFrom: '/signin/reset' },
    );
    expect(mismatch.body).toContain('do not match');
    expect((await submitReset(new Browser(t.app), { token })).body).toContain('Password changed');
  });

  it('lets exactly one of two concurrent submissions of one token succeed', async () => {
    const account = await makeAccount(t.deps);
    await requestReset(account.email);
    const { token } = await resetMail(account.email);
    const outcomes = await Promise.all([
      completePasswordReset(t.deps, { token }, 'first concurrent password', SYSTEM_META),
      completePasswordReset(t.deps, { token }, 'second concurrent password', SYSTEM_META),
    ]);
    expect(outcomes.filter((o) => o === 'done')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'invalid')).toHaveLength(1);
    const completed = await listAuditEvents(t.deps.db, {
      accountId: account.id,
      eventName: 'PasswordRecoveryCompleted',
      limit: 10,
    });
    expect(completed).toHaveLength(1);
    const winner = outcomes[0] === 'done' ? 'first concurrent password' : 'second concurrent password';
    expect((await signIn(account.email, winner)).response.headers.location).toBe('/console');
  });

  it('answers known and unknown addresses identically and mails only the known one', async () => {
    const account = await makeAccount(t.deps);
    const unknown = uniqueEmail('nobody');
    const browser = new Browser(t.app);
    await browser.csrf('/signin/forgot');
    const known = visible(await requestReset(account.email, browser));
    const nobody = visible(await requestReset(unknown, browser));
    expect(nobody).toEqual(known);
    expect(await mailTo(unknown)).toHaveLength(0);
    expect((await mailTo(account.email)).filter((m) => m.template === 'password-reset')).toHaveLength(1);

    const knownFind = visible(
      await browser.post('/signin/find-account', { email: account.email }, { csrfFrom: '/signin/find-account' }),
    );
    const nobodyFind = visible(
      await browser.post('/signin/find-account', { email: unknown }, { csrfFrom: '/signin/find-account' }),
    );
    expect(nobodyFind).toEqual(knownFind);
    expect(await mailTo(unknown)).toHaveLength(0);
  });

  it('gives a malformed address a field error, the only specific error', async () => {
    for (const url of ['/signin/forgot', '/signin/find-account']) {
      const response = await new Browser(t.app).post(url, { email: 'not an address' }, { csrfFrom: url });
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('Enter a valid email address');
      expect(response.body).toContain('aria-invalid="true"');
    }
  });

  it('emails the accounts of a root address to that address only', async () => {
    const account = await makeAccount(t.deps, { alias: `found-${dialect}` });
    const response = await new Browser(t.app).post(
      '/signin/find-account',
      { email: account.email },
      { csrfFrom: '/signin/find-account' },
    );
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain(account.id);
    const [reminder] = (await mailTo(account.email)).filter((m) => m.template === 'accounts-for-email');
    expect(reminder!.text).toContain(`${account.id.slice(0, 4)}-${account.id.slice(4, 8)}-${account.id.slice(8)}`);
    expect(reminder!.text).toContain(`found-${dialect}`);
    expect(reminder!.text).toContain(`http://gatehouse.test/signin/found-${dialect}`);
  });

  it('holds mail past 10 a recipient in 10 minutes, a newer reset replacing the held one, audits the hold, and answers as before', async () => {
    const account = await makeAccount(t.deps);
    t.clock.advance(11 * MINUTE);
    const browser = new Browser(t.app);
    const csrf = await browser.csrf('/signin/forgot');
    const answers = [];
    for (let i = 0; i < 12; i++) {
      t.clock.advance(1_000);
      answers.push(visible(await browser.post('/signin/forgot', { email: account.email }, { csrf })));
      await runPendingJobs(t.deps);
    }
    for (const a of answers) expect(a).toEqual(answers[0]);
    const since = new Date(t.clock.now().getTime() - 10 * MINUTE).toISOString();
    const recent = (await mailTo(account.email)).filter((m) => m.createdAt > since);
    expect(recent.filter((m) => m.status === 'queued')).toHaveLength(10);
    // Nothing dropped: the 11th request is held, and the 12th took its place with the newer link.
    const held = recent.filter((m) => m.status === 'held');
    expect(held).toHaveLength(1);
    const { link } = await resetMail(account.email);
    expect(held[0]!.text).toContain(link);
    expect((await new Browser(t.app).get(new URL(link).pathname + new URL(link).search)).body).toContain(
      'Choose a new password',
    );
    const holds = await listAuditEvents(t.deps.db, { accountId: account.id, eventName: 'MailHeld', limit: 10 });
    expect(holds).toHaveLength(2);
    expect(holds[0]!.reason).toBe('RecipientRateLimit');
    expect(await listAuditEvents(t.deps.db, { accountId: account.id, eventName: 'MailDropped', limit: 10 })).toEqual(
      [],
    );
    t.clock.advance(11 * MINUTE);
  });

  it('tells IAM users to ask their administrator, who is mailed and sees the request on the Users page', async () => {
    const account = await makeAccount(t.deps, { alias: `askers-${dialect}` });
    await makeUser(t.deps, account.id, 'forgetful');
    const signinPage = await new Browser(t.app).get(`/signin/askers-${dialect}`);
    expect(signinPage.body).toContain(`/signin/forgot?account=askers-${dialect}`);
    const forgot = await new Browser(t.app).get(`/signin/forgot?account=askers-${dialect}`);
    expect(forgot.body).toContain('IAM users cannot reset their own password');
    expect(forgot.body).toContain('Ask my administrator');

    const browser = new Browser(t.app);
    const csrf = await browser.csrf('/signin/forgot');
    const ask = async (account: string, userName: string) => {
      const response = await browser.post('/signin/forgot/iam', { account, userName }, { csrf });
      await runPendingJobs(t.deps);
      return response;
    };
    const real = visible(await ask(`askers-${dialect}`, 'FORGETFUL'));
    const unknownUser = visible(await ask(`askers-${dialect}`, 'nobody'));
    const unknownAccount = visible(await ask(`no-such-${dialect}`, 'forgetful'));
    const repeat = visible(await ask(account.id, 'forgetful'));
    for (const r of [unknownUser, unknownAccount, repeat]) expect(r).toEqual(real);
    expect(real.status).toBe(200);
    await runPendingJobs(t.deps);

    const mails = (await mailTo(account.email)).filter((m) => m.template === 'user-asked-for-reset');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain('forgetful');

    const admin = new Browser(t.app);
    await admin.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD });
    const users = await admin.get('/console/users');
    expect(users.body).toContain('Asked for a password reset');
    expect(users.body).toContain('forgetful');

    const set = await admin.post(
      '/console/users/forgetful/password',
      { password: 'an admin chosen password 9', requireReset: 'on' },
      { csrfFrom: '/console/users/forgetful' },
    );
    expect(set.statusCode).toBe(303);
    expect((await admin.get('/console/users')).body).not.toContain('Asked for a password reset');
    const notice = (await mailTo(account.email)).find((m) => m.template === 'user-password-set');
    expect(notice!.text).toContain('The root user reset the console password of IAM user forgetful');
  });

  it('lets an administrator dismiss a request without acting on it', async () => {
    const account = await makeAccount(t.deps);
    await makeUser(t.deps, account.id, 'unsure');
    await new Browser(t.app).post(
      '/signin/forgot/iam',
      { account: account.id, userName: 'unsure' },
      { csrfFrom: '/signin/forgot' },
    );
    await runPendingJobs(t.deps);
    const admin = new Browser(t.app);
    await admin.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD });
    const users = await admin.get('/console/users');
    const action = /action="(\/console\/users\/help-requests\/[^"]+\/dismiss)"/.exec(users.body)![1]!;
    const dismissed = await admin.post(action, {}, { csrfFrom: '/console/users' });
    expect(dismissed.statusCode).toBe(303);
    expect((await admin.get('/console/users')).body).not.toContain('Asked for a password reset');
    const events = await listAuditEvents(t.deps.db, {
      accountId: account.id,
      eventName: 'PasswordResetRequestDismissed',
      limit: 5,
    });
    expect(events).toHaveLength(1);
    const stranger = new Browser(t.app);
    await stranger.post('/signin/root/password', { email: (await makeAccount(t.deps)).email, password: ROOT_PASSWORD });
    expect((await stranger.post(action, {}, { csrfFrom: '/console' })).statusCode).toBe(404);
  });

  it('refuses malformed account and user names with field errors', async () => {
    const response = await new Browser(t.app).post(
      '/signin/forgot/iam',
      { account: '12', userName: 'bob' },
      { csrfFrom: '/signin/forgot' },
    );
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Enter a 12-digit account ID or an account alias.');
  });

  it('shows a help page that links to every recovery path', async () => {
    const help = await new Browser(t.app).get('/signin/help');
    expect(help.statusCode).toBe(200);
    for (const href of ['/signin/forgot', '/signin/find-account', '/signin/forgot?account=', '/signin?choose=1']) {
      expect(help.body).toContain(`href="${href}"`);
    }
  });
});
