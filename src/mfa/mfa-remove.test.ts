import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { giveAuthenticator, setUserPolicy, signInUser } from '../../test/support/console.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { USER_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { listDevicesOf } from './mfa.repository.ts';
import { codeAt, stepAt } from './totp.ts';

describe.each(DIALECTS)('removing your own MFA device in the console on %s', (dialect) => {
  let t: TestContext;
  let account: Awaited<ReturnType<typeof makeAccount>>;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    account = await makeAccount(t.deps);
  });
  afterAll(() => t.close());

  it('asks the person to prove it is them again: the current password, or a code from another authenticator app', async () => {
    const rae = await makeUser(t.deps, account.id, 'rae');
    await setUserPolicy(t, account.id, 'rae', 'own-mfa', [
      {
        Effect: 'Allow',
        Action: ['iam:DeactivateMFADevice', 'iam:EnableMFADevice', 'iam:ListMFADevices'],
        Resource: `arn:aws:iam::${account.id}:user/\${aws:username}`,
      },
    ]);
    const first = await giveAuthenticator(t, account.id, rae.id, 'rae-phone');
    const second = await giveAuthenticator(t, account.id, rae.id, 'rae-tablet');
    const browser = await signInUser(t, account.id, 'rae', { mfa: first });
    const devices = async () => (await listDevicesOf(t.deps.db, rae.id)).map((d) => d.name).sort();

    const confirm = await browser.get(`/console/mfa/devices/${first.id}/remove`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('name="currentPassword"');
    expect(confirm.body).toContain('rae-tablet');
    const url = `/console/mfa/devices/${first.id}/remove`;

    const bare = await browser.post(url, {}, { csrfFrom: url });
    expect(bare.statusCode).toBe(400);
    expect(bare.body).toContain('Enter your current password, or a code from another authenticator app');
    const wrong = await browser.post(url, { currentPassword: 'not my password at all' }, { csrfFrom: url });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('was not accepted');
    // The device being removed cannot vouch for its own removal.
    const own = await browser.post(
      url,
      { proofDevice: first.id, code: codeAt(first.secret, stepAt(t.clock.now())) },
      { csrfFrom: url },
    );
    expect(own.statusCode).toBe(400);
    expect(await devices()).toEqual(['rae-phone', 'rae-tablet']);

    const byCode = await browser.post(
      url,
      { proofDevice: second.id, code: codeAt(second.secret, stepAt(t.clock.now())) },
      { csrfFrom: url },
    );
    expect(byCode.statusCode).toBe(303);
    expect(byCode.headers.location).toBe('/console/security-credentials?done=mfa-removed');
    expect(await devices()).toEqual(['rae-tablet']);

    const last = `/console/mfa/devices/${second.id}/remove`;
    const byPassword = await browser.post(last, { currentPassword: USER_PASSWORD }, { csrfFrom: last });
    expect(byPassword.statusCode).toBe(303);
    expect(await devices()).toEqual([]);
  });
});
