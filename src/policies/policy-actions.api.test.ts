import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  DeleteGroupCommand,
  DeleteGroupPolicyCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteUserPolicyCommand,
  DetachGroupPolicyCommand,
  DetachUserPolicyCommand,
  GetAccountAuthorizationDetailsCommand,
  GetGroupCommand,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetUserPolicyCommand,
  type IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListEntitiesForPolicyCommand,
  ListGroupPoliciesCommand,
  ListGroupsCommand,
  ListGroupsForUserCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  ListUserPoliciesCommand,
  PutGroupPolicyCommand,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
  SetDefaultPolicyVersionCommand,
  SimulateCustomPolicyCommand,
  SimulatePrincipalPolicyCommand,
  UpdateGroupCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients, expectAwsError, keyFor } from '../../test/support/aws-clients.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { listen } from '../../test/support/listen.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';

const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const READ_ONLY = 'arn:aws:iam::aws:policy/IAMReadOnlyAccess';

describe.each(DIALECTS)('groups, policies and the simulator through the AWS SDK on %s', (dialect) => {
  let t: TestContext;
  let endpoint: string;
  let accountId: string;
  let iam: IAMClient;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    t.clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    endpoint = await listen(t.app);
    accountId = (await makeAccount(t.deps)).id;
    ({ iam } = awsClients(t, endpoint, await keyFor(t, { accountId, principalId: accountId, userName: null })));
    await makeUser(t.deps, accountId, 'alice', { password: null });
    await makeUser(t.deps, accountId, 'bob', { password: null });
  });
  afterAll(() => t.close());

  it('CreateGroup, GetGroup, ListGroups, UpdateGroup, AddUserToGroup, ListGroupsForUser, RemoveUserFromGroup, DeleteGroup', async () => {
    const created = await iam.send(new CreateGroupCommand({ GroupName: 'Support', Path: '/teams/' }));
    expect(created.Group).toMatchObject({
      GroupName: 'Support',
      Path: '/teams/',
      Arn: `arn:aws:iam::${accountId}:group/teams/Support`,
    });
    expect(created.Group!.GroupId).toMatch(/^AGPA/);
    expect(created.Group!.CreateDate).toBeInstanceOf(Date);
    await expectAwsError(
      iam.send(new CreateGroupCommand({ GroupName: 'support' })),
      'EntityAlreadyExists',
      409,
      'Group with name support already exists.',
    );

    await iam.send(new AddUserToGroupCommand({ GroupName: 'Support', UserName: 'alice' }));
    const got = await iam.send(new GetGroupCommand({ GroupName: 'support' }));
    expect(got.Group!.GroupName).toBe('Support');
    expect(got.Users!.map((u) => u.UserName)).toEqual(['alice']);
    expect(
      (await iam.send(new ListGroupsForUserCommand({ UserName: 'alice' }))).Groups!.map((g) => g.GroupName),
    ).toEqual(['Support']);
    expect((await iam.send(new ListGroupsCommand({ PathPrefix: '/teams/' }))).Groups!.map((g) => g.GroupName)).toEqual([
      'Support',
    ]);

    await expectAwsError(
      iam.send(new DeleteGroupCommand({ GroupName: 'Support' })),
      'DeleteConflict',
      409,
      'Cannot delete entity, must remove users from group first.',
    );
    await iam.send(new RemoveUserFromGroupCommand({ GroupName: 'Support', UserName: 'alice' }));
    await iam.send(new UpdateGroupCommand({ GroupName: 'Support', NewGroupName: 'Helpdesk', NewPath: '/' }));
    expect((await iam.send(new ListGroupsCommand({}))).Groups!.map((g) => g.Arn)).toEqual([
      `arn:aws:iam::${accountId}:group/Helpdesk`,
    ]);
    await iam.send(new DeleteGroupCommand({ GroupName: 'Helpdesk' }));
    await expectAwsError(
      iam.send(new GetGroupCommand({ GroupName: 'Helpdesk' })),
      'NoSuchEntity',
      404,
      'The group with name Helpdesk cannot be found.',
    );
    expect((await iam.send(new ListGroupsCommand({}))).Groups).toEqual([]);
  });

  it('PutUserPolicy, GetUserPolicy (URL-encoded document), ListUserPolicies, DeleteUserPolicy, and the group equivalents', async () => {
    const document = doc({ Sid: 'Read', Effect: 'Allow', Action: 'iam:Get*', Resource: '*' });
    await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'Reader', PolicyDocument: document }));
    const got = await iam.send(new GetUserPolicyCommand({ UserName: 'alice', PolicyName: 'Reader' }));
    expect({ user: got.UserName, name: got.PolicyName, doc: decodeURIComponent(got.PolicyDocument!) }).toEqual({
      user: 'alice',
      name: 'Reader',
      doc: document,
    });
    expect((await iam.send(new ListUserPoliciesCommand({ UserName: 'alice' }))).PolicyNames).toEqual(['Reader']);
    await iam.send(new DeleteUserPolicyCommand({ UserName: 'alice', PolicyName: 'Reader' }));
    await expectAwsError(
      iam.send(new GetUserPolicyCommand({ UserName: 'alice', PolicyName: 'Reader' })),
      'NoSuchEntity',
      404,
      'The user policy with name Reader cannot be found.',
    );
    await expectAwsError(
      iam.send(
        new PutUserPolicyCommand({
          UserName: 'alice',
          PolicyName: 'Bad',
          PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:GetUser' }),
        }),
      ),
      'MalformedPolicyDocument',
      400,
      /must contain resources/,
    );

    await iam.send(new CreateGroupCommand({ GroupName: 'Ops' }));
    await iam.send(new PutGroupPolicyCommand({ GroupName: 'Ops', PolicyName: 'Desk', PolicyDocument: document }));
    expect(
      decodeURIComponent(
        (await iam.send(new GetGroupPolicyCommand({ GroupName: 'Ops', PolicyName: 'Desk' }))).PolicyDocument!,
      ),
    ).toBe(document);
    expect((await iam.send(new ListGroupPoliciesCommand({ GroupName: 'Ops' }))).PolicyNames).toEqual(['Desk']);
    await iam.send(new DeleteGroupPolicyCommand({ GroupName: 'Ops', PolicyName: 'Desk' }));
    expect((await iam.send(new ListGroupPoliciesCommand({ GroupName: 'Ops' }))).PolicyNames).toEqual([]);
  });

  it('CreatePolicy, GetPolicy, ListPolicies, versions, DeletePolicyVersion and DeletePolicy', async () => {
    const created = await iam.send(
      new CreatePolicyCommand({
        PolicyName: 'Desk',
        Path: '/support/',
        Description: 'Help desk',
        PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }),
      }),
    );
    const arn = `arn:aws:iam::${accountId}:policy/support/Desk`;
    expect(created.Policy).toMatchObject({
      PolicyName: 'Desk',
      Arn: arn,
      DefaultVersionId: 'v1',
      AttachmentCount: 0,
      IsAttachable: true,
    });
    // IAM's CreatePolicy result leaves the description out; GetPolicy shows it.
    expect(created.Policy!.Description).toBeUndefined();
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy).toMatchObject({
      PolicyId: created.Policy!.PolicyId,
      Description: 'Help desk',
      Tags: [],
    });
    const v2 = await iam.send(
      new CreatePolicyVersionCommand({
        PolicyArn: arn,
        PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:List*', Resource: '*' }),
        SetAsDefault: true,
      }),
    );
    expect(v2.PolicyVersion).toMatchObject({ VersionId: 'v2', IsDefaultVersion: true });
    const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' }));
    expect(JSON.parse(decodeURIComponent(version.PolicyVersion!.Document!)).Statement[0].Action).toBe('iam:List*');
    expect(
      (await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions!.map((v) => [
        v.VersionId,
        v.IsDefaultVersion,
      ]),
    ).toEqual([
      ['v2', true],
      ['v1', false],
    ]);
    await iam.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    await expectAwsError(
      iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' })),
      'DeleteConflict',
      409,
      'Cannot delete the default version of a policy.',
    );
    await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' }));

    const local = await iam.send(new ListPoliciesCommand({ Scope: 'Local' }));
    expect(local.Policies!.map((p) => p.PolicyName)).toEqual(['Desk']);
    const aws = await iam.send(new ListPoliciesCommand({ Scope: 'AWS', MaxItems: 2 }));
    expect(aws.Policies!.map((p) => p.PolicyName)).toEqual(['AdministratorAccess', 'IAMFullAccess']);
    expect(aws.IsTruncated).toBe(true);
    const rest = await iam.send(new ListPoliciesCommand({ Scope: 'AWS', Marker: aws.Marker }));
    expect(rest.Policies!.map((p) => p.PolicyName)).toEqual(['IAMReadOnlyAccess', 'IAMUserChangePassword']);
    expect(
      (await iam.send(new GetPolicyVersionCommand({ PolicyArn: READ_ONLY, VersionId: 'v4' }))).PolicyVersion!
        .IsDefaultVersion,
    ).toBe(true);

    const big = doc({
      Effect: 'Allow',
      Action: Array.from({ length: 400 }, (_, i) => `iam:Action${i}`),
      Resource: '*',
    });
    await expectAwsError(
      iam.send(new CreatePolicyCommand({ PolicyName: 'Big', PolicyDocument: big })),
      'LimitExceeded',
      409,
      'Cannot exceed quota for PolicySize: 6144',
    );
    await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
    await expectAwsError(
      iam.send(new GetPolicyCommand({ PolicyArn: arn })),
      'NoSuchEntity',
      404,
      `Policy ${arn} does not exist or is not attachable.`,
    );
  });

  it('Attach/Detach User/GroupPolicy, ListAttached…, ListEntitiesForPolicy, GetAccountAuthorizationDetails', async () => {
    await iam.send(new AttachUserPolicyCommand({ UserName: 'bob', PolicyArn: READ_ONLY }));
    await iam.send(new AttachGroupPolicyCommand({ GroupName: 'Ops', PolicyArn: READ_ONLY }));
    await iam.send(new AddUserToGroupCommand({ GroupName: 'Ops', UserName: 'alice' }));
    expect((await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'bob' }))).AttachedPolicies).toEqual([
      { PolicyName: 'IAMReadOnlyAccess', PolicyArn: READ_ONLY },
    ]);
    expect((await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: 'Ops' }))).AttachedPolicies).toEqual([
      { PolicyName: 'IAMReadOnlyAccess', PolicyArn: READ_ONLY },
    ]);
    const entities = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: READ_ONLY }));
    expect(entities.PolicyUsers!.map((u) => u.UserName)).toEqual(['bob']);
    expect(entities.PolicyGroups!.map((g) => g.GroupName)).toEqual(['Ops']);
    expect(entities.PolicyRoles).toEqual([]);

    const details = await iam.send(new GetAccountAuthorizationDetailsCommand({}));
    const alice = details.UserDetailList!.find((u) => u.UserName === 'alice')!;
    expect(alice.GroupList).toEqual(['Ops']);
    expect(details.UserDetailList!.find((u) => u.UserName === 'bob')!.AttachedManagedPolicies).toEqual([
      { PolicyName: 'IAMReadOnlyAccess', PolicyArn: READ_ONLY },
    ]);
    expect(details.GroupDetailList!.map((g) => g.GroupName)).toEqual(['Ops']);
    expect(details.Policies!.map((p) => p.PolicyName)).toEqual(['IAMReadOnlyAccess']);
    expect(details.Policies![0]!.PolicyVersionList![0]!.VersionId).toBe('v4');

    await iam.send(new DetachUserPolicyCommand({ UserName: 'bob', PolicyArn: READ_ONLY }));
    await expectAwsError(
      iam.send(new DetachUserPolicyCommand({ UserName: 'bob', PolicyArn: READ_ONLY })),
      'NoSuchEntity',
      404,
      `Policy ${READ_ONLY} was not found.`,
    );
    await iam.send(new DetachGroupPolicyCommand({ GroupName: 'Ops', PolicyArn: READ_ONLY }));
    expect((await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: 'Ops' }))).AttachedPolicies).toEqual([]);
    const events = await listAuditEvents(t.deps.db, { accountId, eventName: 'DetachGroupPolicy', limit: 5 });
    expect(events.length).toBe(1);
  });

  it('ListEntitiesForPolicy keeps only the entities under PathPrefix', async () => {
    await iam.send(new CreateGroupCommand({ GroupName: 'Night', Path: '/shifts/' }));
    await iam.send(new AttachGroupPolicyCommand({ GroupName: 'Night', PolicyArn: READ_ONLY }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'bob', PolicyArn: READ_ONLY }));
    const under = async (PathPrefix: string) => {
      const found = await iam.send(new ListEntitiesForPolicyCommand({ PolicyArn: READ_ONLY, PathPrefix }));
      return [found.PolicyUsers!.map((u) => u.UserName), found.PolicyGroups!.map((g) => g.GroupName)];
    };
    expect(await under('/shifts/')).toEqual([[], ['Night']]);
    expect(await under('/')).toEqual([['bob'], ['Night']]);
    expect(await under('/elsewhere/')).toEqual([[], []]);
    await iam.send(new DetachUserPolicyCommand({ UserName: 'bob', PolicyArn: READ_ONLY }));
    await iam.send(new DetachGroupPolicyCommand({ GroupName: 'Night', PolicyArn: READ_ONLY }));
    await iam.send(new DeleteGroupCommand({ GroupName: 'Night' }));
  });

  it('SimulatePrincipalPolicy and SimulateCustomPolicy report decisions, matched statements and missing context', async () => {
    await iam.send(
      new PutGroupPolicyCommand({
        GroupName: 'Ops',
        PolicyName: 'ResetSupport',
        PolicyDocument: doc(
          {
            Effect: 'Allow',
            Action: 'iam:UpdateLoginProfile',
            Resource: `arn:aws:iam::${accountId}:user/*`,
            Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
          },
          { Effect: 'Deny', Action: 'iam:DeleteUser', Resource: '*' },
        ),
      }),
    );
    const result = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: `arn:aws:iam::${accountId}:user/alice`,
        ActionNames: ['iam:UpdateLoginProfile', 'iam:DeleteUser', 'iam:GetUser'],
        ResourceArns: [`arn:aws:iam::${accountId}:user/bob`],
      }),
    );
    expect(result.EvaluationResults!.map((r) => [r.EvalActionName, r.EvalDecision])).toEqual([
      ['iam:UpdateLoginProfile', 'implicitDeny'],
      ['iam:DeleteUser', 'explicitDeny'],
      ['iam:GetUser', 'implicitDeny'],
    ]);
    expect(result.EvaluationResults![0]!.MissingContextValues).toEqual(['aws:MultiFactorAuthPresent']);
    expect(result.EvaluationResults![1]!.MatchedStatements).toEqual([
      { SourcePolicyId: 'ResetSupport', SourcePolicyType: 'group' },
    ]);

    const custom = await iam.send(
      new SimulateCustomPolicyCommand({
        PolicyInputList: [doc({ Effect: 'Allow', Action: 'iam:Get*', Resource: '*' })],
        ActionNames: ['iam:GetUser', 'iam:CreateUser'],
      }),
    );
    expect(custom.EvaluationResults!.map((r) => [r.EvalActionName, r.EvalResourceName, r.EvalDecision])).toEqual([
      ['iam:GetUser', '*', 'allowed'],
      ['iam:CreateUser', '*', 'implicitDeny'],
    ]);
    // A wildcard stands for the IAM actions it names; another service's cannot be listed.
    const expanded = await iam.send(
      new SimulateCustomPolicyCommand({
        PolicyInputList: [doc({ Effect: 'Allow', Action: 'iam:Get*', Resource: '*' })],
        ActionNames: ['iam:*LoginProfile'],
      }),
    );
    expect(expanded.EvaluationResults!.map((r) => [r.EvalActionName, r.EvalDecision])).toEqual([
      ['iam:CreateLoginProfile', 'implicitDeny'],
      ['iam:DeleteLoginProfile', 'implicitDeny'],
      ['iam:GetLoginProfile', 'allowed'],
      ['iam:UpdateLoginProfile', 'implicitDeny'],
    ]);
    await expectAwsError(
      iam.send(
        new SimulateCustomPolicyCommand({
          PolicyInputList: [doc({ Effect: 'Allow', Action: '*', Resource: '*' })],
          ActionNames: ['s3:Get*'],
        }),
      ),
      'InvalidInput',
      400,
      /s3:Get\* has a wildcard/,
    );
    await expectAwsError(
      iam.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: `arn:aws:iam::${accountId}:user/nobody`,
          ActionNames: ['iam:GetUser'],
        }),
      ),
      'NoSuchEntity',
      404,
    );

    // Context entries answer the conditions: with MFA present the reset is allowed, and nothing is missing.
    const withMfa = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: `arn:aws:iam::${accountId}:user/alice`,
        ActionNames: ['iam:UpdateLoginProfile'],
        ResourceArns: [`arn:aws:iam::${accountId}:user/bob`],
        ContextEntries: [
          { ContextKeyName: 'aws:MultiFactorAuthPresent', ContextKeyValues: ['true'], ContextKeyType: 'boolean' },
        ],
      }),
    );
    expect(withMfa.EvaluationResults!.map((r) => [r.EvalDecision, r.MissingContextValues])).toEqual([['allowed', []]]);
    const office = doc({
      Effect: 'Allow',
      Action: 'iam:ListUsers',
      Resource: '*',
      Condition: {
        IpAddress: { 'aws:SourceIp': '203.0.113.0/24' },
        StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] },
      },
    });
    const decide = async (
      entries: Array<{
        ContextKeyName: string;
        ContextKeyValues: string[];
        ContextKeyType: 'ip' | 'stringList' | 'string';
      }>,
    ) =>
      (
        await iam.send(
          new SimulateCustomPolicyCommand({
            PolicyInputList: [office],
            ActionNames: ['iam:ListUsers'],
            ContextEntries: entries,
          }),
        )
      ).EvaluationResults![0]!;
    expect((await decide([])).MissingContextValues!.sort()).toEqual(['aws:RequestedRegion', 'aws:SourceIp']);
    const region = {
      ContextKeyName: 'aws:RequestedRegion',
      ContextKeyValues: ['eu-west-1'],
      ContextKeyType: 'string' as const,
    };
    expect(
      (
        await decide([
          { ContextKeyName: 'aws:SourceIp', ContextKeyValues: ['203.0.113.9'], ContextKeyType: 'ip' },
          region,
        ])
      ).EvalDecision,
    ).toBe('allowed');
    expect(
      (
        await decide([
          { ContextKeyName: 'aws:SourceIp', ContextKeyValues: ['198.51.100.9'], ContextKeyType: 'ip' },
          region,
        ])
      ).EvalDecision,
    ).toBe('implicitDeny');
    await expectAwsError(
      iam.send(
        new SimulateCustomPolicyCommand({
          PolicyInputList: [office],
          ActionNames: ['iam:ListUsers'],
          ContextEntries: [
            { ContextKeyName: 'aws:SourceIp', ContextKeyValues: ['203.0.113.9', '203.0.113.10'], ContextKeyType: 'ip' },
          ],
        }),
      ),
      'InvalidInput',
      400,
      /needs exactly one value; use ipList for several/,
    );
    // The simulated user's own keys come from the user: supplying one is refused, whatever its case.
    for (const key of ['aws:username', 'aws:PrincipalTag/team', 'AWS:PRINCIPALARN']) {
      await expectAwsError(
        iam.send(
          new SimulatePrincipalPolicyCommand({
            PolicySourceArn: `arn:aws:iam::${accountId}:user/alice`,
            ActionNames: ['iam:ChangePassword'],
            ContextEntries: [{ ContextKeyName: key, ContextKeyValues: ['bob'], ContextKeyType: 'string' }],
          }),
        ),
        'InvalidInput',
        400,
        /describes the simulated user and cannot be supplied/,
      );
    }
    // Request keys may be: a time condition simulated at a given time.
    const night = doc({
      Effect: 'Allow',
      Action: 'iam:GetUser',
      Resource: '*',
      Condition: { DateLessThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z' } },
    });
    const at = async (time?: string) =>
      (
        await iam.send(
          new SimulatePrincipalPolicyCommand({
            PolicySourceArn: `arn:aws:iam::${accountId}:user/alice`,
            ActionNames: ['iam:GetUser'],
            PolicyInputList: [night],
            ...(time
              ? {
                  ContextEntries: [
                    { ContextKeyName: 'aws:CurrentTime', ContextKeyValues: [time], ContextKeyType: 'date' as const },
                  ],
                }
              : {}),
          }),
        )
      ).EvaluationResults![0]!.EvalDecision;
    expect(await at()).toBe('implicitDeny');
    expect(await at('2019-06-01T00:00:00Z')).toBe('allowed');
  });

  it("simulates any service's actions and resources with the same engine, and refuses a name that is not service:Action", async () => {
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'alice',
        PolicyName: 'Reports',
        PolicyDocument: doc(
          { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' },
          { Effect: 'Allow', Action: 'notes:*', Resource: '*' },
          { Effect: 'Deny', Action: 'notes:DeleteNote', Resource: '*' },
        ),
      }),
    );
    const principal = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: `arn:aws:iam::${accountId}:user/alice`,
        ActionNames: ['s3:GetObject', 's3:PutObject', 'notes:GetNote', 'notes:DeleteNote'],
        ResourceArns: ['arn:aws:s3:::reports/q1.csv', `arn:aws:notes:eu-west-1:${accountId}:note/1`],
      }),
    );
    expect(principal.EvaluationResults!.map((r) => [r.EvalActionName, r.EvalResourceName, r.EvalDecision])).toEqual([
      ['s3:GetObject', 'arn:aws:s3:::reports/q1.csv', 'allowed'],
      ['s3:GetObject', `arn:aws:notes:eu-west-1:${accountId}:note/1`, 'implicitDeny'],
      ['s3:PutObject', 'arn:aws:s3:::reports/q1.csv', 'implicitDeny'],
      ['s3:PutObject', `arn:aws:notes:eu-west-1:${accountId}:note/1`, 'implicitDeny'],
      ['notes:GetNote', 'arn:aws:s3:::reports/q1.csv', 'allowed'],
      ['notes:GetNote', `arn:aws:notes:eu-west-1:${accountId}:note/1`, 'allowed'],
      ['notes:DeleteNote', 'arn:aws:s3:::reports/q1.csv', 'explicitDeny'],
      ['notes:DeleteNote', `arn:aws:notes:eu-west-1:${accountId}:note/1`, 'explicitDeny'],
    ]);
    const custom = await iam.send(
      new SimulateCustomPolicyCommand({
        PolicyInputList: [doc({ Effect: 'Allow', Action: 'notes:Get*', Resource: '*' })],
        ActionNames: ['notes:GetNote', 'notes:PutNote'],
      }),
    );
    expect(custom.EvaluationResults!.map((r) => [r.EvalActionName, r.EvalDecision])).toEqual([
      ['notes:GetNote', 'allowed'],
      ['notes:PutNote', 'implicitDeny'],
    ]);
    for (const name of ['GetNote', 'notes:Get Note', 'notes:Get/Note']) {
      await expectAwsError(
        iam.send(
          new SimulateCustomPolicyCommand({
            PolicyInputList: [doc({ Effect: 'Allow', Action: '*', Resource: '*' })],
            ActionNames: [name],
          }),
        ),
        'InvalidInput',
        400,
        /is not an action name of the form service:Action/,
      );
    }
    await iam.send(new DeleteUserPolicyCommand({ UserName: 'alice', PolicyName: 'Reports' }));
  });

  it('answers AccessDenied, in AWS words, to a user who may not manage policies', async () => {
    const bob = await makeUser(t.deps, accountId, 'carol', { password: null });
    const { iam: carol } = awsClients(
      t,
      endpoint,
      await keyFor(t, { accountId, principalId: bob.id, userName: bob.name }),
    );
    await expectAwsError(
      carol.send(
        new CreatePolicyCommand({
          PolicyName: 'Mine',
          PolicyDocument: doc({ Effect: 'Allow', Action: '*', Resource: '*' }),
        }),
      ),
      'AccessDenied',
      403,
      new RegExp(
        `^User: arn:aws:iam::${accountId}:user/carol is not authorized to perform: iam:CreatePolicy on resource: arn:aws:iam::${accountId}:policy/Mine`,
      ),
    );
    await expectAwsError(
      carol.send(
        new AttachUserPolicyCommand({ UserName: 'carol', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }),
      ),
      'AccessDenied',
      403,
      new RegExp(`perform: iam:AttachUserPolicy on resource: arn:aws:iam::${accountId}:user/carol`),
    );
  });
});
