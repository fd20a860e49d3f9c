import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPrincipal } from '../identities/principal.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { listOutbox } from '../mail/outbox.repository.ts';
import { attachPolicy } from '../policies/attachment.service.ts';
import { findUserByName } from '../identities/user.repository.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, USER_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { listDevicesOf } from './mfa.repository.ts';
import type { Deps } from '../deps.ts';
import { createVirtualDevice, enableVirtualDevice } from './mfa.service.ts';
import { codeAt, stepAt } from './totp.ts';

/**
 * "Ask my administrator" for a lost MFA device reaches the administrators where they act: the
 * request is listed on the Users page and the console home until an administrator deactivates
 * the user's MFA devices or dismisses it. Regression: it was an audit event and a mail only.
 */
describe.each(DIALECTS)('MFA help requests on %s', (dialect) => {
  let t: TestContext;
  let account: Awaited<ReturnType<typeof makeAccount>>;
  const alias = `mfa-help-${dialect}`;
  const mfaDeps = (): Deps => t.deps;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    account = await makeAccount(t.deps, { alias });
  });
  afterAll(() => t.close());

  /** An IAM user with an authenticator app, as far as the MFA step, asking for help. */
  async function userWhoLostTheDevice(name: string): Promise<{ browser: Browser; userId: string }> {
    const user = await makeUser(t.deps, account.id, name);
    const { device, secret } = await createVirtualDevice(
      mfaDeps(),
      account.id,
      { name: `${name}-phone` },
      CLI_ACTOR,
      SYSTEM_META,
    );
    const principal = (await loadPrincipal(t.deps.db, account.id, user.id))!;
    const step = stepAt(t.clock.now());
    await enableVirtualDevice(
      mfaDeps(),
      principal,
      device.serial,
      codeAt(secret, step - 1),
      codeAt(secret, step),
      CLI_ACTOR,
      SYSTEM_META,
    );
    const browser = new Browser(t.app);
    expect((await browser.post(`/signin/${alias}`, { userName: name, password: USER_PASSWORD })).headers.location).toBe(
      '/signin/mfa',
    );
    const asked = await browser.post('/signin/mfa-help/ask-admin', {}, { csrfFrom: '/signin/mfa-help' });
    expect(asked.body).toContain('Your administrators were asked');
    return { browser, userId: user.id };
  }

  async function signedIn(email: string): Promise<Browser> {
    const browser = new Browser(t.app);
    expect((await browser.post('/signin/root/password', { email, password: ROOT_PASSWORD })).headers.location).toBe(
      '/console',
    );
    return browser;
  }

  async function signedInUser(name: string): Promise<Browser> {
    const browser = new Browser(t.app);
    expect((await browser.post(`/signin/${alias}`, { userName: name, password: USER_PASSWORD })).headers.location).toBe(
      '/console',
    );
    return browser;
  }

  const section = (body: string) =>
    /<section[^>]*aria-labelledby="mfa-help-requests"[\s\S]*?<\/section>/.exec(body)?.[0] ?? '';
  const action = (body: string, verb: 'resolve' | 'dismiss') =>
    new RegExp(`action="(/console/users/mfa-help-requests/[^"]+/${verb})"`).exec(section(body))?.[1];
  const enabledDevices = async (userId: string) => (await listDevicesOf(t.deps.db, userId)).filter((d) => d.enabledAt);

  it('lists the request on the Users page and the console home; deactivating the devices resolves it', async () => {
    const { userId } = await userWhoLostTheDevice('gina');
    const mails = (await listOutbox(t.deps.db, { limit: 50, recipient: account.email })).filter(
      (m) => m.template === 'mfa-help-asked',
    );
    expect(mails).toHaveLength(1);

    const root = await signedIn(account.email);
    const users = await root.get('/console/users');
    expect(section(users.body)).toContain('gina');
    const home = await root.get('/console');
    expect(section(home.body)).toContain('gina');
    // Not a password request.
    expect(users.body).not.toMatch(/Asked for a password reset[\s\S]*gina/);

    const resolve = action(users.body, 'resolve')!;
    const done = await root.post(resolve, {}, { csrfFrom: '/console/users' });
    expect(done.statusCode).toBe(303);
    expect(await enabledDevices(userId)).toEqual([]);
    expect(section((await root.get('/console/users')).body)).toBe('');
    expect(section((await root.get('/console')).body)).toBe('');
    const events = await listAuditEvents(t.deps.db, {
      accountId: account.id,
      targetId: userId,
      eventName: 'DeactivateMFADevice',
      limit: 5,
    });
    expect(events).toHaveLength(1);
    // The user now signs in with the password alone, and adds a new device.
    await signedInUser('gina');
    expect((await root.post(resolve, {}, { csrfFrom: '/console/users' })).statusCode).toBe(404);
  });

  it('lets an administrator dismiss a request, leaving the devices as they are', async () => {
    const { userId } = await userWhoLostTheDevice('hank');
    const root = await signedIn(account.email);
    const dismiss = action((await root.get('/console/users')).body, 'dismiss')!;
    expect((await root.post(dismiss, {}, { csrfFrom: '/console/users' })).statusCode).toBe(303);
    expect(await enabledDevices(userId)).toHaveLength(1);
    expect(section((await root.get('/console/users')).body)).toBe('');
    expect(
      await listAuditEvents(t.deps.db, {
        accountId: account.id,
        targetId: userId,
        eventName: 'MfaHelpRequestDismissed',
        limit: 5,
      }),
    ).toHaveLength(1);
  });

  it('asks for iam:DeactivateMFADevice on the user, as DeactivateMFADevice does, to resolve or dismiss', async () => {
    const { userId } = await userWhoLostTheDevice('ivy');
    await makeUser(t.deps, account.id, 'reader');
    await attachPolicy(
      t.deps,
      account.id,
      'user',
      'reader',
      'arn:aws:iam::aws:policy/IAMReadOnlyAccess',
      CLI_ACTOR,
      SYSTEM_META,
    );
    const reader = await signedInUser('reader');
    const listed = await reader.get('/console/users');
    expect(section(listed.body)).toContain('ivy');
    // Offered only to those who may use them.
    expect(action(listed.body, 'resolve')).toBeUndefined();

    const root = await signedIn(account.email);
    const resolve = action((await root.get('/console/users')).body, 'resolve')!;
    const dismiss = action((await root.get('/console/users')).body, 'dismiss')!;
    for (const url of [resolve, dismiss]) {
      const refused = await reader.post(url, {}, { csrfFrom: '/console/users' });
      expect(refused.statusCode).toBe(403);
      expect(refused.body).toContain('iam:DeactivateMFADevice');
    }
    expect(await enabledDevices(userId)).toHaveLength(1);

    // Another account's administrator does not even find it; nor does the password requests' dismiss.
    const stranger = await signedIn((await makeAccount(t.deps)).email);
    expect((await stranger.post(resolve, {}, { csrfFrom: '/console' })).statusCode).toBe(404);
    const passwordDismiss = resolve.replace('/mfa-help-requests/', '/help-requests/').replace(/\/resolve$/, '/dismiss');
    expect((await root.post(passwordDismiss, {}, { csrfFrom: '/console/users' })).statusCode).toBe(404);
    expect(section((await root.get('/console/users')).body)).toContain('ivy');

    await makeUser(t.deps, account.id, 'keeper', { isAdmin: true });
    const keeper = await signedInUser('keeper');
    expect((await keeper.post(resolve, {}, { csrfFrom: '/console/users' })).statusCode).toBe(303);
    expect(await enabledDevices(userId)).toEqual([]);
  });

  it('closes the request when the last device is deactivated on the user page', async () => {
    const { userId } = await userWhoLostTheDevice('jade');
    const root = await signedIn(account.email);
    const [device] = await enabledDevices(userId);
    expect(section((await root.get('/console/users')).body)).toContain('jade');
    const page = await root.get('/console/users/jade');
    expect(page.statusCode).toBe(200);
    const done = await root.post(
      `/console/users/jade/mfa/${device!.id}/deactivate`,
      {},
      { csrfFrom: '/console/users/jade' },
    );
    expect(done.statusCode).toBe(303);
    expect(section((await root.get('/console/users')).body)).toBe('');
    expect((await findUserByName(t.deps.db, account.id, 'jade'))?.id).toBe(userId);
  });
});
