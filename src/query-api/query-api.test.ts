import {
  AttachUserPolicyCommand,
  ChangePasswordCommand,
  CreateAccessKeyCommand,
  CreateAccountAliasCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteAccountAliasCommand,
  DeleteAccountPasswordPolicyCommand,
  DeleteLoginProfileCommand,
  DeleteUserCommand,
  GetAccessKeyLastUsedCommand,
  GetAccountPasswordPolicyCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  type IAMClient,
  ListAccessKeysCommand,
  ListAccountAliasesCommand,
  ListUserTagsCommand,
  ListUsersCommand,
  PutUserPolicyCommand,
  TagUserCommand,
  UntagUserCommand,
  UpdateAccessKeyCommand,
  UpdateAccountPasswordPolicyCommand,
  UpdateLoginProfileCommand,
  UpdateUserCommand,
} from '@aws-sdk/client-iam';
import {
  GetAccessKeyInfoCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  type STSClient,
} from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients, type AwsCredentials, expectAwsError, keyFor } from '../../test/support/aws-clients.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, USER_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { listen } from '../../test/support/listen.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { HOUR, MINUTE } from '../shared/clock.ts';

describe.each(DIALECTS)('IAM and STS Query API through the AWS SDK on %s', (dialect) => {
  let t: TestContext;
  let endpoint: string;
  let account: Awaited<ReturnType<typeof makeAccount>>;
  let rootKey: AwsCredentials;
  let iam: IAMClient;
  let sts: STSClient;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    // Whole seconds, as the SDK signs and AWS writes times.
    t.clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    endpoint = await listen(t.app);
    account = await makeAccount(t.deps);
    rootKey = await keyFor(t, { accountId: account.id, principalId: account.id, userName: null });
    ({ iam, sts } = awsClients(t, endpoint, rootKey));
  });
  afterAll(() => t.close());

  /** An IAM user with a console password and one access key, plus SDK clients signed with that key. */
  async function userWithKey(name: string, options: { isAdmin?: boolean } = {}) {
    const user = await makeUser(t.deps, account.id, name, options);
    const credentials = await keyFor(t, { accountId: account.id, principalId: user.id, userName: user.name });
    return { user, credentials, ...awsClients(t, endpoint, credentials) };
  }

  it('GetCallerIdentity names the root user and an IAM user, with the request ID header', async () => {
    const root = await sts.send(new GetCallerIdentityCommand({}));
    expect({ UserId: root.UserId, Account: root.Account, Arn: root.Arn }).toEqual({
      UserId: account.id,
      Account: account.id,
      Arn: `arn:aws:iam::${account.id}:root`,
    });
    expect(root.$metadata.requestId).toMatch(/\w+/);
    const alice = await userWithKey('gci-alice');
    const me = await alice.sts.send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({
      UserId: alice.user.id,
      Account: account.id,
      Arn: `arn:aws:iam::${account.id}:user/gci-alice`,
    });
  });

  it('creates, reads, renames and deletes users, with AWS errors for each failure', async () => {
    const created = await iam.send(
      new CreateUserCommand({ UserName: 'Bob', Path: '/team/', Tags: [{ Key: 'dept', Value: 'ops' }] }),
    );
    expect(created.User).toMatchObject({
      UserName: 'Bob',
      Path: '/team/',
      Arn: `arn:aws:iam::${account.id}:user/team/Bob`,
      Tags: [{ Key: 'dept', Value: 'ops' }],
    });
    expect(created.User!.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
    expect(created.User!.CreateDate).toBeInstanceOf(Date);

    await expectAwsError(
      iam.send(new CreateUserCommand({ UserName: 'bob' })),
      'EntityAlreadyExists',
      409,
      'User with name bob already exists.',
    );
    await expectAwsError(
      iam.send(new CreateUserCommand({ UserName: 'has space' })),
      'ValidationError',
      400,
      "1 validation error detected: Value at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    );
    await expectAwsError(
      iam.send(new CreateUserCommand({ UserName: 'x'.repeat(65) })),
      'ValidationError',
      400,
      /length less than or equal to 64/,
    );

    const got = await iam.send(new GetUserCommand({ UserName: 'BOB' }));
    expect(got.User).toMatchObject({
      UserName: 'Bob',
      UserId: created.User!.UserId,
      Tags: [{ Key: 'dept', Value: 'ops' }],
    });
    const root = await iam.send(new GetUserCommand({}));
    expect(root.User).toMatchObject({ UserId: account.id, Arn: `arn:aws:iam::${account.id}:root` });
    await expectAwsError(
      iam.send(new GetUserCommand({ UserName: 'nobody' })),
      'NoSuchEntity',
      404,
      'The user with name nobody cannot be found.',
    );

    await iam.send(new UpdateUserCommand({ UserName: 'Bob', NewUserName: 'Robert', NewPath: '/' }));
    const renamed = await iam.send(new GetUserCommand({ UserName: 'Robert' }));
    expect(renamed.User).toMatchObject({ UserName: 'Robert', Path: '/', UserId: created.User!.UserId });
    await iam.send(new CreateUserCommand({ UserName: 'Carol' }));
    await expectAwsError(
      iam.send(new UpdateUserCommand({ UserName: 'Robert', NewUserName: 'carol' })),
      'EntityAlreadyExists',
      409,
    );
    await expectAwsError(
      iam.send(new UpdateUserCommand({ UserName: 'nobody', NewUserName: 'x' })),
      'NoSuchEntity',
      404,
    );

    await iam.send(new DeleteUserCommand({ UserName: 'Robert' }));
    await expectAwsError(iam.send(new GetUserCommand({ UserName: 'Robert' })), 'NoSuchEntity', 404);
    await expectAwsError(iam.send(new DeleteUserCommand({ UserName: 'Robert' })), 'NoSuchEntity', 404);
    const events = await listAuditEvents(t.deps.db, {
      accountId: account.id,
      targetId: created.User!.UserId!,
      limit: 10,
    });
    expect(events.map((e) => e.eventName)).toEqual(expect.arrayContaining(['CreateUser', 'UpdateUser', 'DeleteUser']));
    expect(events.every((e) => e.actorType === 'root')).toBe(true);
  });

  it('reports PasswordLastUsed once a user (or the root user) has signed in with the password, in GetUser and ListUsers', async () => {
    await makeUser(t.deps, account.id, 'pat', { password: USER_PASSWORD });
    expect((await iam.send(new GetUserCommand({ UserName: 'pat' }))).User!.PasswordLastUsed).toBeUndefined();
    // A failed attempt is not a use.
    await new Browser(t.app).post(`/signin/${account.id}`, { userName: 'pat', password: 'not the password' });
    expect((await iam.send(new GetUserCommand({ UserName: 'pat' }))).User!.PasswordLastUsed).toBeUndefined();
    t.clock.advance(60_000);
    const signedInAt = t.clock.now();
    expect(
      (await new Browser(t.app).post(`/signin/${account.id}`, { userName: 'pat', password: USER_PASSWORD })).statusCode,
    ).toBe(303);
    t.clock.advance(5_000);
    expect((await iam.send(new GetUserCommand({ UserName: 'pat' }))).User!.PasswordLastUsed).toEqual(signedInAt);
    const listed = (await iam.send(new ListUsersCommand({}))).Users!.find((u) => u.UserName === 'pat')!;
    expect(listed.PasswordLastUsed).toEqual(signedInAt);

    expect(
      (await new Browser(t.app).post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD }))
        .statusCode,
    ).toBe(303);
    expect((await iam.send(new GetUserCommand({}))).User!.PasswordLastUsed).toEqual(t.clock.now());
  });

  it('refuses DeleteUser while a console password or access keys remain (DeleteConflict)', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'dana' }));
    await iam.send(new CreateLoginProfileCommand({ UserName: 'dana', Password: USER_PASSWORD }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'dana' }));
    await expectAwsError(
      iam.send(new DeleteUserCommand({ UserName: 'dana' })),
      'DeleteConflict',
      409,
      'Cannot delete entity, must delete login profile first.',
    );
    await iam.send(new DeleteLoginProfileCommand({ UserName: 'dana' }));
    await expectAwsError(
      iam.send(new DeleteUserCommand({ UserName: 'dana' })),
      'DeleteConflict',
      409,
      'Cannot delete entity, must delete access keys first.',
    );
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'dana', AccessKeyId: key.AccessKey!.AccessKeyId }));
    await iam.send(new DeleteUserCommand({ UserName: 'dana' }));
  });

  it('pages ListUsers with Marker/MaxItems: nothing lost, nothing repeated; PathPrefix filters', async () => {
    const names = Array.from({ length: 23 }, (_, i) => `page-${String(i).padStart(2, '0')}`);
    for (const name of names)
      await iam.send(new CreateUserCommand({ UserName: name, Path: name.endsWith('7') ? '/seven/' : '/paged/' }));
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await iam.send(
        new ListUsersCommand({ PathPrefix: '/', MaxItems: 5, ...(marker ? { Marker: marker } : {}) }),
      );
      pages++;
      expect(page.Users!.length).toBeLessThanOrEqual(5);
      seen.push(...page.Users!.map((u) => u.UserName!));
      expect(page.IsTruncated).toBe(page.Marker !== undefined);
      marker = page.Marker;
    } while (marker);
    const paged = seen.filter((n) => n.startsWith('page-'));
    expect(paged).toEqual(names);
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBeGreaterThan(4);

    const sevens = await iam.send(new ListUsersCommand({ PathPrefix: '/seven/' }));
    expect(sevens.Users!.map((u) => u.UserName)).toEqual(['page-07', 'page-17']);
    expect(sevens.IsTruncated).toBe(false);
    const none = await iam.send(new ListUsersCommand({ PathPrefix: '/nothing-here/' }));
    expect(none.Users).toEqual([]);
    await expectAwsError(
      iam.send(new ListUsersCommand({ Marker: 'not-a-marker' })),
      'ValidationError',
      400,
      'Invalid Marker.',
    );
    await expectAwsError(
      iam.send(new ListUsersCommand({ MaxItems: 1001 })),
      'ValidationError',
      400,
      /value less than or equal to 1000/,
    );
  });

  it('tags users: TagUser replaces values ignoring key case, UntagUser removes, ListUserTags lists in the order keys were first given', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'tagged' }));
    await iam.send(
      new TagUserCommand({
        UserName: 'tagged',
        Tags: [
          { Key: 'Team', Value: 'a' },
          { Key: 'cost', Value: '' },
        ],
      }),
    );
    await iam.send(
      new TagUserCommand({
        UserName: 'tagged',
        Tags: [
          { Key: 'team', Value: 'b' },
          { Key: 'Zone', Value: '1' },
          { Key: 'alpha', Value: '2' },
        ],
      }),
    );
    const inOrder = [
      { Key: 'team', Value: 'b' },
      { Key: 'cost', Value: '' },
      { Key: 'Zone', Value: '1' },
      { Key: 'alpha', Value: '2' },
    ];
    const listed = await iam.send(new ListUserTagsCommand({ UserName: 'tagged' }));
    expect(listed.Tags).toEqual(inOrder);
    expect(listed.IsTruncated).toBe(false);
    expect((await iam.send(new GetUserCommand({ UserName: 'tagged' }))).User!.Tags).toEqual(inOrder);
    const first = await iam.send(new ListUserTagsCommand({ UserName: 'tagged', MaxItems: 3 }));
    expect([first.Tags, first.IsTruncated]).toEqual([inOrder.slice(0, 3), true]);
    expect((await iam.send(new ListUserTagsCommand({ UserName: 'tagged', Marker: first.Marker }))).Tags).toEqual(
      inOrder.slice(3),
    );
    await iam.send(new UntagUserCommand({ UserName: 'tagged', TagKeys: ['COST', 'absent', 'Zone', 'alpha'] }));
    expect((await iam.send(new ListUserTagsCommand({ UserName: 'tagged' }))).Tags).toEqual([
      { Key: 'team', Value: 'b' },
    ]);
    await expectAwsError(
      iam.send(new UntagUserCommand({ UserName: 'tagged', TagKeys: ['NOWAY!'] })),
      'ValidationError',
      400,
      "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+, Member must not be null]",
    );
    await iam.send(new UntagUserCommand({ UserName: 'tagged', TagKeys: ['team'] }));
    expect((await iam.send(new ListUserTagsCommand({ UserName: 'tagged' }))).Tags).toEqual([]);
    await expectAwsError(
      iam.send(
        new TagUserCommand({
          UserName: 'tagged',
          Tags: [
            { Key: 'k', Value: '1' },
            { Key: 'K', Value: '2' },
          ],
        }),
      ),
      'InvalidInput',
      400,
      'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
    );
    await expectAwsError(
      iam.send(new TagUserCommand({ UserName: 'nobody', Tags: [{ Key: 'k', Value: 'v' }] })),
      'NoSuchEntity',
      404,
    );
    await expectAwsError(iam.send(new ListUserTagsCommand({ UserName: 'nobody' })), 'NoSuchEntity', 404);
  });

  it('manages login profiles with AWS messages, and enforces the password rules', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'erin' }));
    await expectAwsError(
      iam.send(new GetLoginProfileCommand({ UserName: 'erin' })),
      'NoSuchEntity',
      404,
      'Login Profile for User erin cannot be found.',
    );
    const created = await iam.send(new CreateLoginProfileCommand({ UserName: 'erin', Password: USER_PASSWORD }));
    expect(created.LoginProfile).toMatchObject({ UserName: 'erin', PasswordResetRequired: false });
    expect(created.LoginProfile!.CreateDate).toBeInstanceOf(Date);
    await expectAwsError(
      iam.send(new CreateLoginProfileCommand({ UserName: 'erin', Password: USER_PASSWORD })),
      'EntityAlreadyExists',
      409,
      'Login Profile for user erin already exists.',
    );
    await expectAwsError(
      iam.send(new CreateLoginProfileCommand({ UserName: 'nobody', Password: USER_PASSWORD })),
      'NoSuchEntity',
      404,
    );
    await expectAwsError(
      iam.send(new CreateLoginProfileCommand({ Password: USER_PASSWORD })),
      'ValidationError',
      400,
      'Must specify userName when calling with non-User credentials',
    );

    await iam.send(new UpdateLoginProfileCommand({ UserName: 'erin', PasswordResetRequired: true }));
    expect((await iam.send(new GetLoginProfileCommand({ UserName: 'erin' }))).LoginProfile!.PasswordResetRequired).toBe(
      true,
    );
    await iam.send(new UpdateLoginProfileCommand({ UserName: 'erin', Password: 'another fine password 2' }));
    expect((await iam.send(new GetLoginProfileCommand({ UserName: 'erin' }))).LoginProfile!.PasswordResetRequired).toBe(
      true,
    );
    await expectAwsError(
      iam.send(new UpdateLoginProfileCommand({ UserName: 'erin', Password: 'short' })),
      'PasswordPolicyViolation',
      400,
    );

    await iam.send(new DeleteLoginProfileCommand({ UserName: 'erin' }));
    await expectAwsError(
      iam.send(new DeleteLoginProfileCommand({ UserName: 'erin' })),
      'NoSuchEntity',
      404,
      'Login Profile for User erin cannot be found.',
    );
    await expectAwsError(
      iam.send(new UpdateLoginProfileCommand({ UserName: 'erin', Password: 'yet another password 3' })),
      'NoSuchEntity',
      404,
    );
  });

  it("ChangePassword changes the caller's own password with the old one; the root user cannot call it", async () => {
    const frank = await userWithKey('frank');
    await iam.send(
      new AttachUserPolicyCommand({ UserName: 'frank', PolicyArn: 'arn:aws:iam::aws:policy/IAMUserChangePassword' }),
    );
    await expectAwsError(
      frank.iam.send(new ChangePasswordCommand({ OldPassword: 'not my password', NewPassword: 'a new password 42' })),
      'InvalidInput',
      400,
    );
    await frank.iam.send(new ChangePasswordCommand({ OldPassword: USER_PASSWORD, NewPassword: 'a new password 42' }));
    const events = await listAuditEvents(t.deps.db, {
      accountId: account.id,
      targetId: frank.user.id,
      eventName: 'ChangePassword',
      limit: 5,
    });
    expect(events).toHaveLength(1);
    await expectAwsError(
      iam.send(new ChangePasswordCommand({ OldPassword: USER_PASSWORD, NewPassword: 'a new password 42' })),
      'InvalidUserType',
      400,
    );
  });

  it('manages access keys: shown once, two at most, inactive keys refused, last use recorded', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'gina' }));
    expect((await iam.send(new ListAccessKeysCommand({ UserName: 'gina' }))).AccessKeyMetadata).toEqual([]);
    const first = (await iam.send(new CreateAccessKeyCommand({ UserName: 'gina' }))).AccessKey!;
    expect(first.AccessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(first.SecretAccessKey).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(first).toMatchObject({ UserName: 'gina', Status: 'Active' });
    const second = (await iam.send(new CreateAccessKeyCommand({ UserName: 'gina' }))).AccessKey!;
    await expectAwsError(
      iam.send(new CreateAccessKeyCommand({ UserName: 'gina' })),
      'LimitExceeded',
      409,
      'Cannot exceed quota for AccessKeysPerUser: 2',
    );
    await expectAwsError(
      iam.send(new CreateAccessKeyCommand({ UserName: 'nobody' })),
      'NoSuchEntity',
      404,
      'The user with name nobody cannot be found.',
    );

    const listed = await iam.send(new ListAccessKeysCommand({ UserName: 'gina' }));
    expect(listed.AccessKeyMetadata!.map((k) => k.AccessKeyId).sort()).toEqual(
      [first.AccessKeyId, second.AccessKeyId].sort(),
    );
    expect(JSON.stringify(listed)).not.toContain(first.SecretAccessKey);

    const unused = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: first.AccessKeyId }));
    expect(unused.UserName).toBe('gina');
    expect(unused.AccessKeyLastUsed).toEqual({ ServiceName: 'N/A', Region: 'N/A' });
    const gina = awsClients(t, endpoint, { accessKeyId: first.AccessKeyId!, secretAccessKey: first.SecretAccessKey! });
    await gina.sts.send(new GetCallerIdentityCommand({}));
    const used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: first.AccessKeyId }));
    expect(used.AccessKeyLastUsed).toMatchObject({ ServiceName: 'sts', Region: 'us-east-1' });
    expect(used.AccessKeyLastUsed!.LastUsedDate).toBeInstanceOf(Date);
    await expectAwsError(
      iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: 'AKIAAAAAAAAAAAAAAAAA' })),
      'AccessDenied',
      403,
      `User: arn:aws:iam::${account.id}:root is not authorized to perform iam:GetAccessKeyLastUsed on resource: access key AKIAAAAAAAAAAAAAAAAA`,
    );

    await iam.send(
      new UpdateAccessKeyCommand({ UserName: 'gina', AccessKeyId: first.AccessKeyId, Status: 'Inactive' }),
    );
    expect(
      (await iam.send(new ListAccessKeysCommand({ UserName: 'gina' }))).AccessKeyMetadata!.find(
        (k) => k.AccessKeyId === first.AccessKeyId,
      )!.Status,
    ).toBe('Inactive');
    await expectAwsError(
      gina.sts.send(new GetCallerIdentityCommand({})),
      'InvalidClientTokenId',
      403,
      'The security token included in the request is invalid.',
    );
    await iam.send(new UpdateAccessKeyCommand({ UserName: 'gina', AccessKeyId: first.AccessKeyId, Status: 'Active' }));
    await gina.sts.send(new GetCallerIdentityCommand({}));
    await expectAwsError(
      iam.send(new UpdateAccessKeyCommand({ UserName: 'gina', AccessKeyId: first.AccessKeyId, Status: 'Expired' })),
      'ValidationError',
      400,
    );
    await expectAwsError(
      iam.send(
        new UpdateAccessKeyCommand({ UserName: 'gina', AccessKeyId: 'AKIAAAAAAAAAAAAAAAAA', Status: 'Inactive' }),
      ),
      'NoSuchEntity',
      404,
      'The Access Key with id AKIAAAAAAAAAAAAAAAAA cannot be found.',
    );
    // Another user's key is not found under this user.
    await expectAwsError(iam.send(new DeleteAccessKeyCommand({ AccessKeyId: first.AccessKeyId })), 'NoSuchEntity', 404);

    await iam.send(new DeleteAccessKeyCommand({ UserName: 'gina', AccessKeyId: first.AccessKeyId }));
    await expectAwsError(gina.sts.send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 403);
    const events = await listAuditEvents(t.deps.db, { accountId: account.id, limit: 200 });
    const keyEvents = events.filter((e) => e.details?.includes(first.AccessKeyId!)).map((e) => e.eventName);
    expect(keyEvents).toEqual(expect.arrayContaining(['CreateAccessKey', 'UpdateAccessKey', 'DeleteAccessKey']));
    expect(JSON.stringify(events)).not.toContain(first.SecretAccessKey);
  });

  it('lets the root user hold keys of its own (no UserName)', async () => {
    const own = await iam.send(new ListAccessKeysCommand({}));
    expect(own.AccessKeyMetadata!.map((k) => k.AccessKeyId)).toContain(rootKey.accessKeyId);
    expect(own.AccessKeyMetadata![0]!.UserName).toBeUndefined();
  });

  it('manages the account alias', async () => {
    const alias = `query-${dialect}-${account.id.slice(0, 6)}`;
    expect((await iam.send(new ListAccountAliasesCommand({}))).AccountAliases).toEqual([]);
    await iam.send(new CreateAccountAliasCommand({ AccountAlias: alias }));
    const listed = await iam.send(new ListAccountAliasesCommand({}));
    expect(listed.AccountAliases).toEqual([alias]);
    expect(listed.IsTruncated).toBe(false);
    await expectAwsError(
      iam.send(new CreateAccountAliasCommand({ AccountAlias: 'Bad_Alias' })),
      'ValidationError',
      400,
    );
    await expectAwsError(iam.send(new DeleteAccountAliasCommand({ AccountAlias: 'not-mine' })), 'NoSuchEntity', 404);
    await iam.send(new DeleteAccountAliasCommand({ AccountAlias: alias }));
    expect((await iam.send(new ListAccountAliasesCommand({}))).AccountAliases).toEqual([]);
  });

  it('manages the account password policy with AWS shapes and messages', async () => {
    await expectAwsError(
      iam.send(new GetAccountPasswordPolicyCommand({})),
      'NoSuchEntity',
      404,
      `The Password Policy with domain name ${account.id} cannot be found.`,
    );
    await expectAwsError(
      iam.send(new DeleteAccountPasswordPolicyCommand({})),
      'NoSuchEntity',
      404,
      'The account policy with name PasswordPolicy cannot be found.',
    );
    await iam.send(new UpdateAccountPasswordPolicyCommand({}));
    const defaults = (await iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy;
    expect(defaults).toEqual({
      AllowUsersToChangePassword: false,
      ExpirePasswords: false,
      MinimumPasswordLength: 6,
      RequireLowercaseCharacters: false,
      RequireNumbers: false,
      RequireSymbols: false,
      RequireUppercaseCharacters: false,
    });
    await iam.send(
      new UpdateAccountPasswordPolicyCommand({
        MinimumPasswordLength: 10,
        RequireSymbols: true,
        RequireNumbers: true,
        RequireUppercaseCharacters: true,
        RequireLowercaseCharacters: true,
        AllowUsersToChangePassword: true,
        MaxPasswordAge: 60,
        PasswordReusePrevention: 3,
        HardExpiry: true,
      }),
    );
    expect((await iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy).toEqual({
      AllowUsersToChangePassword: true,
      ExpirePasswords: true,
      HardExpiry: true,
      MaxPasswordAge: 60,
      MinimumPasswordLength: 10,
      PasswordReusePrevention: 3,
      RequireLowercaseCharacters: true,
      RequireNumbers: true,
      RequireSymbols: true,
      RequireUppercaseCharacters: true,
    });
    await expectAwsError(
      iam.send(
        new UpdateAccountPasswordPolicyCommand({
          MaxPasswordAge: 1096,
          MinimumPasswordLength: 129,
          PasswordReusePrevention: 25,
        }),
      ),
      'ValidationError',
      400,
      "3 validation errors detected: Value at 'minimumPasswordLength' failed to satisfy constraint: Member must have value less than or equal to 128; Value at 'passwordReusePrevention' failed to satisfy constraint: Member must have value less than or equal to 24; Value at 'maxPasswordAge' failed to satisfy constraint: Member must have value less than or equal to 1095",
    );
    // HardExpiry shows when the last update gave it, false included, as IAM answers; the ages only when set.
    await iam.send(new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 8, HardExpiry: false }));
    expect((await iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy).toEqual({
      ...defaults,
      MinimumPasswordLength: 8,
      HardExpiry: false,
    });
    await iam.send(new UpdateAccountPasswordPolicyCommand({ PasswordReusePrevention: 24 }));
    expect((await iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy).toEqual({
      ...defaults,
      PasswordReusePrevention: 24,
    });
    await iam.send(new DeleteAccountPasswordPolicyCommand({}));
    await expectAwsError(iam.send(new GetAccountPasswordPolicyCommand({})), 'NoSuchEntity', 404);
  });

  it('refuses IAM users what no policy allows, with AWS AccessDenied messages, and grants what a policy allows', async () => {
    const hank = await userWithKey('hank');
    await expectAwsError(
      hank.iam.send(new CreateUserCommand({ UserName: 'made-by-hank' })),
      'AccessDenied',
      403,
      `User: arn:aws:iam::${account.id}:user/hank is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${account.id}:user/made-by-hank because no identity-based policy allows the iam:CreateUser action`,
    );
    await expectAwsError(
      hank.iam.send(new ListUsersCommand({})),
      'AccessDenied',
      403,
      /iam:ListUsers on resource: \* because/,
    );
    await expectAwsError(hank.iam.send(new CreateAccessKeyCommand({})), 'AccessDenied', 403);
    await expectAwsError(hank.iam.send(new GetUserCommand({})), 'AccessDenied', 403);
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'hank',
        PolicyName: 'read-self',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['iam:GetUser', 'iam:ListAccessKeys'],
              Resource: 'arn:aws:iam::*:user/${aws:username}',
            },
          ],
        }),
      }),
    );
    expect((await hank.iam.send(new GetUserCommand({}))).User!.UserName).toBe('hank');
    expect((await hank.iam.send(new ListAccessKeysCommand({}))).AccessKeyMetadata).toHaveLength(1);
    await expectAwsError(hank.iam.send(new GetUserCommand({ UserName: 'gina' })), 'AccessDenied', 403);

    const admin = await userWithKey('ivy-admin', { isAdmin: true });
    await admin.iam.send(new CreateUserCommand({ UserName: 'made-by-admin' }));
    const events = await listAuditEvents(t.deps.db, { accountId: account.id, eventName: 'CreateUser', limit: 5 });
    expect(events[0]).toMatchObject({ targetName: 'made-by-admin', actorType: 'user', actorName: 'ivy-admin' });
  });

  it('GetSessionToken issues ASIA credentials the API accepts until they expire', async () => {
    const rootSession = (await sts.send(new GetSessionTokenCommand({ DurationSeconds: 129600 }))).Credentials!;
    expect(rootSession.Expiration!.getTime() - t.clock.now().getTime()).toBe(3600 * 1000);
    const jack = await userWithKey('jack');
    const issued = (await jack.sts.send(new GetSessionTokenCommand({}))).Credentials!;
    expect(issued.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(issued.SecretAccessKey).toHaveLength(40);
    expect(issued.Expiration!.getTime() - t.clock.now().getTime()).toBe(43200 * 1000);
    await expectAwsError(
      jack.sts.send(new GetSessionTokenCommand({ DurationSeconds: 899 })),
      'ValidationError',
      400,
      /greater than or equal to 900/,
    );
    await expectAwsError(
      jack.sts.send(new GetSessionTokenCommand({ DurationSeconds: 129601 })),
      'ValidationError',
      400,
    );

    const temporary = {
      accessKeyId: issued.AccessKeyId!,
      secretAccessKey: issued.SecretAccessKey!,
      sessionToken: issued.SessionToken!,
    };
    const session = awsClients(t, endpoint, temporary);
    expect((await session.sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:iam::${account.id}:user/jack`);
    await expectAwsError(
      session.sts.send(new GetSessionTokenCommand({})),
      'AccessDenied',
      403,
      'Cannot call GetSessionToken with session credentials',
    );
    await expectAwsError(session.iam.send(new GetUserCommand({})), 'InvalidClientTokenId', 403);
    const wrongToken = awsClients(t, endpoint, {
      ...temporary,
      sessionToken: (temporary.sessionToken.startsWith('x') ? 'y' : 'x') + temporary.sessionToken.slice(1),
    });
    await expectAwsError(wrongToken.sts.send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 403);
    const noToken = awsClients(t, endpoint, {
      accessKeyId: temporary.accessKeyId,
      secretAccessKey: temporary.secretAccessKey,
    });
    await expectAwsError(noToken.sts.send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 403);

    const info = await sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: issued.AccessKeyId }));
    expect(info.Account).toBe(account.id);
    expect((await sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: jack.credentials.accessKeyId }))).Account).toBe(
      account.id,
    );
    await expectAwsError(
      sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: 'AKIAAAAAAAAAAAAAAAAA' })),
      'InvalidParameterValue',
      400,
    );

    t.clock.advance(12 * HOUR - MINUTE);
    await awsClients(t, endpoint, temporary).sts.send(new GetCallerIdentityCommand({}));
    t.clock.advance(2 * MINUTE);
    await expectAwsError(
      awsClients(t, endpoint, temporary).sts.send(new GetCallerIdentityCommand({})),
      'ExpiredToken',
      403,
      'The security token included in the request is expired',
    );
    t.clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
  });

  it('lets users change their own password and read the policy only where AllowUsersToChangePassword says so', async () => {
    const mia = await userWithKey('mia');
    await iam.send(new UpdateAccountPasswordPolicyCommand({ AllowUsersToChangePassword: false }));
    await expectAwsError(
      mia.iam.send(new ChangePasswordCommand({ OldPassword: USER_PASSWORD, NewPassword: 'mia changes it 1' })),
      'AccessDenied',
      403,
      `User: arn:aws:iam::${account.id}:user/mia is not authorized to perform: iam:ChangePassword on resource: arn:aws:iam::${account.id}:user/mia because no identity-based policy allows the iam:ChangePassword action`,
    );
    await expectAwsError(mia.iam.send(new GetAccountPasswordPolicyCommand({})), 'AccessDenied', 403);
    await iam.send(new UpdateAccountPasswordPolicyCommand({ AllowUsersToChangePassword: true }));
    expect(
      (await mia.iam.send(new GetAccountPasswordPolicyCommand({}))).PasswordPolicy!.AllowUsersToChangePassword,
    ).toBe(true);
    await mia.iam.send(new ChangePasswordCommand({ OldPassword: USER_PASSWORD, NewPassword: 'mia changes it 1' }));
    await iam.send(new DeleteAccountPasswordPolicyCommand({}));
  });

  it('refuses MFA details on GetSessionToken until MFA devices can be checked', async () => {
    await expectAwsError(
      sts.send(new GetSessionTokenCommand({ SerialNumber: 'arn:aws:iam::123456789012:mfa/x', TokenCode: '123456' })),
      'AccessDenied',
      403,
      /MultiFactorAuthentication failed/,
    );
  });
});
