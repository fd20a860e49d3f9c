import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { type Principal, loadPrincipal } from '../identities/principal.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { addUserToGroup, createGroup } from '../groups/group.service.ts';
import { updatePasswordPolicy } from '../password-policy/password-policy.service.ts';
import { GatehouseError } from '../shared/errors.ts';
import { putUserTags } from '../user-tags/user-tag.repository.ts';
import { attachPolicy } from './attachment.service.ts';
import {
  assertAuthorized,
  authorize,
  decideMany,
  decideWithinOneRequest,
  effectivePolicies,
} from './authorization.service.ts';
import { putInlinePolicy } from './inline-policy.service.ts';
import { createPolicy, createPolicyVersion } from './managed-policy.service.ts';

const policy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe.each(DIALECTS)('authorization on %s', (dialect) => {
  let t: TestContext;
  let accountId: string;
  let otherAccountId: string;
  let root: Principal;
  const users: Record<string, Principal> = {};
  const userArn = (name: string, path = '/') => `arn:aws:iam::${accountId}:user${path}${name}`;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    accountId = (await makeAccount(t.deps)).id;
    otherAccountId = (await makeAccount(t.deps)).id;
    root = (await loadPrincipal(t.deps.db, accountId, accountId))!;
    for (const name of ['alice', 'bob', 'carol', 'dave', 'erin']) {
      const user = await makeUser(t.deps, accountId, name, { password: null, isAdmin: name === 'erin' });
      users[name] = (await loadPrincipal(t.deps.db, accountId, user.id))!;
    }
    await createGroup(t.deps, accountId, { name: 'Support' }, CLI_ACTOR, SYSTEM_META);
    await addUserToGroup(t.deps, accountId, 'Support', 'alice', CLI_ACTOR, SYSTEM_META);
    await putInlinePolicy(
      t.deps,
      accountId,
      'group',
      'Support',
      'ResetSupportPasswords',
      policy({
        Sid: 'Reset',
        Effect: 'Allow',
        Action: ['iam:UpdateLoginProfile', 'iam:GetUser'],
        Resource: `arn:aws:iam::${accountId}:user/*`,
      }),
      CLI_ACTOR,
      SYSTEM_META,
    );
  });
  afterAll(() => t.close());

  it('lets the root user do everything in its own account and nothing in another', async () => {
    expect((await authorize(t.deps, root, 'iam:DeleteUser', userArn('bob'))).decision).toBe('allowed');
    expect((await authorize(t.deps, root, 'iam:ListUsers', '*')).decision).toBe('allowed');
    const elsewhere = await authorize(t.deps, root, 'iam:GetUser', `arn:aws:iam::${otherAccountId}:user/x`);
    expect(elsewhere.decision).toBe('implicitDeny');
    expect(elsewhere.message).toBe(
      `User: arn:aws:iam::${accountId}:root is not authorized to perform: iam:GetUser on resource: arn:aws:iam::${otherAccountId}:user/x because no resource-based policy allows the iam:GetUser action`,
    );
  });

  it('denies a user without policies, saying so as AWS does', async () => {
    const result = await authorize(t.deps, users.bob!, 'iam:GetUser', userArn('carol'));
    expect(result.decision).toBe('implicitDeny');
    expect(result.message).toBe(
      `User: ${userArn('bob')} is not authorized to perform: iam:GetUser on resource: ${userArn('carol')} because no identity-based policy allows the iam:GetUser action`,
    );
    const error = await assertAuthorized(t.deps, users.bob!, 'iam:GetUser', userArn('carol')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatehouseError);
    expect([(error as GatehouseError).code, (error as GatehouseError).message]).toEqual([
      'AccessDenied',
      result.message,
    ]);
  });

  it("applies a group's policies to its members, and an explicit deny of the user's own beats them", async () => {
    const allowed = await authorize(t.deps, users.alice!, 'iam:UpdateLoginProfile', userArn('bob'));
    expect(allowed.decision).toBe('allowed');
    expect(allowed.matchedStatements).toEqual([
      { policyId: 'ResetSupportPasswords', policyType: 'group', statementIndex: 0, sid: 'Reset', effect: 'Allow' },
    ]);
    expect((await authorize(t.deps, users.bob!, 'iam:UpdateLoginProfile', userArn('alice'))).decision).toBe(
      'implicitDeny',
    );

    await putInlinePolicy(
      t.deps,
      accountId,
      'user',
      'alice',
      'NotTheBoss',
      policy({ Effect: 'Deny', Action: 'iam:*', Resource: userArn('erin') }),
      CLI_ACTOR,
      SYSTEM_META,
    );
    const denied = await authorize(t.deps, users.alice!, 'iam:UpdateLoginProfile', userArn('erin'));
    expect(denied.decision).toBe('explicitDeny');
    expect(denied.message).toBe(
      `User: ${userArn('alice')} is not authorized to perform: iam:UpdateLoginProfile on resource: ${userArn('erin')} with an explicit deny in an identity-based policy`,
    );
  });

  it('takes a replaced inline policy into account at once, even at the same instant', async () => {
    await putInlinePolicy(
      t.deps,
      accountId,
      'user',
      'carol',
      'Mine',
      policy({ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }),
      CLI_ACTOR,
      SYSTEM_META,
    );
    expect((await authorize(t.deps, users.carol!, 'iam:GetUser', userArn('bob'))).decision).toBe('allowed');
    await putInlinePolicy(
      t.deps,
      accountId,
      'user',
      'carol',
      'Mine',
      policy({ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }),
      CLI_ACTOR,
      SYSTEM_META,
    );
    expect((await authorize(t.deps, users.carol!, 'iam:GetUser', userArn('bob'))).decision).toBe('implicitDeny');
  });

  it('uses the default version of a customer managed policy, and a new default at once', async () => {
    const { arn } = await createPolicy(
      t.deps,
      accountId,
      { name: 'DaveReads', document: policy({ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }) },
      CLI_ACTOR,
      SYSTEM_META,
    );
    await attachPolicy(t.deps, accountId, 'user', 'dave', arn, CLI_ACTOR, SYSTEM_META);
    expect((await authorize(t.deps, users.dave!, 'iam:GetUser', userArn('bob'))).decision).toBe('allowed');
    await createPolicyVersion(
      t.deps,
      accountId,
      arn,
      policy({ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }),
      false,
      CLI_ACTOR,
      SYSTEM_META,
    );
    expect((await authorize(t.deps, users.dave!, 'iam:GetUser', userArn('bob'))).decision).toBe('allowed');
    await createPolicyVersion(
      t.deps,
      accountId,
      arn,
      policy({ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }),
      true,
      CLI_ACTOR,
      SYSTEM_META,
    );
    expect((await authorize(t.deps, users.dave!, 'iam:GetUser', userArn('bob'))).decision).toBe('implicitDeny');
    expect((await effectivePolicies(t.deps, users.dave!)).map((p) => [p.id, p.type])).toEqual([
      [arn, 'customer-managed'],
    ]);
  });

  it('lets AllowUsersToChangePassword grant iam:ChangePassword on oneself and reading the password policy', async () => {
    expect((await authorize(t.deps, users.bob!, 'iam:ChangePassword', userArn('bob'))).decision).toBe('implicitDeny');
    await updatePasswordPolicy(t.deps, accountId, { allowUsersToChangePassword: true }, CLI_ACTOR, SYSTEM_META);
    const own = await authorize(t.deps, users.bob!, 'iam:ChangePassword', userArn('bob'));
    expect(own.decision).toBe('allowed');
    expect(own.matchedStatements[0]).toMatchObject({
      policyId: 'AllowUsersToChangePassword',
      policyType: 'account-setting',
    });
    expect((await authorize(t.deps, users.bob!, 'iam:GetAccountPasswordPolicy', '*')).decision).toBe('allowed');
    expect((await authorize(t.deps, users.bob!, 'iam:ChangePassword', userArn('carol'))).decision).toBe('implicitDeny');
    // An explicit deny still wins over the account setting.
    expect((await authorize(t.deps, users.alice!, 'iam:ChangePassword', userArn('alice'))).decision).toBe('allowed');
    await putInlinePolicy(
      t.deps,
      accountId,
      'user',
      'alice',
      'NoChange',
      policy({ Effect: 'Deny', Action: 'iam:ChangePassword', Resource: '*' }),
      CLI_ACTOR,
      SYSTEM_META,
    );
    expect((await authorize(t.deps, users.alice!, 'iam:ChangePassword', userArn('alice'))).decision).toBe(
      'explicitDeny',
    );
    await updatePasswordPolicy(t.deps, accountId, { allowUsersToChangePassword: false }, CLI_ACTOR, SYSTEM_META);
  });

  it('resolves ${aws:username} for IAMUserChangePassword, and never crosses accounts even for administrators', async () => {
    await attachPolicy(
      t.deps,
      accountId,
      'user',
      'carol',
      'arn:aws:iam::aws:policy/IAMUserChangePassword',
      CLI_ACTOR,
      SYSTEM_META,
    );
    expect((await authorize(t.deps, users.carol!, 'iam:ChangePassword', userArn('carol'))).decision).toBe('allowed');
    expect((await authorize(t.deps, users.carol!, 'iam:ChangePassword', userArn('bob'))).decision).toBe('implicitDeny');
    expect((await authorize(t.deps, users.erin!, 'iam:DeleteUser', userArn('bob'))).decision).toBe('allowed');
    expect(
      (await authorize(t.deps, users.erin!, 'iam:DeleteUser', `arn:aws:iam::${otherAccountId}:user/bob`)).decision,
    ).toBe('implicitDeny');
  });

  it('decides on the request context: MFA, source address and principal tags', async () => {
    await putInlinePolicy(
      t.deps,
      accountId,
      'user',
      'bob',
      'Guarded',
      policy(
        {
          Effect: 'Allow',
          Action: 'iam:*',
          Resource: '*',
          Condition: { StringEquals: { 'aws:PrincipalTag/team': 'identity' } },
        },
        {
          Effect: 'Deny',
          Action: 'iam:*',
          Resource: '*',
          Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
        },
        {
          Effect: 'Deny',
          Action: 'iam:*',
          Resource: '*',
          Condition: { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] } },
        },
      ),
      CLI_ACTOR,
      SYSTEM_META,
    );
    const good = { 'aws:MultiFactorAuthPresent': 'true', 'aws:SourceIp': '10.1.2.3' };
    expect((await authorize(t.deps, users.bob!, 'iam:ListUsers', '*', good)).decision).toBe('implicitDeny');
    await putUserTags(t.deps.db, users.bob!.id, [{ key: 'team', value: 'identity' }]);
    expect((await authorize(t.deps, users.bob!, 'iam:ListUsers', '*', good)).decision).toBe('allowed');
    expect(
      (await authorize(t.deps, users.bob!, 'iam:ListUsers', '*', { ...good, 'aws:SourceIp': '2001:db8::5' })).decision,
    ).toBe('allowed');
    expect(
      (await authorize(t.deps, users.bob!, 'iam:ListUsers', '*', { ...good, 'aws:SourceIp': '192.0.2.1' })).decision,
    ).toBe('explicitDeny');
    expect((await authorize(t.deps, users.bob!, 'iam:ListUsers', '*', { 'aws:SourceIp': '10.1.2.3' })).decision).toBe(
      'explicitDeny',
    );
    // A caller cannot pass itself off as someone else through the context.
    expect(
      (
        await authorize(t.deps, users.bob!, 'iam:ListUsers', '*', {
          ...good,
          'aws:PrincipalTag/team': 'x',
          'aws:username': 'erin',
        })
      ).decision,
    ).toBe('allowed');
  });

  it("lets one request load a principal's policies once; the next request sees a change", async () => {
    const frank = await makeUser(t.deps, accountId, 'frank', { password: null });
    const load = async () => (await loadPrincipal(t.deps.db, accountId, frank.id))!;
    const inRequest = decideWithinOneRequest(await load());
    const plain = await load();
    expect((await authorize(t.deps, inRequest, 'iam:ListUsers', '*')).decision).toBe('implicitDeny');
    expect((await authorize(t.deps, plain, 'iam:ListUsers', '*')).decision).toBe('implicitDeny');
    await attachPolicy(
      t.deps,
      accountId,
      'user',
      'frank',
      'arn:aws:iam::aws:policy/IAMReadOnlyAccess',
      CLI_ACTOR,
      SYSTEM_META,
    );
    // The request's principal keeps what it loaded; every other principal object sees the change.
    expect((await authorize(t.deps, inRequest, 'iam:ListUsers', '*')).decision).toBe('implicitDeny');
    expect((await decideMany(t.deps, inRequest, [{ action: 'iam:ListUsers', resource: '*' }]))[0]).toBe(false);
    expect((await authorize(t.deps, plain, 'iam:ListUsers', '*')).decision).toBe('allowed');
    expect((await authorize(t.deps, decideWithinOneRequest(await load()), 'iam:ListUsers', '*')).decision).toBe(
      'allowed',
    );
  });
});
