import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { giveAuthenticator, setUserPolicy, signInUser } from '../../test/support/console.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { Browser, type TestContext, createTestContext } from '../../test/support/harness.ts';
import { pageText } from '../../test/support/page-text.ts';
import { insertTestRole, sessionIdOf, trustAccount } from '../../test/support/roles.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { diagnoseSignIn } from '../doctor/doctor.service.ts';
import { listOutboxMail } from '../mail/outbox.service.ts';
import { attachPolicy } from '../policies/attachment.service.ts';
import { getRole } from '../roles/role-view.ts';
import { findSessionRow } from '../sessions/session.repository.ts';
import { recentRolesOf } from './role-history.ts';
import { SWITCH_REFUSED } from './switch-role.service.ts';

const READ_ONLY = 'arn:aws:iam::aws:policy/IAMReadOnlyAccess';

describe.each(DIALECTS)('Switch role on %s', (dialect) => {
  let t: TestContext;
  let account: Awaited<ReturnType<typeof makeAccount>>;
  let partner: Awaited<ReturnType<typeof makeAccount>>;
  const alias = `switch-${dialect}`;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    account = await makeAccount(t.deps, { alias });
    partner = await makeAccount(t.deps, { alias: `partner-${dialect}` });
    await makeUser(t.deps, account.id, 'ivy');
    await makeUser(t.deps, account.id, 'zed');
    await makeUser(t.deps, partner.id, 'pat');
    // Ivy may assume the account's roles; nothing else.
    await setUserPolicy(t, account.id, 'ivy', 'assume', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
    await insertTestRole(t, account.id, 'Readers');
    await attachPolicy(t.deps, account.id, 'role', 'Readers', READ_ONLY, CLI_ACTOR, SYSTEM_META);
    await insertTestRole(t, account.id, 'ZedsOnly', {
      trustPolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account.id}:user/zed` }, Action: 'sts:AssumeRole' },
        ],
      }),
    });
    await insertTestRole(t, account.id, 'WithMfa', {
      trustPolicy: trustAccount(account.id, { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }),
    });
    await attachPolicy(t.deps, account.id, 'role', 'WithMfa', READ_ONLY, CLI_ACTOR, SYSTEM_META);
    // The partner account's role trusts ivy's account; it reads the partner's users.
    await insertTestRole(t, partner.id, 'Auditors', { trustPolicy: trustAccount(account.id) });
    await attachPolicy(t.deps, partner.id, 'role', 'Auditors', READ_ONLY, CLI_ACTOR, SYSTEM_META);
  });
  afterAll(() => t.close());

  const switchForm = (fields: Record<string, string>) => ({ displayName: '', colour: 'blue', ...fields });

  async function switchEvents() {
    return (await listAuditEvents(t.deps.db, { accountId: account.id, eventName: 'SwitchRole', limit: 1 })).map(
      (e) => ({ outcome: e.outcome, reason: e.reason, actor: e.actorName, role: e.targetName }),
    );
  }

  it('acts as the role after a switch, remembers it in the browser, and shows it on the banner until Switch back', async () => {
    const ivy = await signInUser(t, account.id, 'ivy');
    expect((await ivy.get('/console')).body).toContain('href="/console/switch-role"');
    const page = await ivy.get('/console/switch-role');
    expect(page.statusCode).toBe(200);
    expect(pageText(page.body)).toContain('Switch to a role');
    expect(page.body).not.toContain('Recently used roles');
    const csrf = await ivy.csrf('/console/switch-role');

    const switched = await ivy.post(
      '/console/switch-role',
      switchForm({ account: alias, roleName: 'readers', displayName: 'Reading', colour: 'green' }),
      { csrf },
    );
    expect(switched.statusCode).toBe(303);
    expect(switched.headers.location).toBe('/console');
    const home = await ivy.get('/console');
    expect(home.body).toContain('class="role-banner role-green"');
    expect(pageText(home.body)).toContain(`Reading Role Readers @ ${alias} 60 min left`);
    expect((await ivy.get('/console/users')).statusCode).toBe(200);
    expect(await switchEvents()).toEqual([{ outcome: 'Success', reason: null, actor: 'ivy', role: 'readers' }]);
    const row = await findSessionRow(t.deps.db, sessionIdOf(ivy));
    expect(row?.roleCredentialId).toMatch(/^ASIA/);
    expect((await getRole(t.deps, account.id, 'Readers')).lastUsedAt).toBe(t.clock.now().toISOString());
    expect(recentRolesOf(ivy.cookies.get('gh_roles'), (await ivyId())!)).toEqual([
      { account: alias, roleName: 'readers', displayName: 'Reading', colour: 'green' },
    ]);

    const again = await ivy.get('/console/switch-role');
    expect(pageText(again.body)).toContain('Recently used roles');
    expect(again.body).toContain('<input type="hidden" name="displayName" value="Reading">');

    await ivy.post('/console/switch-role/back', {}, { csrf });
    expect((await ivy.get('/console/users')).statusCode).toBe(403);
    expect((await findSessionRow(t.deps.db, sessionIdOf(ivy)))?.roleCredentialId).toBeNull();
  });

  async function ivyId() {
    return (await t.deps.db.selectFrom('users').select('id').where('name', '=', 'ivy').executeTakeFirst())?.id;
  }

  it('switches to another account’s role whose trust policy names the account, and acts in that account', async () => {
    const ivy = await signInUser(t, account.id, 'ivy');
    const csrf = await ivy.csrf('/console/switch-role');
    const switched = await ivy.post(
      '/console/switch-role',
      switchForm({ account: partner.id.replace(/(\d{4})(\d{4})/, '$1-$2-'), roleName: 'Auditors' }),
      { csrf },
    );
    expect(switched.headers.location).toBe('/console');
    const users = await ivy.get('/console/users');
    expect(users.statusCode).toBe(200);
    expect(users.body).toContain('href="/console/users/pat"');
    expect(users.body).not.toContain('href="/console/users/zed"');
    expect(pageText(users.body)).toContain(`Auditors @ ${partner.id} Role Auditors @ partner-${dialect}`);
  });

  it('refuses with one message whatever the reason, records the reason, and leaves the session as it was', async () => {
    const ivy = await signInUser(t, account.id, 'ivy');
    const csrf = await ivy.csrf('/console/switch-role');
    const cases: Array<[Record<string, string>, string]> = [
      [{ account: 'no-such-alias', roleName: 'Readers' }, 'NoSuchAccount'],
      [{ account: alias, roleName: 'Nobody' }, 'NoSuchRole'],
      [{ account: alias, roleName: 'ZedsOnly' }, 'TrustPolicyDenied'],
      [{ account: alias, roleName: 'WithMfa' }, 'MfaRequired'],
    ];
    for (const [fields, reason] of cases) {
      const refused = await ivy.post('/console/switch-role', switchForm(fields), { csrf });
      expect(refused.statusCode, reason).toBe(403);
      expect(pageText(refused.body)).toContain(SWITCH_REFUSED);
      expect(refused.body).not.toContain(reason);
      expect(refused.body).toContain(`value="${fields.roleName}"`);
      expect(await switchEvents()).toEqual([{ outcome: 'Failure', reason, actor: 'ivy', role: fields.roleName }]);
      expect((await findSessionRow(t.deps.db, sessionIdOf(ivy)))?.roleCredentialId).toBeNull();
    }

    // An explicit Deny of sts:AssumeRole in her own policies refuses too.
    await setUserPolicy(t, account.id, 'ivy', 'no-assume', [
      { Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' },
    ]);
    const denied = await ivy.post('/console/switch-role', switchForm({ account: alias, roleName: 'Readers' }), {
      csrf,
    });
    expect(denied.statusCode).toBe(403);
    expect(pageText(denied.body)).toContain(SWITCH_REFUSED);
    expect(await switchEvents()).toEqual([
      { outcome: 'Failure', reason: 'IdentityPolicyDenied', actor: 'ivy', role: 'Readers' },
    ]);
    await setUserPolicy(t, account.id, 'ivy', 'no-assume', [{ Effect: 'Deny', Action: 's3:GetObject', Resource: '*' }]);

    // A malformed field says what is wrong with it; nothing is recorded.
    const malformed = await ivy.post('/console/switch-role', switchForm({ account: alias, roleName: 'two words' }), {
      csrf,
    });
    expect(malformed.statusCode).toBe(400);
    expect(pageText(malformed.body)).toContain('Enter the role name');

    // The doctor explains the last refusal to the account's administrators, with its fix.
    await ivy.post('/console/switch-role', switchForm({ account: alias, roleName: 'ZedsOnly' }), { csrf });
    await diagnoseSignIn(t.deps, { kind: 'user', accountRef: alias, userName: 'ivy' }, SYSTEM_META);
    const report = (await listOutboxMail(t.deps, { limit: 100 })).find((m) => m.template === 'sign-in-diagnosis')!;
    expect(report.html).toContain('data-cause="SwitchRoleRefused"');
    expect(pageText(report.text)).toContain(`ivy tried to switch to role ZedsOnly in account ${alias} on`);
    expect(pageText(report.text)).toContain('and was refused: the role’s trust policy does not let ivy assume it.');
    expect(report.text).toContain(
      `Fix: Review the trust relationships of role ZedsOnly: http://gatehouse.test/console/roles/ZedsOnly#trust`,
    );
  });

  it('lets a session that proved MFA assume a role that requires it', async () => {
    const ivyUser = await t.deps.db
      .selectFrom('users')
      .select('id')
      .where('name', '=', 'ivy')
      .executeTakeFirstOrThrow();
    const device = await giveAuthenticator(t, account.id, ivyUser.id, 'ivy-phone');
    const ivy = await signInUser(t, account.id, 'ivy', { mfa: device });
    const csrf = await ivy.csrf('/console/switch-role');
    const switched = await ivy.post('/console/switch-role', switchForm({ account: alias, roleName: 'WithMfa' }), {
      csrf,
    });
    expect(switched.headers.location).toBe('/console');
    expect((await ivy.get('/console/users')).statusCode).toBe(200);
  });

  it('is no page for the root user, who cannot switch roles', async () => {
    const root = new Browser(t.app);
    await root.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD });
    const page = await root.get('/console/switch-role');
    expect(pageText(page.body)).toContain('The root user cannot switch roles');
    expect(page.body).not.toContain('action="/console/switch-role"');
    expect((await root.get('/console')).body).not.toContain('href="/console/switch-role"');
    const csrf = await root.csrf('/console');
    const refused = await root.post('/console/switch-role', switchForm({ account: alias, roleName: 'Readers' }), {
      csrf,
    });
    expect(refused.statusCode).toBe(403);
  });

  it('Revoke active sessions refuses a console that switched to the role before, and a new switch works', async () => {
    await makeUser(t.deps, account.id, 'rex');
    await setUserPolicy(t, account.id, 'rex', 'assume', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
    const ivy = await signInUser(t, account.id, 'rex');
    const csrf = await ivy.csrf('/console/switch-role');
    await ivy.post('/console/switch-role', switchForm({ account: alias, roleName: 'Readers' }), { csrf });
    expect((await ivy.get('/console/users')).statusCode).toBe(200);

    const root = new Browser(t.app);
    await root.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD });
    const rootCsrf = await root.csrf('/console/roles/Readers');
    const confirm = await root.get('/console/roles/Readers/revoke-sessions');
    expect(pageText(confirm.body)).toContain('Revoke the active sessions of Readers?');
    t.clock.advance(1000);
    const revoked = await root.post('/console/roles/Readers/revoke-sessions', {}, { csrf: rootCsrf });
    expect(revoked.headers.location).toBe('/console/roles/Readers?done=revoked#sessions');
    expect(pageText((await root.get('/console/roles/Readers?done=revoked')).body)).toContain(
      'Sessions issued before now',
    );

    const refused = await ivy.get('/console/users');
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('A policy explicitly denies iam:ListUsers');
    t.clock.advance(1000);
    await ivy.post('/console/switch-role', switchForm({ account: alias, roleName: 'Readers' }), { csrf });
    expect((await ivy.get('/console/users')).statusCode).toBe(200);
  });
});
