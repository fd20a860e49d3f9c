import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetAccountAuthorizationDetailsCommand,
  GetAccountSummaryCommand,
  type IAMClient,
  ListEntitiesForPolicyCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  SimulatePrincipalPolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAccountPasswordPolicyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients, expectAwsError, keyFor } from '../../test/support/aws-clients.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount } from '../../test/support/fixtures.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { listen } from '../../test/support/listen.ts';

const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const READ_ONLY = 'arn:aws:iam::aws:policy/IAMReadOnlyAccess';

/**
 * Roles where the account is described as a whole: GetAccountAuthorizationDetails,
 * ListEntitiesForPolicy, GetAccountSummary and the policy simulator.
 */
describe.each(DIALECTS)('roles in the account’s reports and the simulator on %s', (dialect) => {
  let t: TestContext;
  let accountId: string;
  let iam: IAMClient;
  let trust: string;
  let ops: { arn: string; id: string };
  let boundary: string;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    t.clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    const endpoint = await listen(t.app);
    accountId = (await makeAccount(t.deps)).id;
    ({ iam } = awsClients(t, endpoint, await keyFor(t, { accountId, principalId: accountId, userName: null })));
    trust = doc({ Effect: 'Allow', Principal: { AWS: accountId }, Action: 'sts:AssumeRole' });
    boundary = (
      await iam.send(
        new CreatePolicyCommand({
          PolicyName: 'NoUserChanges',
          PolicyDocument: doc({ Effect: 'Allow', Action: ['iam:List*', 'iam:Get*'], Resource: '*' }),
        }),
      )
    ).Policy!.Arn!;
    const role = (
      await iam.send(
        new CreateRoleCommand({
          RoleName: 'Ops',
          Path: '/team/',
          AssumeRolePolicyDocument: trust,
          Description: 'not shown in RoleDetail',
          Tags: [{ Key: 'team', Value: 'web' }],
        }),
      )
    ).Role!;
    ops = { arn: role.Arn!, id: role.RoleId! };
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'Ops',
        PolicyName: 'TeamWork',
        PolicyDocument: doc(
          { Effect: 'Allow', Action: ['iam:ListUsers', 'iam:CreateUser'], Resource: '*' },
          {
            Effect: 'Allow',
            Action: 'iam:CreateGroup',
            Resource: '*',
            Condition: { StringEquals: { 'aws:PrincipalTag/team': 'web' } },
          },
        ),
      }),
    );
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'Ops', PolicyArn: READ_ONLY }));
    await iam.send(new CreateRoleCommand({ RoleName: 'Idle', AssumeRolePolicyDocument: trust }));
    await iam.send(new CreateUserCommand({ UserName: 'reader' }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'reader', PolicyArn: READ_ONLY }));
  });
  afterAll(() => t.close());

  it('lists each role in GetAccountAuthorizationDetails with its policies, tags and trust policy', async () => {
    const details = await iam.send(new GetAccountAuthorizationDetailsCommand({}));
    expect(details.RoleDetailList!.map((r) => r.RoleName)).toEqual(['Idle', 'Ops']);
    const role = details.RoleDetailList!.find((r) => r.RoleName === 'Ops')!;
    expect(role).toMatchObject({
      Path: '/team/',
      RoleId: ops.id,
      Arn: ops.arn,
      InstanceProfileList: [],
      AttachedManagedPolicies: [{ PolicyName: 'IAMReadOnlyAccess', PolicyArn: READ_ONLY }],
      Tags: [{ Key: 'team', Value: 'web' }],
      RoleLastUsed: {},
    });
    expect(decodeURIComponent(role.AssumeRolePolicyDocument!)).toBe(trust);
    expect(role.RolePolicyList!.map((p) => p.PolicyName)).toEqual(['TeamWork']);
    expect(JSON.parse(decodeURIComponent(role.RolePolicyList![0]!.PolicyDocument!)).Statement).toHaveLength(2);
    expect(details.UserDetailList!.map((u) => u.UserName)).toEqual(['reader']);
    // The AWS managed policy held by a role and a user is listed once.
    expect(details.Policies!.filter((p) => p.Arn === READ_ONLY)).toHaveLength(1);

    const rolesOnly = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Role'] }));
    expect([rolesOnly.RoleDetailList!.length, rolesOnly.UserDetailList, rolesOnly.Policies]).toEqual([2, [], []]);
    const usersOnly = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['User'] }));
    expect([usersOnly.RoleDetailList, usersOnly.UserDetailList!.length]).toEqual([[], 1]);
    const mixed = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Role', 'LocalManagedPolicy'] }));
    expect([mixed.RoleDetailList!.length, mixed.UserDetailList, mixed.Policies!.map((p) => p.PolicyName)]).toEqual([
      2,
      [],
      ['NoUserChanges'],
    ]);
  });

  it('names the roles a policy is attached to in ListEntitiesForPolicy', async () => {
    const all = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: READ_ONLY }));
    expect(all.PolicyRoles).toEqual([{ RoleName: 'Ops', RoleId: ops.id }]);
    expect(all.PolicyUsers!.map((u) => u.UserName)).toEqual(['reader']);
    const roles = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: READ_ONLY, EntityFilter: 'Role' }));
    expect([roles.PolicyRoles, roles.PolicyUsers, roles.PolicyGroups]).toEqual([
      [{ RoleName: 'Ops', RoleId: ops.id }],
      [],
      [],
    ]);
    const users = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: READ_ONLY, EntityFilter: 'User' }));
    expect(users.PolicyRoles).toEqual([]);
  });

  it('counts roles in GetAccountSummary, beside AWS’s role quotas', async () => {
    const { SummaryMap } = await iam.send(new GetAccountSummaryCommand({}));
    expect(SummaryMap).toMatchObject({
      Roles: 2,
      RolesQuota: 1000,
      RolePolicySizeQuota: 10240,
      AssumeRolePolicySizeQuota: 2048,
      AttachedPoliciesPerRoleQuota: 10,
    });
  });

  it('simulates a role as its sessions would act: its policies, tags and boundary, never the password policy', async () => {
    await iam.send(new UpdateAccountPasswordPolicyCommand({ AllowUsersToChangePassword: true }));
    // With the invalidation feed fresh, the role's decision basis is kept once simulated.
    await t.deps.invalidations.pollNow();
    const simulate = (actions: string[]) =>
      iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: ops.arn, ActionNames: actions }));
    const first = await simulate([
      'iam:ListUsers',
      'iam:CreateGroup',
      'iam:DeleteUser',
      'iam:GetAccountPasswordPolicy',
    ]);
    expect(first.EvaluationResults!.map((r) => [r.EvalActionName, r.EvalDecision])).toEqual([
      ['iam:ListUsers', 'allowed'],
      ['iam:CreateGroup', 'allowed'],
      ['iam:DeleteUser', 'implicitDeny'],
      // Read-only access allows it through IAMReadOnlyAccess, not through the users' password-policy grant.
      ['iam:GetAccountPasswordPolicy', 'allowed'],
    ]);
    expect(first.EvaluationResults![0]!.MatchedStatements).toEqual(
      expect.arrayContaining([{ SourcePolicyId: 'TeamWork', SourcePolicyType: 'role' }]),
    );
    expect(first.EvaluationResults![3]!.MatchedStatements!.map((m) => [m.SourcePolicyId, m.SourcePolicyType])).toEqual([
      [READ_ONLY, 'aws-managed'],
    ]);

    // The role's decisions are kept compiled per role; changing its tags or boundary drops them.
    await iam.send(new UntagRoleCommand({ RoleName: 'Ops', TagKeys: ['team'] }));
    expect((await simulate(['iam:CreateGroup'])).EvaluationResults![0]!.EvalDecision).toBe('implicitDeny');
    await t.deps.invalidations.pollNow();
    await iam.send(new TagRoleCommand({ RoleName: 'Ops', Tags: [{ Key: 'TEAM', Value: 'web' }] }));
    expect((await simulate(['iam:CreateGroup'])).EvaluationResults![0]!.EvalDecision).toBe('allowed');
    await t.deps.invalidations.pollNow();
    expect((await simulate(['iam:CreateUser'])).EvaluationResults![0]!.EvalDecision).toBe('allowed');
    await iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: 'Ops', PermissionsBoundary: boundary }));
    const bounded = await simulate(['iam:ListUsers', 'iam:CreateUser']);
    expect(
      bounded.EvaluationResults!.map((r) => [
        r.EvalActionName,
        r.EvalDecision,
        r.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary,
      ]),
    ).toEqual([
      ['iam:ListUsers', 'allowed', true],
      ['iam:CreateUser', 'implicitDeny', false],
    ]);

    const idle = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: `arn:aws:iam::${accountId}:role/Idle`,
        ActionNames: ['iam:GetAccountPasswordPolicy', 'iam:ChangePassword'],
      }),
    );
    expect(idle.EvaluationResults!.map((r) => r.EvalDecision)).toEqual(['implicitDeny', 'implicitDeny']);

    for (const arn of [`arn:aws:iam::${accountId}:role/Nobody`, `arn:aws:iam::${accountId}:role/Ops`]) {
      await expectAwsError(
        iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: arn, ActionNames: ['iam:ListUsers'] })),
        'NoSuchEntity',
        404,
        `The role with ARN ${arn} cannot be found.`,
      );
    }
  });
});
