import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRootUser } from '../identities/account.repository.ts';
import { type Principal, loadPrincipal } from '../identities/principal.ts';
import type { Actor, RequestMeta } from '../audit/audit.service.ts';
import { insertAttachment } from '../policies/attachment.repository.ts';
import { findSessionRow } from '../sessions/session.repository.ts';
import { checkSession, startSession } from '../sessions/session.service.ts';
import { GatehouseError } from '../shared/errors.ts';
import { signInRoot, signInUser } from '../signin/signin.service.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, USER_PASSWORD, makeAccount } from '../../test/support/fixtures.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { findLoginProfile, findUserById, findUserByName } from '../identities/user.repository.ts';
import { changeOwnPassword, createUser, deleteUser, setUserPassword } from './user.service.ts';

const ADMIN: Actor = { type: 'root', id: null, name: 'root' };
const META: RequestMeta = { ip: '198.51.100.7', userAgent: 'user-service-test', requestId: 'req-1' };
const SECRET_PASSWORDS = ['first secret passphrase 1', 'second secret passphrase 2', 'third secret passphrase 3'];

describe.each(DIALECTS)('IAM users on %s', (dialect) => {
  let t: TestContext;
  let account: Awaited<ReturnType<typeof makeAccount>>;
  let admin: Actor;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    account = await makeAccount(t.deps);
    admin = { ...ADMIN, id: account.id };
  });
  afterAll(() => t.close());

  async function refused(work: () => Promise<unknown>, code: string, message?: RegExp): Promise<GatehouseError> {
    const error = await work().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GatehouseError);
    expect((error as GatehouseError).code).toBe(code);
    if (message) expect((error as GatehouseError).message).toMatch(message);
    return error as GatehouseError;
  }

  const create = (name: string, extra: { password?: string; passwordResetRequired?: boolean; path?: string } = {}) =>
    createUser(t.deps, account.id, { name, ...extra }, admin, META);

  /** The user as a principal allowed to change its own password (IAMUserChangePassword attached, as in AWS). */
  async function principalOf(userId: string): Promise<Principal> {
    const principal = await loadPrincipal(t.deps.db, account.id, userId);
    if (!principal) throw new Error('no such principal');
    await insertAttachment(t.deps.db, {
      accountId: account.id,
      principalType: 'user',
      principalId: userId,
      policyArn: 'arn:aws:iam::aws:policy/IAMUserChangePassword',
      attachedAt: t.clock.now().toISOString(),
    });
    return principal;
  }

  async function sessionsOf(principalId: string): Promise<string[]> {
    const rows = await t.deps.db.selectFrom('sessions').select('id').where('principal_id', '=', principalId).execute();
    return rows.map((r) => r.id).sort();
  }

  async function signIn(name: string, password: string): Promise<string> {
    const result = await signInUser(t.deps, account.id, name, password, META);
    if (!result.ok) throw new Error(`sign-in failed: ${result.reason}`);
    return result.token;
  }

  it.each([
    ['', /Enter a user name/],
    ['u'.repeat(65), /at most 64/],
    ['with space', /no spaces/],
    ['slash/name', /only letters, digits/],
    ['colon:name', /only letters, digits/],
    ['émile', /only letters, digits/],
  ])('refuses the user name %j with a ValidationError', async (name, rule) => {
    const error = await refused(() => create(name), 'ValidationError', rule);
    expect(error.field).toBe('userName');
    expect(await findUserByName(t.deps.db, account.id, name)).toBeNull();
  });

  it('accepts 1 to 64 of letters, digits and + = , . @ _ -', async () => {
    for (const name of ['a', 'u'.repeat(64), 'Dev+Ops=1,a.b@c_d-e']) {
      expect((await create(name)).name).toBe(name);
    }
  });

  it('keeps user names unique per account ignoring case, and free in other accounts', async () => {
    await create('Carol');
    const error = await refused(() => create('cAROL'), 'EntityAlreadyExists', /already exists/);
    expect(error.field).toBe('userName');
    expect(
      await t.deps.db
        .selectFrom('users')
        .select('id')
        .where('account_id', '=', account.id)
        .where('name_key', '=', 'carol')
        .execute(),
    ).toHaveLength(1);
    const other = await makeAccount(t.deps);
    expect((await createUser(t.deps, other.id, { name: 'carol' }, admin, META)).accountId).toBe(other.id);
    expect((await findUserByName(t.deps.db, account.id, 'CAROL'))?.name).toBe('Carol');
  });

  it('gives users AIDA IDs of 21 characters and AWS-shaped ARNs', async () => {
    const user = await create('dave', { path: '/engineering/backend/' });
    expect(user.id).toMatch(/^AIDA[A-Z2-7]{17}$/);
    const principal = await principalOf(user.id);
    expect(principal.arn).toBe(`arn:aws:iam::${account.id}:user/engineering/backend/dave`);
    const plain = await create('erin');
    expect((await principalOf(plain.id)).arn).toBe(`arn:aws:iam::${account.id}:user/erin`);
    const root = await loadPrincipal(t.deps.db, account.id, account.id);
    expect(root?.arn).toBe(`arn:aws:iam::${account.id}:root`);
    await refused(() => create('frank', { path: 'no-slashes' }), 'ValidationError', /path/);
  });

  it('creates a user with a console password, with and without "reset required"', async () => {
    const free = await create('grace', { password: USER_PASSWORD });
    const forced = await create('heidi', { password: USER_PASSWORD, passwordResetRequired: true });
    expect((await findLoginProfile(t.deps.db, free.id))?.passwordResetRequired).toBe(false);
    expect((await findLoginProfile(t.deps.db, forced.id))?.passwordResetRequired).toBe(true);
    const a = await signInUser(t.deps, account.id, 'grace', USER_PASSWORD, META);
    const b = await signInUser(t.deps, account.id, 'heidi', USER_PASSWORD, META);
    expect(a).toMatchObject({ ok: true, passwordChangeRequired: false });
    expect(b).toMatchObject({ ok: true, passwordChangeRequired: true });
    const none = await create('ivan');
    expect(await findLoginProfile(t.deps.db, none.id)).toBeNull();
  });

  it('lets an administrator set a password, then reset it, with and without "reset required"', async () => {
    const user = await create('judy');
    expect(await setUserPassword(t.deps, account.id, 'judy', SECRET_PASSWORDS[0]!, false, admin, META)).toBe('created');
    let profile = (await findLoginProfile(t.deps.db, user.id))!;
    expect(profile.passwordResetRequired).toBe(false);
    expect(profile.passwordHash).toMatch(/^\$argon2id\$/);
    const first = await signInUser(t.deps, account.id, 'judy', SECRET_PASSWORDS[0]!, META);
    expect(first).toMatchObject({ ok: true, passwordChangeRequired: false });

    t.clock.advance(60_000);
    expect(await setUserPassword(t.deps, account.id, 'JUDY', SECRET_PASSWORDS[1]!, true, admin, META)).toBe('updated');
    profile = (await findLoginProfile(t.deps.db, user.id))!;
    expect(profile.passwordResetRequired).toBe(true);
    expect(profile.passwordChangedAt).toBe(t.clock.now().toISOString());
    expect((await signInUser(t.deps, account.id, 'judy', SECRET_PASSWORDS[0]!, META)).ok).toBe(false);
    const second = await signInUser(t.deps, account.id, 'judy', SECRET_PASSWORDS[1]!, META);
    expect(second).toMatchObject({ ok: true, passwordChangeRequired: true });

    await refused(
      () => setUserPassword(t.deps, account.id, 'judy', 'short', false, admin, META),
      'PasswordPolicyViolation',
      /at least 8/,
    );
    await refused(
      () => setUserPassword(t.deps, account.id, 'judy', 'judy', false, admin, META),
      'PasswordPolicyViolation',
    );
    await refused(
      () => setUserPassword(t.deps, account.id, 'nobody-here', SECRET_PASSWORDS[2]!, false, admin, META),
      'NoSuchEntity',
    );
  });

  it("ends all of a user's sessions when an administrator resets the password", async () => {
    await create('kate', { password: USER_PASSWORD });
    const user = (await findUserByName(t.deps.db, account.id, 'kate'))!;
    const tokens = [await signIn('kate', USER_PASSWORD), await signIn('kate', USER_PASSWORD)];
    expect(await sessionsOf(user.id)).toHaveLength(2);
    await setUserPassword(t.deps, account.id, 'kate', SECRET_PASSWORDS[0]!, false, admin, META);
    expect(await sessionsOf(user.id)).toEqual([]);
    for (const token of tokens) expect(await checkSession(t.deps, token)).toBeNull();
  });

  it('changes its own password only with the right current password', async () => {
    const user = await create('leo', { password: USER_PASSWORD });
    const principal = await principalOf(user.id);
    const before = (await findLoginProfile(t.deps.db, user.id))!.passwordHash;
    const error = await refused(
      () => changeOwnPassword(t.deps, principal, 'not my password', SECRET_PASSWORDS[0]!, null, META),
      'InvalidCredentials',
      /current password is incorrect/,
    );
    expect(error.field).toBe('currentPassword');
    await refused(
      () => changeOwnPassword(t.deps, principal, USER_PASSWORD, 'short', null, META),
      'PasswordPolicyViolation',
      /at least 8/,
    );
    await refused(
      () => changeOwnPassword(t.deps, principal, USER_PASSWORD, USER_PASSWORD, null, META),
      'PasswordPolicyViolation',
    );
    expect((await findLoginProfile(t.deps.db, user.id))!.passwordHash).toBe(before);
    expect(await signIn('leo', USER_PASSWORD)).toBeTruthy();
  });

  it("ends the principal's other sessions, keeps the current one and lifts its restriction", async () => {
    const user = await create('mallory', { password: USER_PASSWORD, passwordResetRequired: true });
    const current = await signIn('mallory', USER_PASSWORD);
    const others = [await signIn('mallory', USER_PASSWORD), await signIn('mallory', USER_PASSWORD)];
    const currentId = current.split('.')[0]!;
    expect((await findSessionRow(t.deps.db, currentId))?.restriction).toBe('password_change_required');
    const bystander = await signInRoot(t.deps, account.email, ROOT_PASSWORD, META);

    await changeOwnPassword(t.deps, await principalOf(user.id), USER_PASSWORD, SECRET_PASSWORDS[2]!, currentId, META);

    expect(await sessionsOf(user.id)).toEqual([currentId]);
    for (const token of others) expect(await checkSession(t.deps, token)).toBeNull();
    expect((await checkSession(t.deps, current))?.restriction).toBeNull();
    expect((await findLoginProfile(t.deps.db, user.id))?.passwordResetRequired).toBe(false);
    // Another principal's session is untouched.
    expect(bystander.ok).toBe(true);
    expect(bystander.ok && (await checkSession(t.deps, bystander.token))).toBeTruthy();
    const again = await signInUser(t.deps, account.id, 'mallory', SECRET_PASSWORDS[2]!, META);
    expect(again).toMatchObject({ ok: true, passwordChangeRequired: false });
  });

  it('lets the root user change its own password the same way', async () => {
    const owner = await makeAccount(t.deps);
    const root = (await loadPrincipal(t.deps.db, owner.id, owner.id))!;
    const first = await signInRoot(t.deps, owner.email, ROOT_PASSWORD, META);
    const second = await signInRoot(t.deps, owner.email, ROOT_PASSWORD, META);
    if (!first.ok || !second.ok) throw new Error('root sign-in failed');
    await changeOwnPassword(t.deps, root, ROOT_PASSWORD, SECRET_PASSWORDS[1]!, first.token.split('.')[0]!, META);
    expect(await checkSession(t.deps, first.token)).not.toBeNull();
    expect(await checkSession(t.deps, second.token)).toBeNull();
    expect(
      await t.deps.hasher.verify((await findRootUser(t.deps.db, owner.id))!.passwordHash, SECRET_PASSWORDS[1]!),
    ).toBe(true);
  });

  it('deletes a user together with its sessions and console password', async () => {
    const user = await create('niaj', { password: USER_PASSWORD });
    await signIn('niaj', USER_PASSWORD);
    await startSession(t.deps.db, t.deps, {
      accountId: account.id,
      principalId: user.id,
      restriction: null,
      mfaAt: null,
      sourceIp: '',
      userAgent: '',
    });
    expect(await sessionsOf(user.id)).toHaveLength(2);
    await deleteUser(t.deps, account.id, 'NIAJ', admin, META);
    expect(await findUserById(t.deps.db, user.id)).toBeNull();
    expect(await findLoginProfile(t.deps.db, user.id)).toBeNull();
    expect(await sessionsOf(user.id)).toEqual([]);
    expect((await signInUser(t.deps, account.id, 'niaj', USER_PASSWORD, META)).ok).toBe(false);
    await refused(() => deleteUser(t.deps, account.id, 'niaj', admin, META), 'NoSuchEntity');
    // A new user of the same name is a different principal.
    expect((await create('niaj')).id).not.toBe(user.id);
  });

  it('records every change with its actor and target, and never a password', async () => {
    const user = await create('olivia', { password: SECRET_PASSWORDS[0]!, passwordResetRequired: true });
    await setUserPassword(t.deps, account.id, 'olivia', SECRET_PASSWORDS[1]!, false, admin, META);
    const session = await signIn('olivia', SECRET_PASSWORDS[1]!);
    await signInUser(t.deps, account.id, 'olivia', SECRET_PASSWORDS[2]!, META);
    await changeOwnPassword(
      t.deps,
      await principalOf(user.id),
      SECRET_PASSWORDS[1]!,
      SECRET_PASSWORDS[2]!,
      session.split('.')[0]!,
      META,
    );
    await deleteUser(t.deps, account.id, 'olivia', admin, META);

    const events = await t.deps.db
      .selectFrom('audit_events')
      .selectAll()
      .where('account_id', '=', account.id)
      .where((eb) => eb.or([eb('target_id', '=', user.id), eb('actor_id', '=', user.id)]))
      .orderBy('seq')
      .execute();
    const summary = events.map((e) => [e.event_name, e.outcome, e.actor_type, e.actor_id, e.target_name]);
    expect(summary).toEqual([
      ['CreateUser', null, 'root', account.id, 'olivia'],
      ['CreateLoginProfile', null, 'root', account.id, 'olivia'],
      ['UpdateLoginProfile', null, 'root', account.id, 'olivia'],
      ['ConsoleLogin', 'Success', 'user', user.id, null],
      ['ConsoleLogin', 'Failure', 'user', user.id, null],
      ['ChangePassword', null, 'user', user.id, 'olivia'],
      ['DeleteUser', null, 'root', account.id, 'olivia'],
    ]);
    for (const e of events) {
      expect(e.source_ip).toBe(META.ip);
      expect(e.request_id).toBe(META.requestId);
    }
    const everything = JSON.stringify(await t.deps.db.selectFrom('audit_events').selectAll().execute());
    for (const password of [...SECRET_PASSWORDS, USER_PASSWORD, ROOT_PASSWORD])
      expect(everything).not.toContain(password);
    expect(everything).not.toContain(session.split('.')[1]!);
  });
});
