import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUserPolicy, signInUser } from '../../test/support/console.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { Browser, type TestContext, createTestContext } from '../../test/support/harness.ts';
import { insertTestRole, trustAccount } from '../../test/support/roles.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { deleteUser } from '../users/user.service.ts';
import { getRole } from './role-view.ts';
import { attachPolicy, listAttachedPolicies } from '../policies/attachment.service.ts';
import { getInlinePolicy, listInlinePolicyNames, putInlinePolicy } from '../policies/inline-policy.service.ts';
import { pageText as text } from '../../test/support/page-text.ts';

const READ_ONLY = 'arn:aws:iam::aws:policy/IAMReadOnlyAccess';
const doc = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
const LIST_BUCKETS = doc({ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' });

describe.each(DIALECTS)('the Roles pages on %s', (dialect) => {
  let t: TestContext;

  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(() => t.close());

  async function ownerOfNewAccount() {
    const account = await makeAccount(t.deps);
    const root = new Browser(t.app);
    const signedIn = await root.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD });
    expect(signedIn.headers.location).toBe('/console');
    return { account, root, csrf: await root.csrf('/console/roles') };
  }

  it('lists roles with who they trust and when they were last used, a page of 50 at a time, and finds them by name', async () => {
    const { account, root } = await ownerOfNewAccount();
    expect((await root.get('/console')).body).toContain('href="/console/roles"');
    expect((await root.get('/console/roles')).body).toContain('No roles yet.');

    await insertTestRole(t, account.id, 'Deployer', {
      description: 'Runs deployments',
      lastUsedAt: new Date(t.clock.now().getTime() - 3 * 3600_000).toISOString(),
    });
    await insertTestRole(t, account.id, 'Partner', {
      path: '/partners/',
      trustPolicy: trustAccount('111122223333', { Condition: { StringEquals: { 'sts:ExternalId': 'x-42' } } }),
    });
    for (let i = 0; i < 50; i++) await insertTestRole(t, account.id, `bulk-${String(i).padStart(2, '0')}`);

    const first = await root.get('/console/roles');
    expect(first.statusCode).toBe(200);
    const page1 = text(first.body);
    expect(page1).toContain('52 roles.');
    expect(page1).toContain('bulk-49 This account Never Page 1 of 2 (52 roles)');
    expect(first.body).toContain('href="/console/roles?page=2"');
    const second = text((await root.get('/console/roles?page=2')).body);
    expect(second).toContain('Deployer Runs deployments This account 3 h ago (us-east-1)');
    expect(second).toContain('Partner /partners/ Account 111122223333 Never');
    expect(text((await root.get('/console/roles?page=9')).body)).toContain('Page 2 of 2');

    const found = text((await root.get('/console/roles?search=PART')).body);
    expect(found).toContain('1 role match “PART”.');
    expect(found).toContain('Partner');
    expect(found).not.toContain('Deployer');
  });

  it('shows a role: summary, trust policy in words and as JSON (a deleted user as its unique ID), and its policies', async () => {
    const { account, root } = await ownerOfNewAccount();
    const gone = await makeUser(t.deps, account.id, 'gone');
    const goneArn = `arn:aws:iam::${account.id}:user/gone`;
    const role = await insertTestRole(t, account.id, 'Auditors', {
      description: 'Reads everything',
      maxSessionDuration: 7200,
      trustPolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: goneArn },
            Action: 'sts:AssumeRole',
            Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
          },
        ],
      }),
    });
    await attachPolicy(t.deps, account.id, 'role', 'Auditors', READ_ONLY, CLI_ACTOR, SYSTEM_META);
    await putInlinePolicy(t.deps, account.id, 'role', 'Auditors', 'buckets', LIST_BUCKETS, CLI_ACTOR, SYSTEM_META);

    const shown = await root.get('/console/roles/auditors');
    expect(shown.statusCode).toBe(200);
    const page = text(shown.body);
    expect(page).toContain(`ARN arn:aws:iam::${account.id}:role/Auditors`);
    expect(page).toContain(`Role ID ${role.id}`);
    expect(page).toContain('Maximum session duration 2 hours');
    expect(page).toContain('Last used Never');
    expect(page).toContain(`Allows user ${goneArn} to assume this role when MFA is present.`);
    expect(shown.body).toContain('IAMReadOnlyAccess');
    expect(shown.body).toContain('href="/console/roles/Auditors/inline-policies/buckets"');
    expect(shown.body).toContain('action="/console/roles/Auditors/settings"');

    await deleteUser(t.deps, account.id, 'gone', CLI_ACTOR, SYSTEM_META);
    const after = await root.get('/console/roles/Auditors');
    expect(text(after.body)).toContain(`Allows the principal with unique ID ${gone.id}`);
    expect(text(after.body)).toContain(`"Principal": { "AWS": [ "${gone.id}" ] }`);

    expect((await root.get('/console/roles/nobody')).statusCode).toBe(404);
  });

  it('shows when and where a role was last used once someone has assumed it', async () => {
    const { account, root } = await ownerOfNewAccount();
    await insertTestRole(t, account.id, 'Builders');
    await makeUser(t.deps, account.id, 'ben');
    await setUserPolicy(t, account.id, 'ben', 'assume', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
    expect(text((await root.get('/console/roles/Builders')).body)).toContain('Last used Never');

    // Switch role assumes the role through STS AssumeRole, as the Query API does.
    const ben = await signInUser(t, account.id, 'ben');
    const switched = await ben.post(
      '/console/switch-role',
      { account: account.id, roleName: 'Builders', displayName: '', colour: 'blue' },
      { csrf: await ben.csrf('/console/switch-role') },
    );
    expect(switched.headers.location).toBe('/console');
    t.clock.advance(5 * 60_000);
    expect(text((await root.get('/console/roles/Builders')).body)).toContain('Last used 5 min ago (us-east-1)');
    expect(text((await root.get('/console/roles')).body)).toContain('Builders This account 5 min ago (us-east-1)');
  });

  it('attaches and detaches a managed policy, adds, edits and deletes an inline one, with the Query API’s services', async () => {
    const { account, root, csrf } = await ownerOfNewAccount();
    await insertTestRole(t, account.id, 'Builders');

    const attachPage = await root.get('/console/roles/Builders/attach-policies');
    expect(attachPage.statusCode).toBe(200);
    expect(text(attachPage.body)).toContain('The role has 0 of at most 10 managed policies attached.');
    const attached = await root.post('/console/roles/Builders/attach-policy', { policyArn: READ_ONLY }, { csrf });
    expect(attached.headers.location).toBe('/console/roles/Builders?done=attached#permissions');
    expect((await listAttachedPolicies(t.deps, account.id, 'role', 'Builders')).map((a) => a.policyArn)).toEqual([
      READ_ONLY,
    ]);
    const confirm = await root.get(`/console/roles/Builders/detach-policy?policyArn=${encodeURIComponent(READ_ONLY)}`);
    expect(text(confirm.body)).toContain('Detach IAMReadOnlyAccess from Builders?');
    await root.post('/console/roles/Builders/detach-policy', { policyArn: READ_ONLY }, { csrf });
    expect(await listAttachedPolicies(t.deps, account.id, 'role', 'Builders')).toEqual([]);

    const bad = await root.post(
      '/console/roles/Builders/inline-policies',
      { policyName: 'buckets', policyDocument: '{"Version": "2012-10-17"' },
      { csrf },
    );
    expect(bad.statusCode).toBe(400);
    expect(text(bad.body)).toContain('Syntax errors in policy.');
    const saved = await root.post(
      '/console/roles/Builders/inline-policies',
      { policyName: 'buckets', policyDocument: LIST_BUCKETS },
      { csrf },
    );
    expect(saved.headers.location).toBe('/console/roles/Builders/inline-policies/buckets?done=inline-saved');
    expect(text((await root.get(saved.headers.location as string)).body)).toContain('The inline policy was saved.');
    const edited = LIST_BUCKETS.replace('ListAllMyBuckets', 'GetObject');
    await root.post('/console/roles/Builders/inline-policies/buckets', { policyDocument: edited }, { csrf });
    expect((await getInlinePolicy(t.deps, account.id, 'role', 'Builders', 'buckets')).document).toBe(edited);
    await root.post('/console/roles/Builders/inline-policies/buckets/delete', {}, { csrf });
    expect(await listInlinePolicyNames(t.deps, account.id, 'role', 'Builders')).toEqual([]);
  });

  it('changes the maximum session duration and description (UpdateRole), the trust policy (UpdateAssumeRolePolicy), and deletes the role with its policies', async () => {
    const { account, root, csrf } = await ownerOfNewAccount();
    await insertTestRole(t, account.id, 'Ops', { description: 'Old words' });
    await attachPolicy(t.deps, account.id, 'role', 'Ops', READ_ONLY, CLI_ACTOR, SYSTEM_META);
    await putInlinePolicy(t.deps, account.id, 'role', 'Ops', 'buckets', LIST_BUCKETS, CLI_ACTOR, SYSTEM_META);

    const tooLong = await root.post(
      '/console/roles/Ops/settings',
      { maxSessionDuration: '50000', description: 'x' },
      { csrf },
    );
    expect(tooLong.statusCode).toBe(400);
    expect(text(tooLong.body)).toContain(
      "Value at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200",
    );
    const saved = await root.post(
      '/console/roles/Ops/settings',
      { maxSessionDuration: '14400', description: ' New words ' },
      { csrf },
    );
    expect(saved.headers.location).toBe('/console/roles/Ops?done=updated');
    const role = await getRole(t.deps, account.id, 'Ops');
    expect([role.maxSessionDuration, role.description]).toEqual([14400, 'New words']);
    expect(text((await root.get('/console/roles/Ops')).body)).toContain('Maximum session duration 4 hours');

    const editor = await root.get('/console/roles/Ops/trust-policy');
    expect(editor.statusCode).toBe(200);
    expect(text(editor.body)).toContain(`arn:aws:iam::${account.id}:root`);
    const unknownUser = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account.id}:user/nobody` }, Action: 'sts:AssumeRole' },
      ],
    });
    const refused = await root.post('/console/roles/Ops/trust-policy', { policyDocument: unknownUser }, { csrf });
    expect(refused.statusCode).toBe(400);
    expect(text(refused.body)).toContain(`Invalid principal in policy: "AWS":"arn:aws:iam::${account.id}:user/nobody"`);
    expect(refused.body).toContain('user/nobody');
    const partner = trustAccount('111122223333');
    const trusted = await root.post('/console/roles/Ops/trust-policy', { policyDocument: partner }, { csrf });
    expect(trusted.headers.location).toBe('/console/roles/Ops?done=trust-saved#trust');
    expect((await getRole(t.deps, account.id, 'Ops')).trustPolicy).toBe(partner);
    expect(text((await root.get('/console/roles/Ops')).body)).toContain(
      'Allows principals in account 111122223333 to assume this role.',
    );

    const confirm = await root.get('/console/roles/Ops/delete');
    expect(text(confirm.body)).toContain('With it, its managed policy is detached and its inline policy is deleted.');
    const deleted = await root.post('/console/roles/Ops/delete', {}, { csrf });
    expect(deleted.headers.location).toBe('/console/roles?done=deleted');
    expect((await root.get('/console/roles/Ops')).statusCode).toBe(404);
    expect(text((await root.get('/console/roles?done=deleted')).body)).toContain('The role was deleted.');
  });

  it('offers a read-only administrator the pages without their forms, and refuses what its policies do not allow', async () => {
    const account = await makeAccount(t.deps);
    await makeUser(t.deps, account.id, 'rita');
    await attachPolicy(t.deps, account.id, 'user', 'rita', READ_ONLY, CLI_ACTOR, SYSTEM_META);
    await insertTestRole(t, account.id, 'Readers');
    await putInlinePolicy(t.deps, account.id, 'role', 'Readers', 'kept', LIST_BUCKETS, CLI_ACTOR, SYSTEM_META);
    const rita = await signInUser(t, account.id, 'rita');

    const list = await rita.get('/console/roles');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain('href="/console/roles/new"');
    const role = await rita.get('/console/roles/Readers');
    expect(role.statusCode).toBe(200);
    for (const form of [
      '/settings',
      '/trust-policy',
      '/attach-policies',
      '/inline-policies/new',
      '/revoke-sessions',
      '/delete',
    ])
      expect(role.body).not.toContain(`/console/roles/Readers${form}"`);
    expect(role.body).toContain('href="/console/roles/Readers/inline-policies/kept"');

    const csrf = await rita.csrf('/console/roles');
    const refused = await rita.post('/console/roles/Readers/attach-policy', { policyArn: READ_ONLY }, { csrf });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain(
      `None of your policies allows iam:AttachRolePolicy on arn:aws:iam::${account.id}:role/Readers`,
    );
    expect(await listAttachedPolicies(t.deps, account.id, 'role', 'Readers')).toEqual([]);

    // An explicit Deny on ListRoles closes the list and its link; the role's own page stays.
    await setUserPolicy(t, account.id, 'rita', 'no-list', [{ Effect: 'Deny', Action: 'iam:ListRoles', Resource: '*' }]);
    const denied = await rita.get('/console/roles');
    expect(denied.statusCode).toBe(403);
    expect(denied.body).toContain('A policy explicitly denies iam:ListRoles on *');
    expect(denied.body).not.toContain('href="/console/roles"');
    expect((await rita.get('/console/roles/Readers')).statusCode).toBe(200);
  });
});
