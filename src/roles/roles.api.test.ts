import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeletePolicyCommand,
  DeleteRoleCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetPolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  type IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRoleTagsCommand,
  ListRolesCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
  UpdateRoleDescriptionCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients, expectAwsError, keyFor } from '../../test/support/aws-clients.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount } from '../../test/support/fixtures.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { listen } from '../../test/support/listen.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { insertRole } from '../identities/role.repository.ts';
import { newRoleId } from '../policies/unique-ids.ts';

const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const READ_ONLY = 'arn:aws:iam::aws:policy/IAMReadOnlyAccess';

describe.each(DIALECTS)('IAM roles through the AWS SDK on %s', (dialect) => {
  let t: TestContext;
  let endpoint: string;
  let accountId: string;
  let iam: IAMClient;
  /** A trust policy that lets the account's own principals assume the role. */
  let trustAccount: string;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    t.clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    endpoint = await listen(t.app);
    accountId = (await makeAccount(t.deps)).id;
    ({ iam } = awsClients(t, endpoint, await keyFor(t, { accountId, principalId: accountId, userName: null })));
    trustAccount = doc({
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${accountId}:root` },
      Action: 'sts:AssumeRole',
    });
  });
  afterAll(() => t.close());

  /** The names of the audit events about a role (by its ID), oldest first. */
  const eventsOf = async (roleId: string) =>
    (await listAuditEvents(t.deps.db, { accountId, targetId: roleId, limit: 20 })).map((e) => e.eventName).reverse();

  const create = (name: string, extra: Partial<ConstructorParameters<typeof CreateRoleCommand>[0]> = {}) =>
    iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trustAccount, ...extra }));

  it('creates a role as AWS does, shows it in GetRole and ListRoles, and audits it', async () => {
    const created = await create('Deployer', {
      Path: '/ci/',
      Description: 'Deploys the site',
      MaxSessionDuration: 7200,
      Tags: [{ Key: 'team', Value: 'web' }],
    });
    const role = created.Role!;
    expect(role.RoleId).toMatch(/^AROA[A-Z0-9]{17}$/);
    expect(role).toMatchObject({
      RoleName: 'Deployer',
      Path: '/ci/',
      Arn: `arn:aws:iam::${accountId}:role/ci/Deployer`,
      Description: 'Deploys the site',
      Tags: [{ Key: 'team', Value: 'web' }],
    });
    // Documents travel URL-encoded, as AWS sends them; the SDK leaves them so.
    expect(decodeURIComponent(role.AssumeRolePolicyDocument!)).toBe(trustAccount);
    expect(role.CreateDate!.getTime()).toBe(t.clock.now().getTime());
    expect(role.MaxSessionDuration).toBeUndefined();

    const got = (await iam.send(new GetRoleCommand({ RoleName: 'deployer' }))).Role!;
    expect(got).toMatchObject({
      RoleName: 'Deployer',
      RoleId: role.RoleId,
      Arn: role.Arn,
      MaxSessionDuration: 7200,
      Description: 'Deploys the site',
      Tags: [{ Key: 'team', Value: 'web' }],
      RoleLastUsed: {},
    });
    expect(got.PermissionsBoundary).toBeUndefined();
    expect(decodeURIComponent(got.AssumeRolePolicyDocument!)).toBe(trustAccount);

    const listed = (await iam.send(new ListRolesCommand({ PathPrefix: '/ci/' }))).Roles!;
    expect(listed.map((r) => [r.RoleName, r.MaxSessionDuration, r.Tags, r.RoleLastUsed])).toEqual([
      ['Deployer', 7200, undefined, undefined],
    ]);

    await expectAwsError(create('DEPLOYER'), 'EntityAlreadyExists', 409, 'Role with name DEPLOYER already exists.');
    const events = await listAuditEvents(t.deps.db, { accountId, eventName: 'CreateRole', limit: 10 });
    expect(events.map((e) => [e.targetId, e.targetName, e.actorType])).toEqual([[role.RoleId, 'Deployer', 'root']]);
  });

  it('refuses parameters outside AWS’s constraints with AWS’s words', async () => {
    await expectAwsError(
      create('x'.repeat(65)),
      'ValidationError',
      400,
      "1 validation error detected: Value at 'roleName' failed to satisfy constraint: Member must have length less than or equal to 64",
    );
    await expectAwsError(
      create('has space'),
      'ValidationError',
      400,
      "1 validation error detected: Value at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    );
    await expectAwsError(
      create('TooShort', { MaxSessionDuration: 3599 }),
      'ValidationError',
      400,
      "1 validation error detected: Value at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600",
    );
    await expectAwsError(
      create('TooLong', { MaxSessionDuration: 43201, Description: 'd'.repeat(1001) }),
      'ValidationError',
      400,
      "2 validation errors detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000; Value at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200",
    );
    await expectAwsError(
      iam.send(new CreateRoleCommand({ RoleName: 'NoTrust', AssumeRolePolicyDocument: undefined as never })),
      'ValidationError',
      400,
      "1 validation error detected: Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null",
    );
    await expectAwsError(iam.send(new GetRoleCommand({ RoleName: 'NoTrust' })), 'NoSuchEntity', 404);
  });

  it('checks trust policies as IAM does, on CreateRole and UpdateAssumeRolePolicy', async () => {
    await expectAwsError(
      create('BadJson', { AssumeRolePolicyDocument: '{"Version":' }),
      'MalformedPolicyDocument',
      400,
      'This policy contains invalid Json',
    );
    await expectAwsError(
      create('WithResource', {
        AssumeRolePolicyDocument: doc({
          Effect: 'Allow',
          Principal: { AWS: accountId },
          Action: 'sts:AssumeRole',
          Resource: '*',
        }),
      }),
      'MalformedPolicyDocument',
      400,
      'Has prohibited field Resource',
    );
    await expectAwsError(
      create('NotSts', {
        AssumeRolePolicyDocument: doc({ Effect: 'Allow', Principal: { AWS: accountId }, Action: 'iam:GetUser' }),
      }),
      'MalformedPolicyDocument',
      400,
      'AssumeRole policy may only specify STS AssumeRole actions.',
    );
    // IAM's ACLSizePerRole: 2,048 characters, white space not counted.
    const big = doc({
      Effect: 'Allow',
      Principal: { AWS: accountId },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': 'x'.repeat(2000) } },
    });
    await expectAwsError(
      create('Big', { AssumeRolePolicyDocument: big }),
      'LimitExceeded',
      409,
      'Cannot exceed quota for ACLSizePerRole: 2048',
    );
    await expectAwsError(iam.send(new GetRoleCommand({ RoleName: 'Big' })), 'NoSuchEntity', 404);

    const retrusted = (await create('Retrusted')).Role!.RoleId!;
    const external = doc({
      Effect: 'Allow',
      Principal: { AWS: '111122223333' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': 'partner-7' } },
    });
    await expectAwsError(
      iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'Retrusted', PolicyDocument: '[]' })),
      'MalformedPolicyDocument',
      400,
    );
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'retrusted', PolicyDocument: external }));
    const shown = (await iam.send(new GetRoleCommand({ RoleName: 'Retrusted' }))).Role!.AssumeRolePolicyDocument!;
    expect(decodeURIComponent(shown)).toBe(external);
    await expectAwsError(
      iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'Nobody', PolicyDocument: external })),
      'NoSuchEntity',
      404,
      'The role with name Nobody cannot be found.',
    );
    const events = await listAuditEvents(t.deps.db, { accountId, targetId: retrusted, limit: 10 });
    expect(events.map((e) => [e.eventName, JSON.parse(e.details ?? '{}').trustPolicy])).toEqual([
      ['UpdateAssumeRolePolicy', external],
      ['CreateRole', trustAccount],
    ]);
  });

  it('updates the description and the maximum session duration', async () => {
    const editable = (await create('Editable', { Description: 'first' })).Role!.RoleId!;
    await iam.send(new UpdateRoleCommand({ RoleName: 'Editable', MaxSessionDuration: 43200 }));
    let role = (await iam.send(new GetRoleCommand({ RoleName: 'Editable' }))).Role!;
    expect([role.Description, role.MaxSessionDuration]).toEqual(['first', 43200]);
    await iam.send(new UpdateRoleCommand({ RoleName: 'Editable', Description: 'second' }));
    role = (await iam.send(new GetRoleCommand({ RoleName: 'Editable' }))).Role!;
    expect([role.Description, role.MaxSessionDuration]).toEqual(['second', 43200]);

    const described = await iam.send(new UpdateRoleDescriptionCommand({ RoleName: 'editable', Description: 'third' }));
    expect(described.Role).toMatchObject({ RoleName: 'Editable', Description: 'third', MaxSessionDuration: 43200 });
    await iam.send(new UpdateRoleDescriptionCommand({ RoleName: 'Editable', Description: '' }));
    expect((await iam.send(new GetRoleCommand({ RoleName: 'Editable' }))).Role!.Description).toBeUndefined();

    await expectAwsError(
      iam.send(new UpdateRoleCommand({ RoleName: 'Editable', MaxSessionDuration: 60 })),
      'ValidationError',
      400,
      /maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600/,
    );
    await expectAwsError(
      iam.send(new UpdateRoleCommand({ RoleName: 'Missing', Description: 'x' })),
      'NoSuchEntity',
      404,
      'The role with name Missing cannot be found.',
    );
    expect(await eventsOf(editable)).toEqual([
      'CreateRole',
      'UpdateRole',
      'UpdateRole',
      'UpdateRoleDescription',
      'UpdateRoleDescription',
    ]);
  });

  it('pages ListRoles by name, ignoring case, under a path prefix', async () => {
    for (const name of ['page-c', 'Page-A', 'page-e', 'page-b', 'Page-D']) await create(name, { Path: '/paged/' });
    await create('page-outside', { Path: '/elsewhere/' });
    const seen: string[][] = [];
    let marker: string | undefined;
    do {
      const page = await iam.send(new ListRolesCommand({ PathPrefix: '/paged/', MaxItems: 2, Marker: marker }));
      seen.push(page.Roles!.map((r) => r.RoleName!));
      expect(page.IsTruncated).toBe(page.Marker !== undefined);
      marker = page.Marker;
    } while (marker);
    expect(seen).toEqual([['Page-A', 'page-b'], ['page-c', 'Page-D'], ['page-e']]);
    await expectAwsError(iam.send(new ListRolesCommand({ Marker: 'bm90LWEtbWFya2Vy' })), 'ValidationError', 400);
    const all = (await iam.send(new ListRolesCommand({}))).Roles!.map((r) => r.RoleName);
    expect(all).toContain('page-outside');
  });

  it('refuses DeleteRole while policies are attached or inline policies remain, as AWS words it', async () => {
    const doomed = (await create('Doomed')).Role!.RoleId!;
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'Doomed', PolicyArn: READ_ONLY }));
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'Doomed',
        PolicyName: 'ListOnly',
        PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:List*', Resource: '*' }),
      }),
    );
    await expectAwsError(
      iam.send(new DeleteRoleCommand({ RoleName: 'Doomed' })),
      'DeleteConflict',
      409,
      'Cannot delete entity, must detach all policies first.',
    );
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'Doomed', PolicyArn: READ_ONLY }));
    await expectAwsError(
      iam.send(new DeleteRoleCommand({ RoleName: 'Doomed' })),
      'DeleteConflict',
      409,
      'Cannot delete entity, must delete policies first.',
    );
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'Doomed', PolicyName: 'ListOnly' }));
    await iam.send(new TagRoleCommand({ RoleName: 'Doomed', Tags: [{ Key: 'k', Value: 'v' }] }));
    await iam.send(new DeleteRoleCommand({ RoleName: 'doomed' }));
    await expectAwsError(
      iam.send(new GetRoleCommand({ RoleName: 'Doomed' })),
      'NoSuchEntity',
      404,
      'The role with name Doomed cannot be found.',
    );
    await expectAwsError(iam.send(new DeleteRoleCommand({ RoleName: 'Doomed' })), 'NoSuchEntity', 404);
    // Its tags went with it: a new role of the same name starts with none.
    await create('Doomed');
    expect((await iam.send(new ListRoleTagsCommand({ RoleName: 'Doomed' }))).Tags).toEqual([]);
    expect(await eventsOf(doomed)).toEqual([
      'CreateRole',
      'AttachRolePolicy',
      'PutRolePolicy',
      'DetachRolePolicy',
      'DeleteRolePolicy',
      'TagRole',
      'DeleteRole',
    ]);
  });

  it('keeps inline policies of a role, up to 10,240 characters together', async () => {
    const inline = (await create('Inline')).Role!.RoleId!;
    const listUsers = doc({ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' });
    await iam.send(new PutRolePolicyCommand({ RoleName: 'Inline', PolicyName: 'B', PolicyDocument: listUsers }));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'Inline', PolicyName: 'A', PolicyDocument: listUsers }));
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName: 'Inline' }))).PolicyNames).toEqual(['A', 'B']);
    const got = await iam.send(new GetRolePolicyCommand({ RoleName: 'inline', PolicyName: 'A' }));
    expect([got.RoleName, got.PolicyName, decodeURIComponent(got.PolicyDocument!)]).toEqual(['Inline', 'A', listUsers]);
    await expectAwsError(
      iam.send(new GetRolePolicyCommand({ RoleName: 'Inline', PolicyName: 'C' })),
      'NoSuchEntity',
      404,
      'The role policy with name C cannot be found.',
    );
    const large = doc({
      Effect: 'Allow',
      Action: 'iam:ListUsers',
      Resource: `arn:aws:iam::*:user/${'a'.repeat(10200)}`,
    });
    await expectAwsError(
      iam.send(new PutRolePolicyCommand({ RoleName: 'Inline', PolicyName: 'Large', PolicyDocument: large })),
      'LimitExceeded',
      409,
      'Maximum policy size of 10240 bytes exceeded for role Inline',
    );
    await expectAwsError(
      iam.send(new PutRolePolicyCommand({ RoleName: 'Ghost', PolicyName: 'A', PolicyDocument: listUsers })),
      'NoSuchEntity',
      404,
      'The role with name Ghost cannot be found.',
    );
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'Inline', PolicyName: 'B' }));
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName: 'Inline' }))).PolicyNames).toEqual(['A']);
    expect(await eventsOf(inline)).toEqual(['CreateRole', 'PutRolePolicy', 'PutRolePolicy', 'DeleteRolePolicy']);
  });

  it('attaches up to 10 managed policies to a role', async () => {
    await create('Attached', { Path: '/ops/' });
    const arns: string[] = [];
    for (let i = 0; i < 10; i++) {
      const policy = await iam.send(
        new CreatePolicyCommand({
          PolicyName: `attached-${i}`,
          PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' }),
        }),
      );
      arns.push(policy.Policy!.Arn!);
    }
    for (const arn of arns) await iam.send(new AttachRolePolicyCommand({ RoleName: 'Attached', PolicyArn: arn }));
    // Attaching one that is attached already changes nothing.
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'Attached', PolicyArn: arns[0] }));
    await expectAwsError(
      iam.send(new AttachRolePolicyCommand({ RoleName: 'Attached', PolicyArn: READ_ONLY })),
      'LimitExceeded',
      409,
      'Cannot exceed quota for PoliciesPerRole: 10',
    );
    const listed = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'Attached', MaxItems: 4 }));
    expect(listed.AttachedPolicies!.map((a) => a.PolicyName)).toEqual([
      'attached-0',
      'attached-1',
      'attached-2',
      'attached-3',
    ]);
    expect(listed.IsTruncated).toBe(true);
    await expectAwsError(
      iam.send(new DetachRolePolicyCommand({ RoleName: 'Attached', PolicyArn: READ_ONLY })),
      'NoSuchEntity',
      404,
      `Policy ${READ_ONLY} was not found.`,
    );
    await expectAwsError(
      iam.send(new DeletePolicyCommand({ PolicyArn: arns[0] })),
      'DeleteConflict',
      409,
      'Cannot delete a policy attached to entities.',
    );
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arns[0] }))).Policy!.AttachmentCount).toBe(1);
  });

  it('sets and removes a permissions boundary, counted as a use of the policy', async () => {
    const boundary = (
      await iam.send(
        new CreatePolicyCommand({
          PolicyName: 'RoleBoundary',
          PolicyDocument: doc({ Effect: 'Allow', Action: 'iam:Get*', Resource: '*' }),
        }),
      )
    ).Policy!.Arn!;
    const created = await create('Bounded', { PermissionsBoundary: boundary });
    const expected = { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: boundary };
    expect(created.Role!.PermissionsBoundary).toEqual(expected);
    expect((await iam.send(new GetRoleCommand({ RoleName: 'Bounded' }))).Role!.PermissionsBoundary).toEqual(expected);
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: boundary }))).Policy!.PermissionsBoundaryUsageCount).toBe(
      1,
    );
    await expectAwsError(
      iam.send(new DeletePolicyCommand({ PolicyArn: boundary })),
      'DeleteConflict',
      409,
      'Cannot delete a policy attached to entities.',
    );

    await iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: 'Bounded' }));
    expect((await iam.send(new GetRoleCommand({ RoleName: 'Bounded' }))).Role!.PermissionsBoundary).toBeUndefined();
    await iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: 'bounded', PermissionsBoundary: ADMIN }));
    expect(
      (await iam.send(new GetRoleCommand({ RoleName: 'Bounded' }))).Role!.PermissionsBoundary!.PermissionsBoundaryArn,
    ).toBe(ADMIN);

    const missing = `arn:aws:iam::${accountId}:policy/NoSuchPolicy`;
    await expectAwsError(
      iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: 'Bounded', PermissionsBoundary: missing })),
      'NoSuchEntity',
      404,
      `Policy ${missing} does not exist or is not attachable.`,
    );
    await expectAwsError(create('BadBoundary', { PermissionsBoundary: missing }), 'NoSuchEntity', 404);
    await expectAwsError(iam.send(new GetRoleCommand({ RoleName: 'BadBoundary' })), 'NoSuchEntity', 404);
    expect(await eventsOf(created.Role!.RoleId!)).toEqual([
      'CreateRole',
      'DeleteRolePermissionsBoundary',
      'PutRolePermissionsBoundary',
    ]);
  });

  it('tags roles: keys compare ignoring case, kept in the order first given, at most 50', async () => {
    await create('Tagged', { Tags: [{ Key: 'Team', Value: 'a' }] });
    await iam.send(
      new TagRoleCommand({
        RoleName: 'Tagged',
        Tags: [
          { Key: 'cost', Value: '1' },
          { Key: 'TEAM', Value: 'b' },
        ],
      }),
    );
    expect((await iam.send(new ListRoleTagsCommand({ RoleName: 'tagged' }))).Tags).toEqual([
      { Key: 'TEAM', Value: 'b' },
      { Key: 'cost', Value: '1' },
    ]);
    await iam.send(new UntagRoleCommand({ RoleName: 'Tagged', TagKeys: ['team', 'absent'] }));
    expect((await iam.send(new GetRoleCommand({ RoleName: 'Tagged' }))).Role!.Tags).toEqual([
      { Key: 'cost', Value: '1' },
    ]);
    await expectAwsError(
      iam.send(
        new TagRoleCommand({
          RoleName: 'Tagged',
          Tags: [
            { Key: 'x', Value: '1' },
            { Key: 'X', Value: '2' },
          ],
        }),
      ),
      'InvalidInput',
      400,
      'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
    );
    const fifty = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await expectAwsError(
      iam.send(new TagRoleCommand({ RoleName: 'Tagged', Tags: fifty })),
      'LimitExceeded',
      409,
      'Cannot exceed quota for TagsPerRole: 50',
    );
    expect((await iam.send(new ListRoleTagsCommand({ RoleName: 'Tagged' }))).Tags).toHaveLength(1);
    const page = await iam.send(new ListRoleTagsCommand({ RoleName: 'Tagged', MaxItems: 1 }));
    expect(page.IsTruncated).toBe(false);
    await expectAwsError(
      iam.send(new TagRoleCommand({ RoleName: 'Nope', Tags: [{ Key: 'a', Value: 'b' }] })),
      'NoSuchEntity',
      404,
      'The role with name Nope cannot be found.',
    );
  });

  it('decides each role Action on iam:<Action> and the role’s ARN with its path', async () => {
    const guarded = (await create('Guarded', { Path: '/ops/' })).Role!.RoleId!;
    await create('Open');
    const userId = (await iam.send(new CreateUserCommand({ UserName: 'operator' }))).User!.UserId!;
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'operator',
        PolicyName: 'OpsRolesOnly',
        PolicyDocument: doc({
          Effect: 'Allow',
          Action: ['iam:GetRole', 'iam:TagRole'],
          Resource: `arn:aws:iam::${accountId}:role/ops/*`,
        }),
      }),
    );
    const operator = awsClients(
      t,
      endpoint,
      await keyFor(t, { accountId, principalId: userId, userName: 'operator' }),
    ).iam;
    expect((await operator.send(new GetRoleCommand({ RoleName: 'Guarded' }))).Role!.RoleName).toBe('Guarded');
    await operator.send(new TagRoleCommand({ RoleName: 'guarded', Tags: [{ Key: 'a', Value: 'b' }] }));
    await expectAwsError(
      operator.send(new GetRoleCommand({ RoleName: 'Open' })),
      'AccessDenied',
      403,
      `User: arn:aws:iam::${accountId}:user/operator is not authorized to perform: iam:GetRole on resource: arn:aws:iam::${accountId}:role/Open because no identity-based policy allows the iam:GetRole action`,
    );
    await expectAwsError(
      operator.send(new CreateRoleCommand({ RoleName: 'Mine', Path: '/ops/', AssumeRolePolicyDocument: trustAccount })),
      'AccessDenied',
      403,
      new RegExp(`iam:CreateRole on resource: arn:aws:iam::${accountId}:role/ops/Mine `),
    );
    const events = await listAuditEvents(t.deps.db, { accountId, targetId: guarded, eventName: 'TagRole', limit: 5 });
    expect(events.map((e) => [e.actorType, e.actorName])).toEqual([['user', 'operator']]);
  });

  it('allows 1,000 roles per account', async () => {
    const other = (await makeAccount(t.deps)).id;
    const root = awsClients(t, endpoint, await keyFor(t, { accountId: other, principalId: other, userName: null })).iam;
    const now = t.clock.now().toISOString();
    for (let i = 0; i < 999; i++) {
      await insertRole(t.deps.db, {
        id: newRoleId(),
        accountId: other,
        name: `bulk-${String(i).padStart(4, '0')}`,
        path: '/',
        description: null,
        trustPolicy: trustAccount,
        trustPrincipalIds: {},
        maxSessionDuration: 3600,
        permissionsBoundary: null,
        createdAt: now,
        lastUsedAt: null,
        lastUsedRegion: null,
      });
    }
    const trust = doc({ Effect: 'Allow', Principal: { AWS: other }, Action: 'sts:AssumeRole' });
    await root.send(new CreateRoleCommand({ RoleName: 'the-thousandth', AssumeRolePolicyDocument: trust }));
    await expectAwsError(
      root.send(new CreateRoleCommand({ RoleName: 'one-too-many', AssumeRolePolicyDocument: trust })),
      'LimitExceeded',
      409,
      'Cannot exceed quota for RolesPerAccount: 1000',
    );
    const first = await root.send(new ListRolesCommand({}));
    expect([first.Roles!.length, first.IsTruncated]).toEqual([100, true]);
  });
});
