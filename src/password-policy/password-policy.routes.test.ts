import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { DAY } from '../shared/clock.ts';
import { setUserPassword } from '../users/user.service.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, USER_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { getPasswordPolicy, updatePasswordPolicy } from './password-policy.service.ts';

describe.each(DIALECTS)('password policy and alias pages on %s', (dialect) => {
  let t: TestContext;

  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(() => t.close());

  async function rootBrowser(email: string): Promise<Browser> {
    const browser = new Browser(t.app);
    const response = await browser.post('/signin/root/password', { email, password: ROOT_PASSWORD });
    expect(response.headers.location).toBe('/console');
    return browser;
  }

  async function userSignIn(accountId: string, userName: string, password = USER_PASSWORD) {
    const browser = new Browser(t.app);
    const response = await browser.post(`/signin/${accountId}`, { userName, password });
    return { browser, response };
  }

  it('lets the root user view, replace and delete the policy', async () => {
    const account = await makeAccount(t.deps);
    const browser = await rootBrowser(account.email);
    const empty = await browser.get('/console/password-policy');
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toContain('This account has no password policy');
    expect(empty.body).toContain('value="6"');

    const saved = await browser.post(
      '/console/password-policy',
      {
        minimumPasswordLength: '12',
        requireNumbers: 'on',
        requireSymbols: 'on',
        maxPasswordAge: '90',
        passwordReusePrevention: '3',
        hardExpiry: 'on',
      },
      { csrfFrom: '/console/password-policy' },
    );
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe('/console/password-policy?done=saved');
    expect(await getPasswordPolicy(t.deps, account.id)).toEqual({
      minimumPasswordLength: 12,
      requireSymbols: true,
      requireNumbers: true,
      requireUppercaseCharacters: false,
      requireLowercaseCharacters: false,
      allowUsersToChangePassword: false,
      maxPasswordAge: 90,
      passwordReusePrevention: 3,
      hardExpiry: true,
    });
    const shown = await browser.get('/console/password-policy?done=saved');
    expect(shown.body).toContain('The password policy was saved.');
    expect(shown.body).toContain('After 90 days');
    expect(shown.body).toContain('Remember the last 3');

    // Unticked boxes and empty fields go back to their defaults: the form replaces the whole policy.
    await browser.post(
      '/console/password-policy',
      { minimumPasswordLength: '' },
      { csrfFrom: '/console/password-policy' },
    );
    expect(await getPasswordPolicy(t.deps, account.id)).toMatchObject({
      minimumPasswordLength: 6,
      requireNumbers: false,
      maxPasswordAge: null,
      hardExpiry: false,
    });

    const deleted = await browser.post('/console/password-policy/delete', {}, { csrfFrom: '/console/password-policy' });
    expect(deleted.headers.location).toBe('/console/password-policy?done=deleted');
    expect(await getPasswordPolicy(t.deps, account.id)).toBeNull();
    const events = await listAuditEvents(t.deps.db, { accountId: account.id, limit: 20 });
    expect(
      events.filter((e) => e.eventName.endsWith('AccountPasswordPolicy')).every((e) => e.actorType === 'root'),
    ).toBe(true);
  });

  it('shows range errors beside the field and keeps what was typed', async () => {
    const account = await makeAccount(t.deps);
    const browser = await rootBrowser(account.email);
    const tooLong = await browser.post(
      '/console/password-policy',
      { minimumPasswordLength: '200', requireNumbers: 'on' },
      { csrfFrom: '/console/password-policy' },
    );
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.body).toContain('Member must have value less than or equal to 128');
    expect(tooLong.body).toContain('value="200"');
    expect(tooLong.body).toMatch(/id="f-requireNumbers"[^>]*checked/);
    const notNumber = await browser.post(
      '/console/password-policy',
      { maxPasswordAge: 'ninety' },
      { csrfFrom: '/console/password-policy' },
    );
    expect(notNumber.statusCode).toBe(400);
    expect(notNumber.body).toContain('Enter a whole number');
    expect(await getPasswordPolicy(t.deps, account.id)).toBeNull();
  });

  it('lets administrators in and refuses other IAM users, changing nothing', async () => {
    const account = await makeAccount(t.deps);
    await makeUser(t.deps, account.id, 'boss', { isAdmin: true });
    await makeUser(t.deps, account.id, 'worker');
    const admin = (await userSignIn(account.id, 'boss')).browser;
    expect((await admin.get('/console/password-policy')).statusCode).toBe(200);
    expect((await admin.get('/console/account-alias')).statusCode).toBe(200);
    expect((await admin.get('/console')).body).toContain('href="/console/password-policy"');

    const worker = (await userSignIn(account.id, 'worker')).browser;
    expect((await worker.get('/console')).body).not.toContain('href="/console/password-policy"');
    expect((await worker.get('/console/password-policy')).statusCode).toBe(403);
    expect((await worker.get('/console/account-alias')).statusCode).toBe(403);
    const csrf = await worker.csrf('/console/security-credentials');
    expect((await worker.post('/console/password-policy', { minimumPasswordLength: '20' }, { csrf })).statusCode).toBe(
      403,
    );
    expect((await worker.post('/console/account-alias', { alias: `worker-${dialect}-x` }, { csrf })).statusCode).toBe(
      403,
    );
    expect(await getPasswordPolicy(t.deps, account.id)).toBeNull();
  });

  it('sets, refuses reserved and taken, and deletes the account alias', async () => {
    const account = await makeAccount(t.deps);
    const other = await makeAccount(t.deps, { alias: `taken-${dialect}` });
    const browser = await rootBrowser(account.email);
    const alias = `acme-alias-${dialect}`;
    const set = await browser.post('/console/account-alias', { alias }, { csrfFrom: '/console/account-alias' });
    expect(set.headers.location).toBe('/console/account-alias?done=saved');
    const shown = await browser.get('/console/account-alias?done=saved');
    expect(shown.body).toContain(`/signin/${alias}`);

    for (const reserved of ['help', 'root', 'find-account', 'mfa-help', 'support']) {
      const refused = await browser.post(
        '/console/account-alias',
        { alias: reserved },
        { csrfFrom: '/console/account-alias' },
      );
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain(`The account alias ${reserved} is reserved`);
    }
    const taken = await browser.post(
      '/console/account-alias',
      { alias: other.alias! },
      { csrfFrom: '/console/account-alias' },
    );
    expect(taken.statusCode).toBe(409);

    const deleted = await browser.post(
      '/console/account-alias/delete',
      { alias },
      { csrfFrom: '/console/account-alias' },
    );
    expect(deleted.headers.location).toBe('/console/account-alias?done=deleted');
    expect((await browser.get('/console/account-alias')).body).toContain('<dd>None</dd>');
  });

  it('warns in the last 15 days, then forces a change at sign-in once the password expired', async () => {
    const account = await makeAccount(t.deps);
    await makeUser(t.deps, account.id, 'ivan');
    await updatePasswordPolicy(t.deps, account.id, { maxPasswordAge: 30 }, CLI_ACTOR, SYSTEM_META);

    t.clock.advance(10 * DAY);
    let signin = await userSignIn(account.id, 'ivan');
    expect(signin.response.headers.location).toBe('/console');
    expect((await signin.browser.get('/console')).body).not.toContain('Your password expires');

    t.clock.advance(10 * DAY);
    signin = await userSignIn(account.id, 'ivan');
    expect((await signin.browser.get('/console')).body).toContain('Your password expires in 10 days');
    expect((await signin.browser.get('/console/security-credentials')).body).toContain(
      'Your password expires in 10 days',
    );

    t.clock.advance(11 * DAY);
    signin = await userSignIn(account.id, 'ivan');
    expect(signin.response.headers.location).toBe('/console/change-password');
    expect((await signin.browser.get('/console')).headers.location).toBe('/console/change-password');
    expect((await signin.browser.get('/console/change-password')).body).toContain('Your password has expired');
    const changed = await signin.browser.post(
      '/console/change-password',
      {
        currentPassword: USER_PASSWORD,
        newPassword: 'ivan fresh passphrase',
        confirmPassword: 'ivan fresh passphrase',
      },
      { csrfFrom: '/console/change-password' },
    );
    expect(changed.headers.location).toBe('/console');
    expect((await signin.browser.get('/console')).statusCode).toBe(200);
    expect((await userSignIn(account.id, 'ivan', 'ivan fresh passphrase')).response.headers.location).toBe('/console');
  });

  it('refuses sign-in with a hard-expired password behind the generic failure, until an administrator resets it', async () => {
    const account = await makeAccount(t.deps);
    await makeUser(t.deps, account.id, 'judy');
    await updatePasswordPolicy(t.deps, account.id, { maxPasswordAge: 30, hardExpiry: true }, CLI_ACTOR, SYSTEM_META);
    t.clock.advance(31 * DAY);

    const expired = await userSignIn(account.id, 'judy');
    const wrong = await userSignIn(account.id, 'judy', 'not the password');
    expect(expired.response.statusCode).toBe(401);
    expect(expired.response.body).toContain('Your sign-in details are incorrect');
    expect(wrong.response.statusCode).toBe(expired.response.statusCode);
    const reasons = (
      await listAuditEvents(t.deps.db, { accountId: account.id, eventName: 'ConsoleLogin', limit: 10 })
    ).map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(['PasswordExpiredHard', 'WrongPassword']));

    await setUserPassword(t.deps, account.id, 'judy', 'judy reset passphrase', true, CLI_ACTOR, SYSTEM_META);
    const afterReset = await userSignIn(account.id, 'judy', 'judy reset passphrase');
    expect(afterReset.response.headers.location).toBe('/console/change-password');
  });

  it('hides the change-password form when users may not change their own password', async () => {
    const account = await makeAccount(t.deps);
    await makeUser(t.deps, account.id, 'kim');
    await updatePasswordPolicy(t.deps, account.id, { allowUsersToChangePassword: false }, CLI_ACTOR, SYSTEM_META);
    const { browser } = await userSignIn(account.id, 'kim');
    const page = await browser.get('/console/security-credentials');
    expect(page.body).toContain('has &quot;Allow users to change their own password&quot; turned off');
    expect(page.body).not.toContain('action="/console/change-password"');
    const refused = await browser.post(
      '/console/change-password',
      { currentPassword: USER_PASSWORD, newPassword: 'kim new passphrase', confirmPassword: 'kim new passphrase' },
      { csrfFrom: '/console/security-credentials' },
    );
    expect(refused.statusCode).toBe(403);
  });

  it('names the failed rule on the change-password page', async () => {
    const account = await makeAccount(t.deps);
    await makeUser(t.deps, account.id, 'leo');
    await updatePasswordPolicy(
      t.deps,
      account.id,
      { minimumPasswordLength: 10, requireNumbers: true, passwordReusePrevention: 5, allowUsersToChangePassword: true },
      CLI_ACTOR,
      SYSTEM_META,
    );
    const { browser } = await userSignIn(account.id, 'leo');
    const page = await browser.get('/console/security-credentials');
    expect(page.body).toContain('At least 10 characters, a number');
    const change = (newPassword: string) =>
      browser.post(
        '/console/change-password',
        { currentPassword: USER_PASSWORD, newPassword, confirmPassword: newPassword },
        { csrfFrom: '/console/security-credentials' },
      );
    expect((await change('no digits at all')).body).toContain('Password must contain at least one number.');
    expect((await change('password123')).body).toContain('Password is among the most commonly used passwords.');
    const reused = await change(USER_PASSWORD);
    expect(reused.statusCode).toBe(400);
    expect(reused.body).toContain('Password was used recently (the last 5 passwords cannot be reused).');
  });
});
