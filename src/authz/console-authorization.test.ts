import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { USER_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { attachPolicy } from '../policies/attachment.service.ts';
import { findUserByName } from '../identities/user.repository.ts';

describe.each(DIALECTS)('console pages decided by the policy engine on %s', (dialect) => {
  let t: TestContext;
  let account: Awaited<ReturnType<typeof makeAccount>>;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    account = await makeAccount(t.deps);
    await makeUser(t.deps, account.id, 'rita');
    await makeUser(t.deps, account.id, 'target');
  });
  afterAll(() => t.close());

  async function signedInAsRita(): Promise<Browser> {
    const browser = new Browser(t.app);
    const response = await browser.post(`/signin/${account.id}`, { userName: 'rita', password: USER_PASSWORD });
    expect(response.headers.location).toBe('/console');
    return browser;
  }

  it('shows a user without policies no administration and names the missing permission when it tries', async () => {
    const rita = await signedInAsRita();
    const home = await rita.get('/console');
    expect(home.statusCode).toBe(200);
    expect(home.body).not.toContain('href="/console/users"');
    expect(home.body).not.toContain('href="/console/password-policy"');
    const users = await rita.get('/console/users');
    expect(users.statusCode).toBe(403);
    expect(users.body).toContain('iam:ListUsers');
    const policy = await rita.get('/console/password-policy');
    expect(policy.statusCode).toBe(403);
    expect(policy.body).toContain('iam:GetAccountPasswordPolicy');
    expect((await rita.get('/console/activity')).statusCode).toBe(403);
  });

  it('opens exactly what a policy grants: read-only IAM lists users but cannot create or reset them', async () => {
    await attachPolicy(
      t.deps,
      account.id,
      'user',
      'rita',
      'arn:aws:iam::aws:policy/IAMReadOnlyAccess',
      CLI_ACTOR,
      SYSTEM_META,
    );
    const rita = await signedInAsRita();
    const home = await rita.get('/console');
    expect(home.body).toContain('href="/console/users"');
    const users = await rita.get('/console/users');
    expect(users.statusCode).toBe(200);
    expect(users.body).toContain('target');
    expect((await rita.get('/console/users/target')).statusCode).toBe(200);

    const create = await rita.post('/console/users', { userName: 'made-by-rita' }, { csrfFrom: '/console/users' });
    expect(create.statusCode).toBe(403);
    expect(create.body).toContain('iam:CreateUser');
    expect(await findUserByName(t.deps.db, account.id, 'made-by-rita')).toBeNull();

    const reset = await rita.post(
      '/console/users/target/password',
      { password: 'a new password for target' },
      { csrfFrom: '/console/users/target' },
    );
    expect(reset.statusCode).toBe(403);
    expect(reset.body).toContain('iam:UpdateLoginProfile');
  });

  it('shows a signed-in user a policy change on its next request', async () => {
    await makeUser(t.deps, account.id, 'sam');
    const sam = new Browser(t.app);
    expect(
      (await sam.post(`/signin/${account.id}`, { userName: 'sam', password: USER_PASSWORD })).headers.location,
    ).toBe('/console');
    expect((await sam.get('/console')).body).not.toContain('href="/console/users"');
    await attachPolicy(
      t.deps,
      account.id,
      'user',
      'sam',
      'arn:aws:iam::aws:policy/IAMReadOnlyAccess',
      CLI_ACTOR,
      SYSTEM_META,
    );
    expect((await sam.get('/console')).body).toContain('href="/console/users"');
    expect((await sam.get('/console/users')).statusCode).toBe(200);
  });
});
