import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { giveAuthenticator, setUserPolicy, signInUser } from '../../test/support/console.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { snapshotDatabase } from '../../test/support/db-snapshot.ts';
import { makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { attachPolicy } from '../policies/attachment.service.ts';
import { listPendingHelpRequests } from '../recovery/help-request.repository.ts';
import { askAdministrator } from '../recovery/help-request.service.ts';
import { findUserByName } from '../identities/user.repository.ts';

const OFFICE = '203.0.113.7';

describe.each(DIALECTS)('console forms shown exactly when the handler would allow them on %s', (dialect) => {
  let t: TestContext;
  let account: Awaited<ReturnType<typeof makeAccount>>;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    account = await makeAccount(t.deps);
    await makeUser(t.deps, account.id, 'target');
  });
  afterAll(() => t.close());

  it('shows a read-only user no Create, Reset, Delete or Dismiss form, and refuses each POST without changing anything', async () => {
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
    await askAdministrator(t.deps, { accountRef: account.id, userName: 'target' }, SYSTEM_META);
    const [help] = await listPendingHelpRequests(t.deps.db, account.id);
    const reader = await signInUser(t, account.id, 'reader');

    const users = await reader.get('/console/users');
    expect(users.statusCode).toBe(200);
    expect(users.body).toContain('Asked for a password reset');
    expect(users.body).toContain('target');
    expect(users.body).not.toContain('action="/console/users"');
    expect(users.body).not.toContain('/dismiss"');
    const user = await reader.get('/console/users/target');
    expect(user.statusCode).toBe(200);
    for (const action of [
      '/console/users/target/password',
      '/console/users/target/delete',
      '/console/users/target/access-keys"',
    ]) {
      expect(user.body).not.toContain(action);
    }
    expect(user.body).not.toContain('<form method="post" action="/console/users/target');

    const csrf = await reader.csrf('/console/users');
    const before = await snapshotDatabase(t.database);
    const posts: Array<[string, Record<string, string>, string]> = [
      ['/console/users', { userName: 'made-by-reader' }, 'iam:CreateUser'],
      ['/console/users/target/password', { password: 'a password from the reader 5' }, 'iam:UpdateLoginProfile'],
      ['/console/users/target/delete', {}, 'iam:DeleteUser'],
      [`/console/users/help-requests/${help!.id}/dismiss`, {}, 'iam:UpdateLoginProfile'],
    ];
    for (const [url, fields, action] of posts) {
      const refused = await reader.post(url, fields, { csrf });
      expect(refused.statusCode, url).toBe(403);
      expect(refused.body, url).toContain(action);
      // The refusal keeps the console around it: the header and the links the reader may follow.
      expect(refused.body, url).toContain('href="/console/users"');
      expect(refused.body, url).toContain('Sign out');
    }
    expect(await snapshotDatabase(t.database)).toEqual(before);
    expect(await listPendingHelpRequests(t.deps.db, account.id)).toHaveLength(1);
  });

  it('decides links with the source address, as the page itself does (aws:SourceIp)', async () => {
    await makeUser(t.deps, account.id, 'officer');
    await setUserPolicy(t, account.id, 'officer', 'office-only', [
      {
        Effect: 'Allow',
        Action: ['iam:ListUsers', 'iam:GetUser'],
        Resource: '*',
        Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
      },
    ]);
    const inOffice = await signInUser(t, account.id, 'officer', { remoteAddress: OFFICE });
    expect((await inOffice.get('/console')).body).toContain('href="/console/users"');
    expect((await inOffice.get('/console/users')).statusCode).toBe(200);

    const away = await signInUser(t, account.id, 'officer');
    expect((await away.get('/console')).body).not.toContain('href="/console/users"');
    expect((await away.get('/console/users')).statusCode).toBe(403);
  });

  it('shows a form that needs MFA only to a session with MFA, exactly as the handler decides (aws:MultiFactorAuthPresent)', async () => {
    const mo = await makeUser(t.deps, account.id, 'mo');
    await makeUser(t.deps, account.id, 'leaver');
    await setUserPolicy(t, account.id, 'mo', 'delete-with-mfa', [
      { Effect: 'Allow', Action: ['iam:ListUsers', 'iam:GetUser'], Resource: '*' },
      {
        Effect: 'Allow',
        Action: 'iam:DeleteUser',
        Resource: '*',
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      },
    ]);
    const withoutMfa = await signInUser(t, account.id, 'mo');
    const page = await withoutMfa.get('/console/users/leaver');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('action="/console/users/leaver/delete"');
    const refused = await withoutMfa.post('/console/users/leaver/delete', {}, { csrfFrom: '/console/users/leaver' });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('iam:DeleteUser');
    expect(await findUserByName(t.deps.db, account.id, 'leaver')).not.toBeNull();

    const device = await giveAuthenticator(t, account.id, mo.id, 'mo-phone');
    const withMfa = await signInUser(t, account.id, 'mo', { mfa: device });
    expect((await withMfa.get('/console/users/leaver')).body).toContain('action="/console/users/leaver/delete"');
    const deleted = await withMfa.post('/console/users/leaver/delete', {}, { csrfFrom: '/console/users/leaver' });
    expect(deleted.statusCode).toBe(303);
    expect(await findUserByName(t.deps.db, account.id, 'leaver')).toBeNull();
  });
});
