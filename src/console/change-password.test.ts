import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInUser } from '../../test/support/console.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { USER_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { updatePasswordPolicy } from '../password-policy/password-policy.service.ts';
import { attachPolicy } from '../policies/attachment.service.ts';

const CHANGE = {
  currentPassword: USER_PASSWORD,
  newPassword: 'my own new password 31',
  confirmPassword: 'my own new password 31',
};
const FIX =
  'attach the AWS managed policy IAMUserChangePassword to you, or turn on "Allow users to change their own password" in the password policy';

describe.each(DIALECTS)('changing your own password needs iam:ChangePassword on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(() => t.close());

  /** The page's text and the refused POST's text, for a user without policies. */
  async function refusalFor(accountId: string) {
    const browser = await signInUser(t, accountId, 'una');
    const page = await browser.get('/console/security-credentials');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('action="/console/change-password"');
    const refused = await browser.post('/console/change-password', CHANGE, {
      csrfFrom: '/console/security-credentials',
    });
    expect(refused.statusCode).toBe(403);
    return { page: page.body, refused: refused.body };
  }

  it('says, on an account without a password policy, that there is none and how to allow the change', async () => {
    const account = await makeAccount(t.deps);
    await makeUser(t.deps, account.id, 'una');
    const { page, refused } = await refusalFor(account.id);
    for (const body of [page, refused]) {
      expect(body).toContain('None of your policies allows iam:ChangePassword');
      expect(body).toContain('this account has no password policy');
      expect(body).toContain(FIX.replaceAll('"', '&quot;'));
      expect(body).not.toContain('The account password policy does not allow');
    }
    // The fix the message names works.
    await attachPolicy(
      t.deps,
      account.id,
      'user',
      'una',
      'arn:aws:iam::aws:policy/IAMUserChangePassword',
      CLI_ACTOR,
      SYSTEM_META,
    );
    const una = await signInUser(t, account.id, 'una');
    expect((await una.get('/console/security-credentials')).body).toContain('action="/console/change-password"');
    const changed = await una.post('/console/change-password', CHANGE, { csrfFrom: '/console/security-credentials' });
    expect(changed.headers.location).toBe('/console/security-credentials?done=password-changed');
  });

  it('says, on an account whose password policy has the setting off, that the setting is off and how to allow the change', async () => {
    const account = await makeAccount(t.deps);
    await makeUser(t.deps, account.id, 'una');
    await updatePasswordPolicy(
      t.deps,
      account.id,
      { minimumPasswordLength: 10, allowUsersToChangePassword: false },
      CLI_ACTOR,
      SYSTEM_META,
    );
    const { page, refused } = await refusalFor(account.id);
    for (const body of [page, refused]) {
      expect(body).toContain('None of your policies allows iam:ChangePassword');
      expect(body).toContain(
        'the account password policy has &quot;Allow users to change their own password&quot; turned off',
      );
      expect(body).toContain(FIX.replaceAll('"', '&quot;'));
    }
    await updatePasswordPolicy(
      t.deps,
      account.id,
      { minimumPasswordLength: 10, allowUsersToChangePassword: true },
      CLI_ACTOR,
      SYSTEM_META,
    );
    const una = await signInUser(t, account.id, 'una');
    const changed = await una.post('/console/change-password', CHANGE, { csrfFrom: '/console/security-credentials' });
    expect(changed.headers.location).toBe('/console/security-credentials?done=password-changed');
  });

  it('lets an administrator, and anyone whose change Gatehouse forces, change the password with the setting off', async () => {
    const account = await makeAccount(t.deps);
    await updatePasswordPolicy(t.deps, account.id, { allowUsersToChangePassword: false }, CLI_ACTOR, SYSTEM_META);
    await makeUser(t.deps, account.id, 'grace', { isAdmin: true });
    await makeUser(t.deps, account.id, 'heidi', { passwordResetRequired: true });
    const grace = await signInUser(t, account.id, 'grace');
    const byAdmin = await grace.post('/console/change-password', CHANGE, { csrfFrom: '/console/security-credentials' });
    expect(byAdmin.headers.location).toBe('/console/security-credentials?done=password-changed');

    const heidi = new Browser(t.app);
    expect(
      (await heidi.post(`/signin/${account.id}`, { userName: 'heidi', password: USER_PASSWORD })).headers.location,
    ).toBe('/console/change-password');
    const forced = await heidi.post('/console/change-password', CHANGE, { csrfFrom: '/console/change-password' });
    expect(forced.headers.location).toBe('/console');
    // Once the forced change is made, the setting decides again.
    const page = await heidi.get('/console/security-credentials');
    expect(page.body).not.toContain('action="/console/change-password"');
    expect(page.body).toContain('has &quot;Allow users to change their own password&quot; turned off');
  });
});
