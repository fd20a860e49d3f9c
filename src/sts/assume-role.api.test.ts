import {
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteUserCommand,
  GetRoleCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListGroupsCommand,
  ListUsersCommand,
  PutRolePermissionsBoundaryCommand,
} from '@aws-sdk/client-iam';
import {
  AssumeRoleCommand,
  type AssumeRoleCommandInput,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients, type AwsCredentials, expectAwsError, keyFor } from '../../test/support/aws-clients.ts';
import { giveAuthenticator, setUserPolicy } from '../../test/support/console.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { listen } from '../../test/support/listen.ts';
import { pageText } from '../../test/support/page-text.ts';
import { makeRole, trustPolicy } from '../../test/support/role-sessions.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { deleteRoleRow, findRoleById } from '../identities/role.repository.ts';
import { INVALID_MFA_CODE } from '../mfa/mfa-sts.service.ts';
import { codeAt, stepAt } from '../mfa/totp.ts';
import { findSessionCredential } from './session-credential.repository.ts';
import { REVOKE_OLDER_SESSIONS, revokeOlderRoleSessions } from './revoke-sessions.service.ts';

const LIST_USERS = { Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' };
const LIST_GROUPS = { Effect: 'Allow', Action: 'iam:ListGroups', Resource: '*' };

describe.each(DIALECTS)('STS AssumeRole through the AWS SDK on %s', (dialect) => {
  let t: TestContext;
  let endpoint: string;
  let home: Awaited<ReturnType<typeof makeAccount>>;
  let other: Awaited<ReturnType<typeof makeAccount>>;
  /** The home account's root user's key (a root user may have two). */
  let rootKey: AwsCredentials;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    // Whole 30-second steps: the SDK signs whole seconds, and TOTP codes come from steps.
    t.clock.set(new Date(Math.floor(Date.now() / 30_000) * 30_000));
    endpoint = await listen(t.app);
    home = await makeAccount(t.deps);
    other = await makeAccount(t.deps);
    rootKey = await keyFor(t, { accountId: home.id, principalId: home.id, userName: null });
  });
  afterAll(() => t.close());

  const rootArnOf = (accountId: string) => `arn:aws:iam::${accountId}:root`;

  /** An IAM user with a key, SDK clients signed with it, and (optionally) an identity policy. */
  async function userWithKey(accountId: string, name: string, statements?: object[]) {
    const user = await makeUser(t.deps, accountId, name);
    if (statements) await setUserPolicy(t, accountId, name, 'mine', statements);
    const credentials = await keyFor(t, { accountId, principalId: user.id, userName: user.name });
    return {
      user,
      arn: `arn:aws:iam::${accountId}:user/${name}`,
      credentials,
      ...awsClients(t, endpoint, credentials),
    };
  }

  function clientsOf(c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string }) {
    const credentials: AwsCredentials = {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
    };
    return awsClients(t, endpoint, credentials);
  }

  async function assume(sts: STSClient, input: Partial<AssumeRoleCommandInput> & { RoleArn: string }) {
    const out = await sts.send(new AssumeRoleCommand({ RoleSessionName: 'session', ...input }));
    return { out, ...clientsOf(out.Credentials!) };
  }

  /** When credentials issued now for `seconds` expire, as AWS writes the time (whole seconds). */
  const expiresIn = (seconds: number) => Math.floor(t.clock.now().getTime() / 1000) * 1000 + seconds * 1000;

  const assumeRoleEvents = (accountId: string) =>
    listAuditEvents(t.deps.db, { accountId, eventName: 'AssumeRole', limit: 1000 });

  const denied = (callerArn: string, roleArn: string, action = 'sts:AssumeRole') =>
    `User: ${callerArn} is not authorized to perform: ${action} on resource: ${roleArn}`;

  it('assumes a role of its own account: temporary credentials that act as the role, named as AWS names them', async () => {
    const role = await makeRole(t, home.id, 'Reader', trustPolicy({ Principal: { AWS: rootArnOf(home.id) } }), {
      policy: [LIST_USERS],
    });
    const ann = await userWithKey(home.id, 'ann', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: role.arn }]);
    t.clock.advance(1000);
    const { out, iam, sts } = await assume(ann.sts, { RoleArn: role.arn, RoleSessionName: 'ann-reads' });
    expect(out.Credentials!.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(out.Credentials!.Expiration!.getTime()).toBe(expiresIn(3600));
    expect(out.AssumedRoleUser).toEqual({
      AssumedRoleId: `${role.id}:ann-reads`,
      Arn: `arn:aws:sts::${home.id}:assumed-role/Reader/ann-reads`,
    });
    expect(out.PackedPolicySize).toBeUndefined();
    expect(out.SourceIdentity).toBeUndefined();

    const me = await sts.send(new GetCallerIdentityCommand({}));
    expect({ UserId: me.UserId, Account: me.Account, Arn: me.Arn }).toEqual({
      UserId: `${role.id}:ann-reads`,
      Account: home.id,
      Arn: `arn:aws:sts::${home.id}:assumed-role/Reader/ann-reads`,
    });
    expect((await iam.send(new ListUsersCommand({}))).Users!.map((u) => u.UserName)).toContain('ann');
    await expectAwsError(
      iam.send(new ListGroupsCommand({})),
      'AccessDenied',
      403,
      `User: arn:aws:sts::${home.id}:assumed-role/Reader/ann-reads is not authorized to perform: iam:ListGroups on resource: * because no identity-based policy allows the iam:ListGroups action`,
    );
    // A role session is no user: Actions that default to the caller's user must be told one.
    // Each call starts only when the one before has been judged: a second call started early could
    // reject while nobody listens yet, which the runner reports as an unhandled rejection.
    for (const call of [() => iam.send(new GetUserCommand({})), () => iam.send(new ListAccessKeysCommand({}))]) {
      await expectAwsError(
        call(),
        'ValidationError',
        400,
        'Must specify userName when calling with non-User credentials',
      );
    }
    await expectAwsError(
      sts.send(new GetSessionTokenCommand({})),
      'AccessDenied',
      403,
      'Cannot call GetSessionToken with session credentials',
    );

    expect((await findRoleById(t.deps.db, role.id))?.lastUsedAt).toBe(t.clock.now().toISOString());
    expect((await findRoleById(t.deps.db, role.id))?.lastUsedRegion).toBe('us-east-1');
    const event = (await assumeRoleEvents(home.id)).find((e) => e.eventName === 'AssumeRole' && e.outcome === null)!;
    expect({ actor: event.actorName, target: event.targetName, ip: event.sourceIp }).toEqual({
      actor: 'ann',
      target: 'Reader',
      ip: '127.0.0.1',
    });
    expect(JSON.parse(event.details!)).toMatchObject({
      roleArn: role.arn,
      roleSessionName: 'ann-reads',
      callerArn: ann.arn,
      durationSeconds: 3600,
      accessKeyId: out.Credentials!.AccessKeyId,
      mfaAuthenticated: false,
      sourceIdentity: null,
    });
  });

  it('within one account, a trust policy naming the user suffices; one naming only the account needs the identity policy too', async () => {
    const byAccount = await makeRole(t, home.id, 'ByAccount', trustPolicy({ Principal: { AWS: home.id } }));
    const bob = await userWithKey(home.id, 'bob');
    const byName = await makeRole(t, home.id, 'ByName', trustPolicy({ Principal: { AWS: bob.arn } }));
    await expectAwsError(
      bob.sts.send(new AssumeRoleCommand({ RoleArn: byAccount.arn, RoleSessionName: 'b' + 'b' })),
      'AccessDenied',
      403,
      denied(bob.arn, byAccount.arn),
    );
    await assume(bob.sts, { RoleArn: byName.arn });
    await setUserPolicy(t, home.id, 'bob', 'assume', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
    await assume(bob.sts, { RoleArn: byAccount.arn });
    // An explicit Deny of the caller's own wins over a trust policy that names it.
    await setUserPolicy(t, home.id, 'bob', 'no-roles', [{ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' }]);
    await expectAwsError(
      bob.sts.send(new AssumeRoleCommand({ RoleArn: byName.arn, RoleSessionName: 'bb' })),
      'AccessDenied',
      403,
      denied(bob.arn, byName.arn),
    );
    // A role that does not exist is refused in the same words.
    const nowhere = `arn:aws:iam::${home.id}:role/Nowhere`;
    await expectAwsError(
      bob.sts.send(new AssumeRoleCommand({ RoleArn: nowhere, RoleSessionName: 'bb' })),
      'AccessDenied',
      403,
      denied(bob.arn, nowhere),
    );
    const refusals = (await assumeRoleEvents(home.id)).filter(
      (e) => e.eventName === 'AssumeRole' && e.outcome === 'Failure' && e.actorName === 'bob',
    );
    expect(refusals.map((e) => e.reason).sort()).toEqual([
      'IdentityPolicyDenied',
      'IdentityPolicyDenied',
      'NoSuchRole',
    ]);
  });

  it('a trust policy that does not name the caller refuses with AWS’s words, whatever the caller’s own policies say', async () => {
    const carol = await userWithKey(home.id, 'carol', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
    const dave = await userWithKey(home.id, 'dave');
    const role = await makeRole(t, home.id, 'DaveOnly', trustPolicy({ Principal: { AWS: dave.arn } }));
    await expectAwsError(
      carol.sts.send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'carol' })),
      'AccessDenied',
      403,
      denied(carol.arn, role.arn),
    );
    const reasons = (await assumeRoleEvents(home.id))
      .filter((e) => e.eventName === 'AssumeRole' && e.actorName === 'carol')
      .map((e) => e.reason);
    expect(reasons).toEqual(['TrustPolicyDenied']);
  });

  it('the root user cannot assume roles', async () => {
    const role = await makeRole(t, home.id, 'ForRoot', trustPolicy({ Principal: { AWS: '*' } }));
    const root = awsClients(t, endpoint, rootKey);
    await expectAwsError(
      root.sts.send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'root' })),
      'AccessDenied',
      403,
      'Roles may not be assumed by root accounts.',
    );
  });

  it('across accounts both sides must allow, and an ExternalId condition must be met', async () => {
    const role = await makeRole(
      t,
      other.id,
      'Partner',
      trustPolicy({
        Principal: { AWS: rootArnOf(home.id) },
        Condition: { StringEquals: { 'sts:ExternalId': 'shared-secret-42' } },
      }),
      { policy: [LIST_USERS] },
    );
    const open = await makeRole(t, other.id, 'PartnerOpen', trustPolicy({ Principal: { AWS: rootArnOf(home.id) } }));
    const erin = await userWithKey(home.id, 'erin');
    // The trust policy allows; erin's own policies do not.
    await expectAwsError(
      erin.sts.send(new AssumeRoleCommand({ RoleArn: open.arn, RoleSessionName: 'erin' })),
      'AccessDenied',
      403,
      denied(erin.arn, open.arn),
    );
    await setUserPolicy(t, home.id, 'erin', 'assume', [
      { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${other.id}:role/*` },
    ]);
    await assume(erin.sts, { RoleArn: open.arn });
    for (const externalId of [undefined, 'wrong-secret']) {
      await expectAwsError(
        erin.sts.send(
          new AssumeRoleCommand({
            RoleArn: role.arn,
            RoleSessionName: 'erin',
            ...(externalId ? { ExternalId: externalId } : {}),
          }),
        ),
        'AccessDenied',
        403,
        denied(erin.arn, role.arn),
      );
    }
    const { out, iam } = await assume(erin.sts, { RoleArn: role.arn, ExternalId: 'shared-secret-42' });
    expect(out.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${other.id}:assumed-role/Partner/session`);
    // The session acts in the role's account.
    const users = (await iam.send(new ListUsersCommand({}))).Users!.map((u) => u.UserName);
    expect(users).not.toContain('erin');
    // Both accounts see the event.
    for (const accountId of [home.id, other.id]) {
      const events = await assumeRoleEvents(accountId);
      expect(events.some((e) => e.eventName === 'AssumeRole' && e.outcome === null && e.targetName === 'Partner')).toBe(
        true,
      );
    }
    // A trust policy naming the caller itself still needs the caller's policies across accounts.
    const frank = await userWithKey(home.id, 'frank');
    const named = await makeRole(t, other.id, 'NamesFrank', trustPolicy({ Principal: { AWS: frank.arn } }));
    await expectAwsError(
      frank.sts.send(new AssumeRoleCommand({ RoleArn: named.arn, RoleSessionName: 'frank' })),
      'AccessDenied',
      403,
      denied(frank.arn, named.arn),
    );
  });

  it('a role that requires MFA is refused without a code and assumed with one; the session carries the MFA', async () => {
    const role = await makeRole(
      t,
      home.id,
      'NeedsMfa',
      trustPolicy({
        Principal: { AWS: rootArnOf(home.id) },
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      }),
      {
        policy: [
          { ...LIST_USERS, Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } },
          { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' },
        ],
      },
    );
    const gina = await userWithKey(home.id, 'gina', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
    const device = await giveAuthenticator(t, home.id, gina.user.id, 'gina-phone');
    await expectAwsError(
      gina.sts.send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'gina' })),
      'AccessDenied',
      403,
      denied(gina.arn, role.arn),
    );
    const step = stepAt(t.clock.now());
    await expectAwsError(
      gina.sts.send(
        new AssumeRoleCommand({
          RoleArn: role.arn,
          RoleSessionName: 'gina',
          SerialNumber: device.serial,
          TokenCode: codeAt(device.secret, step + 5),
        }),
      ),
      'AccessDenied',
      403,
      INVALID_MFA_CODE,
    );
    const { out, iam } = await assume(gina.sts, {
      RoleArn: role.arn,
      SerialNumber: device.serial,
      TokenCode: codeAt(device.secret, step),
    });
    expect((await findSessionCredential(t.deps.db, out.Credentials!.AccessKeyId!))?.mfaAt).toBe(
      t.clock.now().toISOString(),
    );
    expect((await iam.send(new ListUsersCommand({}))).Users!.length).toBeGreaterThan(0);

    // MFA-authenticated GetSessionToken credentials carry their MFA to AssumeRole too.
    t.clock.advance(30_000);
    const token = await gina.sts.send(
      new GetSessionTokenCommand({
        SerialNumber: device.serial,
        TokenCode: codeAt(device.secret, stepAt(t.clock.now())),
      }),
    );
    const withMfa = clientsOf(token.Credentials!);
    await assume(withMfa.sts, { RoleArn: role.arn });
    // …at most for an hour: temporary credentials cannot ask for more.
    await expectAwsError(
      withMfa.sts.send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'long', DurationSeconds: 3601 })),
      'ValidationError',
      400,
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  });

  it('session policies narrow what the role allows and can never widen it', async () => {
    const role = await makeRole(t, home.id, 'Narrowed', trustPolicy({ Principal: { AWS: rootArnOf(home.id) } }), {
      policy: [LIST_USERS, LIST_GROUPS],
    });
    const hal = await userWithKey(home.id, 'hal', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
    const session = `arn:aws:sts::${home.id}:assumed-role/Narrowed/session`;
    const narrow = JSON.stringify({
      Version: '2012-10-17',
      Statement: [LIST_USERS, { Effect: 'Allow', Action: 'iam:CreateUser', Resource: '*' }],
    });
    const { out, iam } = await assume(hal.sts, { RoleArn: role.arn, Policy: narrow });
    expect(out.PackedPolicySize).toBeGreaterThan(0);
    expect(out.PackedPolicySize).toBeLessThanOrEqual(100);
    await iam.send(new ListUsersCommand({}));
    await expectAwsError(
      iam.send(new ListGroupsCommand({})),
      'AccessDenied',
      403,
      `User: ${session} is not authorized to perform: iam:ListGroups on resource: * because no session policy allows the iam:ListGroups action`,
    );
    // The session policy allows CreateUser; the role does not, so neither does the session.
    await expectAwsError(
      iam.send(new CreateUserCommand({ UserName: 'never' })),
      'AccessDenied',
      403,
      /because no identity-based policy allows the iam:CreateUser action$/,
    );

    // Managed session policies narrow too, and a Deny in a session policy is named as such.
    const managed = await assume(hal.sts, {
      RoleArn: role.arn,
      PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess' }],
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Action: 'iam:ListGroups', Resource: '*' }],
      }),
    });
    await managed.iam.send(new ListUsersCommand({}));
    await expectAwsError(
      managed.iam.send(new ListGroupsCommand({})),
      'AccessDenied',
      403,
      /with an explicit deny in a session policy$/,
    );

    await expectAwsError(
      hal.sts.send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'x1', Policy: '{"Version":' })),
      'MalformedPolicyDocument',
      400,
    );
    await expectAwsError(
      hal.sts.send(
        new AssumeRoleCommand({
          RoleArn: role.arn,
          RoleSessionName: 'x1',
          PolicyArns: [{ arn: `arn:aws:iam::${home.id}:policy/Missing` }],
        }),
      ),
      'InvalidParameterValue',
      400,
    );
    // Varied text packs badly: a policy of many distinct actions does not fit.
    const actions = Array.from({ length: 100 }, (_, i) => `iam:${(i * 7919).toString(36)}X${i}`);
    await expectAwsError(
      hal.sts.send(
        new AssumeRoleCommand({
          RoleArn: role.arn,
          RoleSessionName: 'x1',
          Policy: JSON.stringify({
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }],
          }),
        }),
      ),
      'PackedPolicyTooLarge',
      400,
      /^Packed policy consumes \d+% of allotted space, please use smaller policy\.$/,
    );
  });

  it('a role’s permissions boundary holds for its sessions at once: what the role allows outside it is refused', async () => {
    const root = awsClients(t, endpoint, rootKey);
    const role = await makeRole(t, home.id, 'Bounded', trustPolicy({ Principal: { AWS: rootArnOf(home.id) } }), {
      policy: [LIST_USERS, LIST_GROUPS],
    });
    const pat = await userWithKey(home.id, 'pat', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
    const { iam } = await assume(pat.sts, { RoleArn: role.arn, RoleSessionName: 'pat' });
    await iam.send(new ListGroupsCommand({}));

    const boundary = await root.iam.send(
      new CreatePolicyCommand({
        PolicyName: 'UsersOnly',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [LIST_USERS] }),
      }),
    );
    await root.iam.send(
      new PutRolePermissionsBoundaryCommand({ RoleName: 'Bounded', PermissionsBoundary: boundary.Policy!.Arn }),
    );
    // The role's policy and its boundary both allow ListUsers; only the policy allows ListGroups.
    expect((await iam.send(new ListUsersCommand({}))).Users!.map((u) => u.UserName)).toContain('pat');
    await expectAwsError(
      iam.send(new ListGroupsCommand({})),
      'AccessDenied',
      403,
      `User: arn:aws:sts::${home.id}:assumed-role/Bounded/pat is not authorized to perform: iam:ListGroups on resource: * because no permissions boundary allows the iam:ListGroups action`,
    );
    // A session assumed under the boundary is held by it too.
    const later = await assume(pat.sts, { RoleArn: role.arn, RoleSessionName: 'pat-later' });
    await later.iam.send(new ListUsersCommand({}));
    await expectAwsError(
      later.iam.send(new ListGroupsCommand({})),
      'AccessDenied',
      403,
      /no permissions boundary allows/,
    );

    await root.iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: 'Bounded' }));
    await iam.send(new ListGroupsCommand({}));
  });

  it('GetRole’s RoleLastUsed tells when (in whole seconds) and in which region the role was last assumed', async () => {
    const role = await makeRole(t, home.id, 'Tracked', trustPolicy({ Principal: { AWS: rootArnOf(home.id) } }));
    const quinn = await userWithKey(home.id, 'quinn', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
    const lastUsed = async () =>
      (await awsClients(t, endpoint, rootKey).iam.send(new GetRoleCommand({ RoleName: 'Tracked' }))).Role!.RoleLastUsed;
    expect(await lastUsed()).toEqual({});

    // Signed for another region than the SDK clients' own, and not on a whole second.
    t.clock.advance(1_250);
    const inLondon = new STSClient({
      endpoint,
      region: 'eu-west-2',
      credentials: quinn.credentials,
      maxAttempts: 1,
      systemClockOffset: t.clock.now().getTime() - Date.now(),
    });
    await inLondon.send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'quinn' }));
    const assumedAt = t.clock.now().getTime();
    t.clock.advance(60_000);
    expect(await lastUsed()).toEqual({
      LastUsedDate: new Date(Math.floor(assumedAt / 1000) * 1000),
      Region: 'eu-west-2',
    });
  });

  it('refuses a session name or duration outside AWS’s limits in AWS’s words, which in STS name the value', async () => {
    const role = await makeRole(t, home.id, 'Limits', trustPolicy({ Principal: { AWS: rootArnOf(home.id) } }), {
      maxSessionDuration: 7200,
    });
    const sam = await userWithKey(home.id, 'sam', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
    const refused = (input: Partial<AssumeRoleCommandInput>, message: string) =>
      expectAwsError(
        sam.sts.send(new AssumeRoleCommand({ RoleArn: role.arn, RoleSessionName: 'sam', ...input })),
        'ValidationError',
        400,
        message,
      );
    const violation = (value: string, member: string, rule: string) =>
      `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must ${rule}`;
    const tooLong = 's'.repeat(65);
    await refused(
      { RoleSessionName: tooLong },
      violation(tooLong, 'roleSessionName', 'have length less than or equal to 64'),
    );
    await refused(
      { RoleSessionName: 'x' },
      violation('x', 'roleSessionName', 'have length greater than or equal to 2'),
    );
    for (const name of ['sam/deploys', 'sam deploys', 'sam:deploys', 'sämi'])
      await refused(
        { RoleSessionName: name },
        violation(name, 'roleSessionName', 'satisfy regular expression pattern: [\\w+=,.@-]*'),
      );
    await refused(
      { DurationSeconds: 899 },
      violation('899', 'durationSeconds', 'have value greater than or equal to 900'),
    );
    await refused(
      { DurationSeconds: 43_201 },
      violation('43201', 'durationSeconds', 'have value less than or equal to 43200'),
    );
    // Within STS's range but over the role's own maximum.
    await refused(
      { DurationSeconds: 7201 },
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
    const events = await assumeRoleEvents(home.id);
    expect(events.filter((e) => e.actorName === 'sam' && e.outcome === null)).toEqual([]);

    // At the limits: 64 characters of every kind allowed, 900 seconds, and the role's maximum.
    const longest = `sam_+=,.@-${'0'.repeat(54)}`;
    const shortest = await assume(sam.sts, { RoleArn: role.arn, RoleSessionName: longest, DurationSeconds: 900 });
    expect(shortest.out.AssumedRoleUser!.Arn).toBe(`arn:aws:sts::${home.id}:assumed-role/Limits/${longest}`);
    expect(shortest.out.Credentials!.Expiration!.getTime()).toBe(expiresIn(900));
    const most = await assume(sam.sts, { RoleArn: role.arn, DurationSeconds: 7200 });
    expect(most.out.Credentials!.Expiration!.getTime()).toBe(expiresIn(7200));
  });

  it('role chaining is held to an hour, and the role’s own maximum holds for everyone', async () => {
    const first = await makeRole(t, home.id, 'First', trustPolicy({ Principal: { AWS: rootArnOf(home.id) } }), {
      maxSessionDuration: 7200,
      policy: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
    });
    const second = await makeRole(t, home.id, 'Second', trustPolicy({ Principal: { AWS: first.arn } }), {
      maxSessionDuration: 7200,
      policy: [LIST_USERS],
    });
    const ida = await userWithKey(home.id, 'ida', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
    const long = await assume(ida.sts, { RoleArn: first.arn, DurationSeconds: 7200 });
    expect(long.out.Credentials!.Expiration!.getTime()).toBe(expiresIn(7200));
    await expectAwsError(
      ida.sts.send(new AssumeRoleCommand({ RoleArn: first.arn, RoleSessionName: 'ida', DurationSeconds: 7201 })),
      'ValidationError',
      400,
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
    await expectAwsError(
      long.sts.send(new AssumeRoleCommand({ RoleArn: second.arn, RoleSessionName: 'chain', DurationSeconds: 7200 })),
      'ValidationError',
      400,
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
    const chained = await assume(long.sts, { RoleArn: second.arn, RoleSessionName: 'chain' });
    expect(chained.out.Credentials!.Expiration!.getTime()).toBe(expiresIn(3600));
    expect((await chained.sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(
      `arn:aws:sts::${home.id}:assumed-role/Second/chain`,
    );
    const stored = await findSessionCredential(t.deps.db, chained.out.Credentials!.AccessKeyId!);
    expect(stored?.roleSession).toMatchObject({
      chained: true,
      issuerArn: `arn:aws:sts::${home.id}:assumed-role/First/session`,
    });
  });

  it('revoking a role’s sessions stops those issued before, not those issued after', async () => {
    const role = await makeRole(t, home.id, 'Revocable', trustPolicy({ Principal: { AWS: rootArnOf(home.id) } }), {
      policy: [LIST_USERS],
    });
    const jo = await userWithKey(home.id, 'jo', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
    const before = await assume(jo.sts, { RoleArn: role.arn });
    await before.iam.send(new ListUsersCommand({}));
    // In the same second, a moment later.
    t.clock.advance(1);
    const revokedAt = await revokeOlderRoleSessions(t.deps, home.id, 'Revocable', CLI_ACTOR, SYSTEM_META);
    await expectAwsError(
      before.iam.send(new ListUsersCommand({})),
      'AccessDenied',
      403,
      /iam:ListUsers on resource: \* with an explicit deny in an identity-based policy$/,
    );
    t.clock.advance(1);
    const after = await assume(jo.sts, { RoleArn: role.arn });
    await after.iam.send(new ListUsersCommand({}));
    expect(revokedAt).toBe(new Date(t.clock.now().getTime() - 1).toISOString());
    const document = JSON.parse(
      (
        await t.deps.db
          .selectFrom('inline_policies')
          .select('document')
          .where('name', '=', REVOKE_OLDER_SESSIONS)
          .where('owner_id', '=', role.id)
          .executeTakeFirstOrThrow()
      ).document,
    );
    expect(document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Action: ['*'],
          Resource: ['*'],
          Condition: { DateLessThan: { 'aws:TokenIssueTime': revokedAt } },
        },
      ],
    });
  });

  it('revoking a role’s sessions stops those that came from role chaining, and what its sessions would chain to', async () => {
    const entry = await makeRole(t, home.id, 'Entry', trustPolicy({ Principal: { AWS: rootArnOf(home.id) } }), {
      policy: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
    });
    const middle = await makeRole(t, home.id, 'Middle', trustPolicy({ Principal: { AWS: entry.arn } }), {
      policy: [LIST_USERS, { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
    });
    const onward = await makeRole(t, home.id, 'Onward', trustPolicy({ Principal: { AWS: middle.arn } }), {
      policy: [LIST_USERS],
    });
    const rex = await userWithKey(home.id, 'rex', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
    const fromEntry = await assume(rex.sts, { RoleArn: entry.arn, RoleSessionName: 'rex' });
    const chainedIn = await assume(fromEntry.sts, { RoleArn: middle.arn, RoleSessionName: 'rex' });
    const chainedOn = await assume(chainedIn.sts, { RoleArn: onward.arn, RoleSessionName: 'rex' });
    t.clock.advance(1);
    await revokeOlderRoleSessions(t.deps, home.id, 'Middle', CLI_ACTOR, SYSTEM_META);

    // Middle's session is refused though it came from Entry's, and cannot chain on.
    await expectAwsError(
      chainedIn.iam.send(new ListUsersCommand({})),
      'AccessDenied',
      403,
      /with an explicit deny in an identity-based policy$/,
    );
    await expectAwsError(
      chainedIn.sts.send(new AssumeRoleCommand({ RoleArn: onward.arn, RoleSessionName: 'rex-again' })),
      'AccessDenied',
      403,
      denied(`arn:aws:sts::${home.id}:assumed-role/Middle/rex`, onward.arn),
    );
    // As in AWS, the revocation is Middle's policy: a session of Onward it chained to before is Onward's
    // and keeps working, and so does the Entry session it came from, which may assume Middle again.
    await chainedOn.iam.send(new ListUsersCommand({}));
    const again = await assume(fromEntry.sts, { RoleArn: middle.arn, RoleSessionName: 'rex' });
    await again.iam.send(new ListUsersCommand({}));
  });

  it('the credentials of a deleted role stop working, even when a role of the same name is made again', async () => {
    const trust = trustPolicy({ Principal: { AWS: rootArnOf(home.id) } });
    const role = await makeRole(t, home.id, 'Doomed', trust, { policy: [LIST_USERS] });
    const kim = await userWithKey(home.id, 'kim', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
    const session = await assume(kim.sts, { RoleArn: role.arn });
    await session.iam.send(new ListUsersCommand({}));
    await t.deps.db.deleteFrom('inline_policies').where('owner_id', '=', role.id).execute();
    await deleteRoleRow(t.deps.db, role.id);
    await makeRole(t, home.id, 'Doomed', trust, { policy: [LIST_USERS] });
    await expectAwsError(session.iam.send(new ListUsersCommand({})), 'InvalidClientTokenId', 403);
    await expectAwsError(session.sts.send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 403);
  });

  it('a source identity needs sts:SetSourceIdentity, stays through role chaining and cannot be changed', async () => {
    const allowSet = { Principal: { AWS: rootArnOf(home.id) }, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'] };
    const plain = await makeRole(
      t,
      home.id,
      'NoSourceIdentity',
      trustPolicy({ Principal: { AWS: rootArnOf(home.id) } }),
    );
    const first = await makeRole(t, home.id, 'SiFirst', trustPolicy(allowSet), {
      policy: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'], Resource: '*' }],
    });
    const second = await makeRole(
      t,
      home.id,
      'SiSecond',
      trustPolicy({ ...allowSet, Condition: { StringEquals: { 'sts:SourceIdentity': 'lee@example.com' } } }),
    );
    const lee = await userWithKey(home.id, 'lee', [
      { Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'], Resource: '*' },
    ]);
    await expectAwsError(
      lee.sts.send(
        new AssumeRoleCommand({ RoleArn: plain.arn, RoleSessionName: 'lee', SourceIdentity: 'lee@example.com' }),
      ),
      'AccessDenied',
      403,
      denied(lee.arn, plain.arn, 'sts:SetSourceIdentity'),
    );
    const one = await assume(lee.sts, { RoleArn: first.arn, SourceIdentity: 'lee@example.com' });
    expect(one.out.SourceIdentity).toBe('lee@example.com');
    const two = await assume(one.sts, { RoleArn: second.arn });
    expect(two.out.SourceIdentity).toBe('lee@example.com');
    await expectAwsError(
      one.sts.send(
        new AssumeRoleCommand({ RoleArn: second.arn, RoleSessionName: 'x2', SourceIdentity: 'someone-else' }),
      ),
      'ValidationError',
      400,
    );
  });

  it('session tags need sts:TagSession, become principal tags, and transitive ones pass down a chain unchanged', async () => {
    const tagging = { Principal: { AWS: rootArnOf(home.id) }, Action: ['sts:AssumeRole', 'sts:TagSession'] };
    const untagged = await makeRole(t, home.id, 'NoTags', trustPolicy({ Principal: { AWS: rootArnOf(home.id) } }));
    const first = await makeRole(t, home.id, 'TagFirst', trustPolicy(tagging), {
      policy: [
        { Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: '*' },
        { ...LIST_USERS, Condition: { StringEquals: { 'aws:PrincipalTag/team': 'ops' } } },
      ],
    });
    const second = await makeRole(t, home.id, 'TagSecond', trustPolicy(tagging), {
      policy: [
        { ...LIST_USERS, Condition: { StringEquals: { 'aws:PrincipalTag/team': 'ops' } } },
        { ...LIST_GROUPS, Condition: { StringEquals: { 'aws:PrincipalTag/shift': 'night' } } },
      ],
    });
    const mo = await userWithKey(home.id, 'mo', [
      { Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: '*' },
    ]);
    const tags = [
      { Key: 'team', Value: 'ops' },
      { Key: 'shift', Value: 'night' },
    ];
    await expectAwsError(
      mo.sts.send(new AssumeRoleCommand({ RoleArn: untagged.arn, RoleSessionName: 'mo', Tags: tags })),
      'AccessDenied',
      403,
      denied(mo.arn, untagged.arn, 'sts:TagSession'),
    );
    const one = await assume(mo.sts, { RoleArn: first.arn, Tags: tags, TransitiveTagKeys: ['team'] });
    expect(one.out.PackedPolicySize).toBeGreaterThan(0);
    await one.iam.send(new ListUsersCommand({}));
    // Down the chain: `team` is passed on, `shift` is not.
    const two = await assume(one.sts, { RoleArn: second.arn });
    await two.iam.send(new ListUsersCommand({}));
    await expectAwsError(two.iam.send(new ListGroupsCommand({})), 'AccessDenied', 403);
    const stored = await findSessionCredential(t.deps.db, two.out.Credentials!.AccessKeyId!);
    expect(stored?.roleSession).toMatchObject({ tags: [{ key: 'team', value: 'ops' }], transitiveTagKeys: ['team'] });
    // A transitive tag cannot be set again further down.
    await expectAwsError(
      one.sts.send(
        new AssumeRoleCommand({ RoleArn: second.arn, RoleSessionName: 'x3', Tags: [{ Key: 'TEAM', Value: 'dev' }] }),
      ),
      'InvalidParameterValue',
      400,
    );
  });

  it('the Activity page and its export show who assumed which role, as which session, with which source identity and MFA', async () => {
    const withSourceIdentity = ['sts:AssumeRole', 'sts:SetSourceIdentity'];
    const hub = await makeRole(
      t,
      home.id,
      'Hub',
      trustPolicy({ Principal: { AWS: rootArnOf(home.id) }, Action: withSourceIdentity }),
      { policy: [{ Effect: 'Allow', Action: withSourceIdentity, Resource: '*' }] },
    );
    const spoke = await makeRole(
      t,
      home.id,
      'Spoke',
      trustPolicy({ Principal: { AWS: hub.arn }, Action: withSourceIdentity }),
    );
    const nia = await userWithKey(home.id, 'nia', [{ Effect: 'Allow', Action: withSourceIdentity, Resource: '*' }]);
    const device = await giveAuthenticator(t, home.id, nia.user.id, 'nia-phone');
    const first = await assume(nia.sts, {
      RoleArn: hub.arn,
      RoleSessionName: 'nia-hub',
      SourceIdentity: 'nia@example.com',
      SerialNumber: device.serial,
      TokenCode: codeAt(device.secret, stepAt(t.clock.now())),
    });
    // The chained session carries the source identity and the MFA of the session it comes from.
    await assume(first.sts, { RoleArn: spoke.arn, RoleSessionName: 'nia-spoke' });
    await assume(nia.sts, { RoleArn: hub.arn, RoleSessionName: 'nia-plain' });
    await expectAwsError(
      nia.sts.send(new AssumeRoleCommand({ RoleArn: spoke.arn, RoleSessionName: 'nia-refused' })),
      'AccessDenied',
      403,
    );

    const root = new Browser(t.app);
    await root.post('/signin/root/password', { email: home.email, password: ROOT_PASSWORD });
    const page = await root.get('/console/activity?event=AssumeRole');
    expect(page.statusCode).toBe(200);
    // Each row as read, after its time: the event with its session, outcome, by, on, from.
    const rows = [...page.body.matchAll(/<tr[^>]*><td>[^<]*<\/td>(.*?)<\/tr>/g)].map((m) => pageText(m[1]!).trim());
    const from = '127.0.0.1, AWS CLI/SDK';
    expect(rows).toContain(
      `AssumeRole session nia-hub, source identity nia@example.com, with MFA ${nia.arn} Hub ${from}`,
    );
    expect(rows).toContain(
      `AssumeRole session nia-spoke, source identity nia@example.com, with MFA arn:aws:sts::${home.id}:assumed-role/Hub/nia-hub Spoke ${from}`,
    );
    expect(rows).toContain(`AssumeRole session nia-plain, without MFA ${nia.arn} Hub ${from}`);
    // A refusal names the session asked for; whether MFA would have been used is not known.
    expect(rows).toContain(`AssumeRole session nia-refused Failure (TrustPolicyDenied) ${nia.arn} Spoke ${from}`);
    const exported = await root.get('/console/activity/export?event=AssumeRole');
    const records = exported.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { userIdentity: { type: string; principalId: string }; eventSource: string });
    const chained = records.find((r) => r.userIdentity.principalId === `${hub.id}:nia-hub`)!;
    expect(chained).toMatchObject({ eventSource: 'sts.amazonaws.com', userIdentity: { type: 'AssumedRole' } });
  });

  it('a role made with CreateRole trusts the user it names by unique ID: the same name made again is not trusted', async () => {
    const root = awsClients(t, endpoint, rootKey);
    const olga = await userWithKey(home.id, 'olga');
    await root.iam.send(
      new CreateRoleCommand({
        RoleName: 'ForOlga',
        AssumeRolePolicyDocument: trustPolicy({ Principal: { AWS: olga.arn } }),
        MaxSessionDuration: 7200,
      }),
    );
    const roleArn = `arn:aws:iam::${home.id}:role/ForOlga`;
    const { out } = await assume(olga.sts, { RoleArn: roleArn, DurationSeconds: 7200 });
    expect(out.Credentials!.Expiration!.getTime()).toBe(expiresIn(7200));
    const role = await root.iam.send(new GetRoleCommand({ RoleName: 'ForOlga' }));
    expect(role.Role!.RoleLastUsed).toMatchObject({ Region: 'us-east-1' });

    await root.iam.send(new DeleteLoginProfileCommand({ UserName: 'olga' }));
    await root.iam.send(new DeleteAccessKeyCommand({ UserName: 'olga', AccessKeyId: olga.credentials.accessKeyId }));
    await root.iam.send(new DeleteUserCommand({ UserName: 'olga' }));
    const again = await userWithKey(home.id, 'olga', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
    await expectAwsError(
      again.sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'olga' })),
      'AccessDenied',
      403,
      denied(again.arn, roleArn),
    );
  });
});
