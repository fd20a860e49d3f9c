import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, USER_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { maskReference } from '../../test/support/references.ts';
import { HOUR, MINUTE } from '../shared/clock.ts';

describe.each(DIALECTS)('sign-in pages on %s', (dialect) => {
  let t: TestContext;
  let account: Awaited<ReturnType<typeof makeAccount>>;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    account = await makeAccount(t.deps, { alias: `acme-${dialect}` });
    await makeUser(t.deps, account.id, 'alice');
    await makeUser(t.deps, account.id, 'nopassword', { password: null });
    await makeUser(t.deps, account.id, 'newbie', { passwordResetRequired: true });
  });
  afterAll(() => t.close());

  async function rootSignIn(browser: Browser, email: string, password: string) {
    return browser.post('/signin/root/password', { email, password });
  }

  it('signs the root user in and shows the console', async () => {
    const browser = new Browser(t.app);
    const response = await rootSignIn(browser, account.email.toUpperCase(), ROOT_PASSWORD);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/console');
    const consolePage = await browser.get('/console');
    expect(consolePage.statusCode).toBe(200);
    expect(consolePage.body).toContain(account.email);
    expect(consolePage.body).toContain(`acme-${dialect}`);
    expect(consolePage.headers['cache-control']).toBe('no-store');
  });

  it('signs an IAM user in through the account alias and remembers the account', async () => {
    const browser = new Browser(t.app);
    const response = await browser.post(`/signin/acme-${dialect}`, { userName: 'ALICE', password: USER_PASSWORD });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/console');
    expect((await browser.get('/console')).body).toContain('IAM user alice');
    const again = await browser.get('/signin');
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe(`/signin/acme-${dialect}`);
    expect((await browser.get(`/signin/acme-${dialect}`)).body).toContain('value="alice"');
  });

  it('gives every failure reason a byte-identical response and records the real reason', async () => {
    const strip = (r: { statusCode: number; body: string; headers: Record<string, unknown> }) => {
      // The length follows the identifier kept in the form; the bodies themselves are compared.
      const {
        'x-request-id': _id,
        date: _date,
        'set-cookie': cookie,
        'content-length': _length,
        ...headers
      } = r.headers;
      // Each failure shows its own random support reference; everything else must match.
      return { status: r.statusCode, body: maskReference(r.body), headers, cookie };
    };
    const browser = new Browser(t.app);
    const csrf = await browser.csrf();
    const ref = `acme-${dialect}`;
    // The page keeps the user name as typed (never the password), so the name is set aside to compare.
    const attempts = [
      ['alice', 'wrong password!'],
      ['nobody', 'wrong password!'],
      ['nopassword', 'wrong password!'],
      ['alice', ''],
    ] as const;
    const responses = [];
    for (const [userName, password] of attempts) {
      const response = await browser.post(`/signin/${ref}`, { userName, password }, { csrf });
      expect(response.body).toContain(`name="userName" type="text" value="${userName}"`);
      expect(response.body).not.toContain('wrong password!');
      const stripped = strip(response);
      responses.push({ ...stripped, body: stripped.body.replaceAll(`value="${userName}"`, 'value="NAME"') });
    }
    expect(responses[0]!.status).toBe(401);
    for (const r of responses) expect(r).toEqual(responses[0]);
    expect(responses[0]!.body).toContain('Your sign-in details are incorrect');

    const unknownAccount = strip(
      await browser.post('/signin/no-such-account-x', { userName: 'alice', password: 'x' }, { csrf }),
    );
    const knownAccount = strip(await browser.post(`/signin/${ref}`, { userName: 'alice', password: 'x' }, { csrf }));
    expect(unknownAccount.status).toBe(knownAccount.status);
    expect(unknownAccount.body.replaceAll('no-such-account-x', ref)).toBe(knownAccount.body);
    expect(responses[0]!.body).toContain('Ref ***-***');

    const rootUnknown = strip(
      await browser.post('/signin/root/password', { email: 'nobody@example.com', password: 'x' }, { csrf }),
    );
    const rootWrong = strip(
      await browser.post('/signin/root/password', { email: account.email, password: 'x' }, { csrf }),
    );
    // The password step comes back with the email as typed: the same page either way.
    expect(rootUnknown.body).toContain('<strong>nobody@example.com</strong>');
    expect(rootUnknown.body).toContain('href="/signin/forgot?email=nobody%40example.com"');
    const forgot = await browser.get('/signin/forgot?email=nobody%40example.com');
    expect(forgot.body).toContain('name="email" type="email" value="nobody@example.com"');
    expect({
      ...rootUnknown,
      body: rootUnknown.body
        .replaceAll('nobody@example.com', account.email)
        .replaceAll('nobody%40example.com', encodeURIComponent(account.email)),
    }).toEqual(rootWrong);

    const events = await listAuditEvents(t.deps.db, { accountId: account.id, eventName: 'ConsoleLogin', limit: 50 });
    const reasons = events.filter((e) => e.outcome === 'Failure').map((e) => e.reason);
    expect(reasons).toEqual(
      expect.arrayContaining(['WrongPassword', 'UnknownUser', 'NoLoginProfile', 'EmptyPassword']),
    );
  });

  it('sends a user whose password must be reset to the change-password page before anything else', async () => {
    const browser = new Browser(t.app);
    const response = await browser.post(`/signin/${account.id}`, { userName: 'newbie', password: USER_PASSWORD });
    expect(response.headers.location).toBe('/console/change-password');
    expect((await browser.get('/console')).headers.location).toBe('/console/change-password');
    expect((await browser.get('/console/users')).headers.location).toBe('/console/change-password');
    const changed = await browser.post(
      '/console/change-password',
      { currentPassword: USER_PASSWORD, newPassword: 'a brand new password', confirmPassword: 'a brand new password' },
      { csrfFrom: '/console/change-password' },
    );
    expect(changed.statusCode).toBe(303);
    expect((await browser.get('/console')).statusCode).toBe(200);
    const fresh = new Browser(t.app);
    expect(
      (await fresh.post(`/signin/${account.id}`, { userName: 'newbie', password: 'a brand new password' })).headers
        .location,
    ).toBe('/console');
  });

  it('ends the session after an hour idle and after 12 hours in all', async () => {
    const browser = new Browser(t.app);
    await rootSignIn(browser, account.email, ROOT_PASSWORD);
    t.clock.advance(59 * MINUTE);
    expect((await browser.get('/console')).statusCode).toBe(200);
    t.clock.advance(61 * MINUTE);
    expect((await browser.get('/console')).headers.location).toBe('/signin');

    const steady = new Browser(t.app);
    await rootSignIn(steady, account.email, ROOT_PASSWORD);
    for (let i = 0; i < 12; i++) {
      t.clock.advance(55 * MINUTE);
      expect((await steady.get('/console')).statusCode).toBe(200);
    }
    t.clock.advance(HOUR);
    expect((await steady.get('/console')).headers.location).toBe('/signin');
  });

  it('signs out: the session is gone on the server, not only in the browser', async () => {
    const browser = new Browser(t.app);
    await rootSignIn(browser, account.email, ROOT_PASSWORD);
    const token = browser.cookies.get('gh_session')!;
    const out = await browser.post('/signout', {}, { csrfFrom: '/console' });
    expect(out.statusCode).toBe(303);
    const replay = await t.app.inject({ method: 'GET', url: '/console', headers: { cookie: `gh_session=${token}` } });
    expect(replay.headers.location).toBe('/signin');
  });

  it('refuses forms without a valid CSRF token or from another origin', async () => {
    const browser = new Browser(t.app);
    await browser.csrf();
    const noToken = await browser.post(
      '/signin/root/password',
      { email: account.email, password: ROOT_PASSWORD },
      { csrf: 'f'.repeat(64) },
    );
    expect(noToken.statusCode).toBe(403);
    expect(noToken.body).toContain('not sent from this site');
    const crossOrigin = await browser.post(
      '/signin/root/password',
      { email: account.email, password: ROOT_PASSWORD },
      { headers: { origin: 'https://evil.example' } },
    );
    expect(crossOrigin.statusCode).toBe(403);
    expect(crossOrigin.headers['set-cookie']).toBeUndefined();
  });

  it('sets session cookies HttpOnly and SameSite=Lax, with security headers on every page', async () => {
    const browser = new Browser(t.app);
    const response = await rootSignIn(browser, account.email, ROOT_PASSWORD);
    const cookie = (
      response.cookies as Array<{ name: string; httpOnly?: boolean; sameSite?: string; path?: string }>
    ).find((c) => c.name === 'gh_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    expect(cookie.path).toBe('/');
    const signin = await browser.get('/signin?choose=1');
    expect(signin.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(signin.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(signin.headers['referrer-policy']).toBe('same-origin');
  });
});

describe('cookies over https', () => {
  it('uses __Host- names and Secure when PUBLIC_URL is https', async () => {
    const t = await createTestContext('sqlite', { PUBLIC_URL: 'https://signin.example.com' });
    try {
      const account = await makeAccount(t.deps);
      const browser = new Browser(t.app);
      const response = await browser.post(
        '/signin/root/password',
        { email: account.email, password: ROOT_PASSWORD },
        { headers: { origin: 'https://signin.example.com' } },
      );
      const session = (response.cookies as Array<{ name: string; secure?: boolean }>).find(
        (c) => c.name === '__Host-gh_session',
      );
      expect(session?.secure).toBe(true);
      expect(response.headers['strict-transport-security']).toContain('max-age=');
    } finally {
      await t.close();
    }
  });
});
