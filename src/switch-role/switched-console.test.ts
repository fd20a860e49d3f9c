import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUserPolicy, signInUser } from '../../test/support/console.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { type TestContext, createTestContext } from '../../test/support/harness.ts';
import { insertTestRole, pointSessionAtRole, sessionIdOf } from '../../test/support/roles.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { deleteRole } from '../roles/role.service.ts';
import { attachPolicy } from '../policies/attachment.service.ts';
import { findSessionRow } from '../sessions/session.repository.ts';

const READ_ONLY = 'arn:aws:iam::aws:policy/IAMReadOnlyAccess';

describe.each(DIALECTS)('a console that switched role, on %s', (dialect) => {
  let t: TestContext;
  let account: Awaited<ReturnType<typeof makeAccount>>;
  let ivyArn: string;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    account = await makeAccount(t.deps, { alias: `switched-${dialect}` });
    const ivy = await makeUser(t.deps, account.id, 'ivy');
    ivyArn = `arn:aws:iam::${account.id}:user/ivy`;
    expect(ivy.name).toBe('ivy');
    // Ivy may manage her own password; nothing else.
    await setUserPolicy(t, account.id, 'ivy', 'own', [
      { Effect: 'Allow', Action: 'iam:ChangePassword', Resource: ivyArn },
    ]);
  });
  afterAll(() => t.close());

  async function readers(name: string) {
    const role = await insertTestRole(t, account.id, name);
    await attachPolicy(t.deps, account.id, 'role', role.name, READ_ONLY, CLI_ACTOR, SYSTEM_META);
    return role;
  }

  async function exitEvents() {
    return t.deps.db
      .selectFrom('audit_events')
      .select(['event_name as eventName', 'reason', 'actor_name as actorName', 'target_name as targetName'])
      .where('account_id', '=', account.id)
      .where('event_name', '=', 'ExitRole')
      .orderBy('seq', 'desc')
      .execute();
  }

  it('acts with the role’s permissions, shows the banner, closes her own credentials, and switches back', async () => {
    const role = await readers('Readers');
    const ivy = await signInUser(t, account.id, 'ivy');
    expect((await ivy.get('/console/users')).statusCode).toBe(403);
    expect((await ivy.get('/console')).body).toContain('href="/console/security-credentials"');

    await pointSessionAtRole(t, ivy, role, { name: 'ivy', arn: ivyArn });
    const home = await ivy.get('/console');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('class="role-banner role-blue"');
    expect(home.body).toContain(`<strong>${role.name} @ switched-${dialect}</strong>`);
    expect(home.body).toContain('60 min left');
    expect(home.body).toContain('Switch back to ivy');
    expect(home.body).toContain(`Role ${role.name} (session ivy, switched to by IAM user ivy)`);
    // Her own credentials are not offered while she acts as the role.
    expect(home.body).not.toContain('href="/console/security-credentials"');
    const own = await ivy.get('/console/security-credentials');
    expect(own.statusCode).toBe(403);
    expect(own.body).toContain(`You are acting as role ${role.name}`);
    expect((await ivy.get('/console/change-password')).statusCode).toBe(403);

    // The role reads users, and may not create one.
    expect((await ivy.get('/console/users')).statusCode).toBe(200);
    const csrf = await ivy.csrf('/console');
    const create = await ivy.post('/console/users', { userName: 'made-as-role' }, { csrf });
    expect(create.statusCode).toBe(403);
    expect(create.body).toContain('None of your policies allows iam:CreateUser');

    const back = await ivy.post('/console/switch-role/back', {}, { csrf });
    expect(back.headers.location).toBe('/console');
    expect((await ivy.get('/console/users')).statusCode).toBe(403);
    expect((await ivy.get('/console')).body).not.toContain('role-banner');
    expect((await findSessionRow(t.deps.db, sessionIdOf(ivy)))?.roleCredentialId).toBeNull();
    const [exit] = await exitEvents();
    expect(exit).toEqual({ eventName: 'ExitRole', reason: null, actorName: 'ivy', targetName: role.name });
  });

  it('switches back by itself once the role’s credentials expire', async () => {
    const role = await readers('ShortReaders');
    const ivy = await signInUser(t, account.id, 'ivy');
    await pointSessionAtRole(t, ivy, role, { name: 'ivy', arn: ivyArn }, 900);
    expect((await ivy.get('/console/users')).statusCode).toBe(200);
    t.clock.advance(14 * 60_000 + 30_000);
    expect((await ivy.get('/console')).body).toContain('less than a minute left');
    t.clock.advance(60_000);
    expect((await ivy.get('/console/users')).statusCode).toBe(403);
    expect((await ivy.get('/console')).body).not.toContain('role-banner');
    expect((await findSessionRow(t.deps.db, sessionIdOf(ivy)))?.roleCredentialId).toBeNull();
    const [exit] = await exitEvents();
    expect(exit).toEqual({
      eventName: 'ExitRole',
      reason: 'RoleSessionExpired',
      actorName: 'ivy',
      targetName: role.name,
    });
  });

  it('switches back by itself when the role is deleted', async () => {
    const role = await readers('GoneReaders');
    const ivy = await signInUser(t, account.id, 'ivy');
    await pointSessionAtRole(t, ivy, role, { name: 'ivy', arn: ivyArn });
    expect((await ivy.get('/console/users')).statusCode).toBe(200);
    await deleteRole(t.deps, account.id, role.name, CLI_ACTOR, SYSTEM_META);
    expect((await ivy.get('/console/users')).statusCode).toBe(403);
    const [exit] = await exitEvents();
    expect(exit).toEqual({ eventName: 'ExitRole', reason: 'RoleSessionGone', actorName: 'ivy', targetName: null });
  });
});
