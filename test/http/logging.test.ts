import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { ROOT_PASSWORD, USER_PASSWORD, makeAccount, makeUser } from '../support/fixtures.ts';
import { Browser, createTestContext, type TestContext } from '../support/harness.ts';

const NEW_PASSWORD = 'a changed passphrase 42';
const ADMIN_SET_PASSWORD = 'set by the administrator 7';
const SIGNUP_PASSWORD = 'a sign-up passphrase 99';
const WRONG_PASSWORD = 'a wrong guess of a password';

describe('logs', () => {
  let t: TestContext;
  let app: FastifyInstance;
  const lines: string[] = [];

  beforeAll(async () => {
    t = await createTestContext('sqlite', { LOG_LEVEL: 'trace' });
    app = await buildApp(t.config, t.deps, { logStream: { write: (line: string) => void lines.push(line) } });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it('never contain a password or a session token, whatever the request', async () => {
    const account = await makeAccount(t.deps, { alias: 'log-test' });
    // An administrator: changing one's own password needs iam:ChangePassword, as in AWS.
    await makeUser(t.deps, account.id, 'alice', { isAdmin: true });
    const secrets = [ROOT_PASSWORD, USER_PASSWORD, NEW_PASSWORD, ADMIN_SET_PASSWORD, SIGNUP_PASSWORD, WRONG_PASSWORD];

    const root = new Browser(app);
    expect(
      (await root.post('/signin/root/password', { email: account.email, password: WRONG_PASSWORD })).statusCode,
    ).toBe(401);
    expect(
      (await root.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD })).statusCode,
    ).toBe(303);
    const rootToken = root.cookies.get('gh_session')!;
    expect((await root.get('/console')).statusCode).toBe(200);
    expect(
      (
        await root.post(
          '/console/users',
          { userName: 'bob', password: ADMIN_SET_PASSWORD },
          { csrfFrom: '/console/users' },
        )
      ).statusCode,
    ).toBe(303);

    const user = new Browser(app);
    expect((await user.post('/signin/log-test', { userName: 'alice', password: WRONG_PASSWORD })).statusCode).toBe(401);
    expect((await user.post('/signin/log-test', { userName: 'nobody', password: USER_PASSWORD })).statusCode).toBe(401);
    expect((await user.post('/signin/log-test', { userName: 'alice', password: USER_PASSWORD })).statusCode).toBe(303);
    const userToken = user.cookies.get('gh_session')!;
    const changed = await user.post(
      '/console/change-password',
      { currentPassword: USER_PASSWORD, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD },
      { csrfFrom: '/console/security-credentials' },
    );
    expect(changed.statusCode).toBe(303);

    const stranger = new Browser(app);
    await stranger.post('/signup', {
      email: 'log-signup@example.com',
      name: 'Logs',
      password: SIGNUP_PASSWORD,
      confirm: SIGNUP_PASSWORD,
    });
    // Secrets the console shows once: a generated console password, a new access key's secret, and their .csv files.
    const made = await root.post(
      '/console/users',
      { userName: 'handed', consoleAccess: 'generated' },
      { csrfFrom: '/console/users' },
    );
    expect(made.headers.location).toBe('/console/users/handed/sign-in-details');
    const details = await root.get('/console/users/handed/sign-in-details');
    const generated = /<summary>Show password<\/summary><code>([^<]+)<\/code>/.exec(details.body)![1]!;
    secrets.push(
      generated
        .replace(/&#39;/g, "'")
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&'),
    );
    const signInCsv = await root.post('/console/users/handed/sign-in-details.csv', {}, { csrfFrom: '/console/users' });
    expect(signInCsv.statusCode).toBe(200);
    const key = await root.post('/console/users/handed/access-keys', {}, { csrfFrom: '/console/users/handed' });
    const [, keyId, keySecret] =
      /<dt>Access key ID<\/dt><dd><code>(AKIA[A-Z2-7]{16})<\/code>[\s\S]*?<dt>Secret access key<\/dt><dd><code>([A-Za-z0-9+/]{40})<\/code>/.exec(
        key.body,
      )!;
    secrets.push(keySecret!);
    const keyCsv = await root.post(
      `/console/users/handed/access-keys/${keyId}/csv`,
      {},
      { csrfFrom: '/console/users' },
    );
    expect(keyCsv.body).toContain(keySecret);
    // Secrets where they do not belong: in a query string, in a refused form, in a malformed body.
    await app.inject({
      method: 'GET',
      url: `/signin?password=${encodeURIComponent(ROOT_PASSWORD)}&token=${rootToken}`,
    });
    await app.inject({ method: 'GET', url: `/no-such-page?session=${userToken}` });
    await app.inject({
      method: 'POST',
      url: '/signin/root/password',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `gh_session=${rootToken}` },
      payload: `email=${encodeURIComponent(account.email)}&password=${encodeURIComponent(ROOT_PASSWORD)}`,
    });
    await app.inject({
      method: 'POST',
      url: '/signin/root/password',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${rootToken}` },
      payload: JSON.stringify({ password: ROOT_PASSWORD }),
    });
    expect((await root.post('/signout', {}, { csrfFrom: '/console' })).statusCode).toBe(303);

    const log = lines.join('');
    expect(log).toContain('incoming request');
    expect(log).toContain('request completed');
    for (const secret of secrets) {
      expect(log).not.toContain(secret);
      expect(log).not.toContain(encodeURIComponent(secret));
    }
    for (const token of [rootToken, userToken]) {
      expect(token).toMatch(/^[a-z2-7]+\.[a-z2-7]+$/);
      expect(log).not.toContain(token);
      expect(log).not.toContain(token.split('.')[1]!);
    }
  });
});
