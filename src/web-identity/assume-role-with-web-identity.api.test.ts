import {
  AddClientIDToOpenIDConnectProviderCommand,
  CreateOpenIDConnectProviderCommand,
  DeleteOpenIDConnectProviderCommand,
  type IAMClient,
  ListUsersCommand,
  RemoveClientIDFromOpenIDConnectProviderCommand,
} from '@aws-sdk/client-iam';
import {
  AssumeRoleWithWebIdentityCommand,
  type AssumeRoleWithWebIdentityCommandInput,
  GetCallerIdentityCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import { type JWTPayload, SignJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients, expectAwsError, keyFor } from '../../test/support/aws-clients.ts';
import { setUserPolicy, signInUser } from '../../test/support/console.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { type TestContext, createTestContext } from '../../test/support/harness.ts';
import { freePort } from '../../test/support/listen.ts';
import { gatehouseIdToken } from '../../test/support/oidc-tokens.ts';
import { makeRole, trustPolicy } from '../../test/support/role-sessions.ts';
import { type TestIssuer, startTestIssuer } from '../../test/support/test-issuer.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';

const LIST_USERS = { Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' };
const NOT_AUTHORIZED = 'Not authorized to perform sts:AssumeRoleWithWebIdentity';

describe.each(DIALECTS)('STS AssumeRoleWithWebIdentity through the AWS SDK on %s', (dialect) => {
  let t: TestContext;
  let base: string;
  let issuer: string;
  let account: Awaited<ReturnType<typeof makeAccount>>;
  let other: Awaited<ReturnType<typeof makeAccount>>;
  let alice: Awaited<ReturnType<typeof makeUser>>;
  let iam: IAMClient;
  /** No credentials at all: the SDK sends AssumeRoleWithWebIdentity unsigned. */
  let sts: STSClient;
  /** Alice's Gatehouse ID token, and the client it was issued to. */
  let token: { idToken: string; clientId: string };
  let providerArn: string;
  const issuers: TestIssuer[] = [];

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    issuer = `${base}/oidc`;
    t = await createTestContext(dialect, { PUBLIC_URL: base, WEB_IDENTITY_TIMEOUT_MS: '300' });
    // ID tokens carry the wall clock's time: the app's clock starts there.
    t.clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    await t.app.listen({ host: '127.0.0.1', port });
    account = await makeAccount(t.deps);
    other = await makeAccount(t.deps);
    alice = await makeUser(t.deps, account.id, 'alice');
    await setUserPolicy(t, account.id, 'alice', 'sso', [
      { Effect: 'Allow', Action: 'gatehouse:SignInToClient', Resource: '*' },
    ]);
    iam = awsClients(t, base, await keyFor(t, { accountId: account.id, principalId: account.id, userName: null })).iam;
    sts = new STSClient({ endpoint: base, region: 'us-east-1', maxAttempts: 1 });
    token = await gatehouseIdToken(t, issuer, account.id, await signInUser(t, account.id, 'alice'));
    const created = await iam.send(
      new CreateOpenIDConnectProviderCommand({ Url: issuer, ClientIDList: [token.clientId] }),
    );
    providerArn = created.OpenIDConnectProviderArn!;
  });
  afterAll(async () => {
    for (const started of issuers) await started.close();
    await t.close();
  });

  /** `host/path` of an issuer URL: how its ARN and condition keys name it. */
  const nameOf = (url: string) => url.replace(/^https?:\/\//, '');

  /** A role trusting the provider `arn` for `aud` and `sub`, allowed to list users. */
  function federatedTrust(arn: string, url: string, aud: string, sub: string) {
    return trustPolicy({
      Principal: { Federated: arn },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${nameOf(url)}:aud`]: aud, [`${nameOf(url)}:sub`]: sub } },
    });
  }

  const exchange = (input: Partial<AssumeRoleWithWebIdentityCommandInput> & { RoleArn: string }) =>
    sts.send(
      new AssumeRoleWithWebIdentityCommand({ RoleSessionName: 'web', WebIdentityToken: token.idToken, ...input }),
    );

  function clientsOf(c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string }) {
    return awsClients(t, base, {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
    });
  }

  async function externalIssuer(options: Parameters<typeof startTestIssuer>[0]) {
    const started = await startTestIssuer(options);
    issuers.push(started);
    return started;
  }

  it('exchanges a Gatehouse ID token for role credentials that act as the role', async () => {
    expect(providerArn).toBe(`arn:aws:iam::${account.id}:oidc-provider/${nameOf(issuer)}`);
    const role = await makeRole(
      t,
      account.id,
      'Deployer',
      federatedTrust(providerArn, issuer, token.clientId, alice.id),
      {
        policy: [LIST_USERS],
      },
    );
    const out = await exchange({ RoleArn: role.arn, RoleSessionName: 'alice-deploys' });
    expect(out.SubjectFromWebIdentityToken).toBe(alice.id);
    expect(out.Audience).toBe(token.clientId);
    expect(out.Provider).toBe(providerArn);
    expect(out.AssumedRoleUser).toEqual({
      AssumedRoleId: `${role.id}:alice-deploys`,
      Arn: `arn:aws:sts::${account.id}:assumed-role/Deployer/alice-deploys`,
    });
    expect(out.Credentials!.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(out.Credentials!.Expiration!.getTime()).toBe(t.clock.now().getTime() + 3600_000);
    expect(out.PackedPolicySize).toBeUndefined();

    const session = clientsOf(out.Credentials!);
    const me = await session.sts.send(new GetCallerIdentityCommand({}));
    expect({ UserId: me.UserId, Account: me.Account, Arn: me.Arn }).toEqual({
      UserId: `${role.id}:alice-deploys`,
      Account: account.id,
      Arn: `arn:aws:sts::${account.id}:assumed-role/Deployer/alice-deploys`,
    });
    expect((await session.iam.send(new ListUsersCommand({}))).Users!.map((u) => u.UserName)).toEqual(['alice']);

    const [event] = await listAuditEvents(t.deps.db, {
      accountId: account.id,
      eventName: 'AssumeRoleWithWebIdentity',
      limit: 1,
    });
    expect(event).toMatchObject({ actorType: 'web-identity', actorId: alice.id, outcome: null, targetId: role.id });
    expect(JSON.parse(event!.details!)).toMatchObject({
      provider: providerArn,
      subject: alice.id,
      audience: token.clientId,
      roleSessionName: 'alice-deploys',
      accessKeyId: out.Credentials!.AccessKeyId,
    });
  });

  it('narrows the session with a session policy and a shorter duration', async () => {
    const role = await makeRole(
      t,
      account.id,
      'Narrowed',
      federatedTrust(providerArn, issuer, token.clientId, alice.id),
      {
        policy: [LIST_USERS],
      },
    );
    const out = await exchange({
      RoleArn: role.arn,
      DurationSeconds: 900,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }],
      }),
    });
    expect(out.PackedPolicySize).toBeGreaterThan(0);
    expect(out.Credentials!.Expiration!.getTime()).toBe(t.clock.now().getTime() + 900_000);
    await expectAwsError(clientsOf(out.Credentials!).iam.send(new ListUsersCommand({})), 'AccessDenied', 403);
  });

  it('refuses a token whose subject the trust policy does not name, and records the refusal', async () => {
    const role = await makeRole(
      t,
      account.id,
      'OthersOnly',
      federatedTrust(providerArn, issuer, token.clientId, 'AIDASOMEONEELSE'),
    );
    await expectAwsError(exchange({ RoleArn: role.arn }), 'AccessDenied', 403, NOT_AUTHORIZED);
    const [event] = await listAuditEvents(t.deps.db, {
      accountId: account.id,
      eventName: 'AssumeRoleWithWebIdentity',
      limit: 1,
    });
    expect(event).toMatchObject({ outcome: 'Failure', reason: 'TrustPolicyDenied', actorId: alice.id });
    // An unknown role reads the same, and is recorded as such for the account.
    const nobody = `arn:aws:iam::${account.id}:role/Nobody`;
    await expectAwsError(exchange({ RoleArn: nobody }), 'AccessDenied', 403, NOT_AUTHORIZED);
    const [unknown] = await listAuditEvents(t.deps.db, {
      accountId: account.id,
      eventName: 'AssumeRoleWithWebIdentity',
      limit: 1,
    });
    expect(unknown).toMatchObject({
      outcome: 'Failure',
      reason: 'NoSuchRole',
      actorId: alice.id,
      targetId: null,
      targetName: nobody,
    });
  });

  it('refuses a token for an audience the provider does not list, until the client ID is added', async () => {
    const role = await makeRole(
      t,
      account.id,
      'Audience',
      federatedTrust(providerArn, issuer, token.clientId, alice.id),
    );
    const change = { OpenIDConnectProviderArn: providerArn, ClientID: token.clientId };
    await iam.send(new RemoveClientIDFromOpenIDConnectProviderCommand(change));
    await expectAwsError(exchange({ RoleArn: role.arn }), 'InvalidIdentityToken', 400, 'Incorrect token audience');
    await iam.send(new AddClientIDToOpenIDConnectProviderCommand(change));
    expect((await exchange({ RoleArn: role.arn })).Audience).toBe(token.clientId);
  });

  it('refuses an expired token', async () => {
    const role = await makeRole(t, account.id, 'Expiry', federatedTrust(providerArn, issuer, token.clientId, alice.id));
    const now = t.clock.now();
    t.clock.advance(2 * 3600_000);
    try {
      await expectAwsError(exchange({ RoleArn: role.arn }), 'ExpiredTokenException', 400, /^Token expired: /);
    } finally {
      t.clock.set(now);
    }
  });

  it('refuses a token not signed by the issuer, of an unknown issuer, not a JWT at all, and after the provider is deleted', async () => {
    const role = await makeRole(t, account.id, 'Forged', federatedTrust(providerArn, issuer, token.clientId, alice.id));
    // Gatehouse's own claims and kid, signed by a key it never published; and its token with another subject.
    const [header, payload] = token.idToken.split('.') as [string, string, string];
    const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid: string };
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as JWTPayload;
    const forged = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid })
      .sign((await generateKeyPair('RS256')).privateKey);
    const otherSubject = Buffer.from(JSON.stringify({ ...claims, sub: 'AIDASOMEONEELSE' })).toString('base64url');
    const tampered = [header, otherSubject, token.idToken.split('.')[2]].join('.');
    for (const bad of [forged, tampered])
      await expectAwsError(
        exchange({ RoleArn: role.arn, WebIdentityToken: bad }),
        'InvalidIdentityToken',
        400,
        'The web identity token is not signed by a key of its issuer.',
      );

    const impostor = await externalIssuer({});
    const unknown = await impostor.sign({ sub: alice.id, aud: token.clientId }, t.clock.now());
    await expectAwsError(
      exchange({ RoleArn: role.arn, WebIdentityToken: unknown }),
      'InvalidIdentityToken',
      400,
      `No OpenIDConnect provider found in your account for ${impostor.issuer}`,
    );
    expect(impostor.requests).toEqual([]);
    await expectAwsError(exchange({ RoleArn: role.arn, WebIdentityToken: 'not.a.token' }), 'InvalidIdentityToken', 400);

    // Deleting the provider refuses its tokens; registering it again trusts them again.
    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: providerArn }));
    await expectAwsError(
      exchange({ RoleArn: role.arn }),
      'InvalidIdentityToken',
      400,
      `No OpenIDConnect provider found in your account for ${issuer}`,
    );
    await iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer, ClientIDList: [token.clientId] }));
    expect((await exchange({ RoleArn: role.arn })).SubjectFromWebIdentityToken).toBe(alice.id);
  });

  it('refuses a role of another account, which has no provider for the issuer', async () => {
    const role = await makeRole(
      t,
      other.id,
      'Elsewhere',
      federatedTrust(providerArn, issuer, token.clientId, alice.id),
    );
    await expectAwsError(
      exchange({ RoleArn: role.arn }),
      'InvalidIdentityToken',
      400,
      `No OpenIDConnect provider found in your account for ${issuer}`,
    );
  });

  it('accepts an external issuer whose keys it fetches once and keeps', async () => {
    const external = await externalIssuer({ path: '/tenant-1' });
    const created = await iam.send(
      new CreateOpenIDConnectProviderCommand({ Url: external.issuer, ClientIDList: ['sts.amazonaws.com'] }),
    );
    const arn = created.OpenIDConnectProviderArn!;
    expect(arn).toBe(`arn:aws:iam::${account.id}:oidc-provider/${nameOf(external.issuer)}`);
    const role = await makeRole(
      t,
      account.id,
      'Pipeline',
      federatedTrust(arn, external.issuer, 'sts.amazonaws.com', 'repo:web:main'),
    );
    const claims = { sub: 'repo:web:main', aud: 'sts.amazonaws.com' };
    const out = await exchange({ RoleArn: role.arn, WebIdentityToken: await external.sign(claims, t.clock.now()) });
    expect({ sub: out.SubjectFromWebIdentityToken, provider: out.Provider, aud: out.Audience }).toEqual({
      sub: 'repo:web:main',
      provider: arn,
      aud: 'sts.amazonaws.com',
    });
    expect(external.requests).toEqual(['/tenant-1/.well-known/openid-configuration', '/tenant-1/jwks']);

    const stranger = await external.signWithUnpublishedKey(claims, t.clock.now());
    await expectAwsError(exchange({ RoleArn: role.arn, WebIdentityToken: stranger }), 'InvalidIdentityToken', 400);
    const other = await external.sign({ ...claims, sub: 'repo:web:feature' }, t.clock.now());
    await expectAwsError(exchange({ RoleArn: role.arn, WebIdentityToken: other }), 'AccessDenied', 403, NOT_AUTHORIZED);

    await external.close();
    const again = await exchange({ RoleArn: role.arn, WebIdentityToken: await external.sign(claims, t.clock.now()) });
    expect(again.SubjectFromWebIdentityToken).toBe('repo:web:main');
    expect(external.requests).toHaveLength(2);
  });

  it('answers IDPCommunicationError when an issuer never answers, for its discovery document or its keys', async () => {
    for (const answers of ['nothing', 'discovery'] as const) {
      const silent = await externalIssuer({ answers });
      const { OpenIDConnectProviderArn: arn } = await iam.send(
        new CreateOpenIDConnectProviderCommand({ Url: silent.issuer, ClientIDList: ['aud'] }),
      );
      const role = await makeRole(t, account.id, `Silent-${answers}`, federatedTrust(arn!, silent.issuer, 'aud', 'me'));
      const signed = await silent.sign({ sub: 'me', aud: 'aud' }, t.clock.now());
      await expectAwsError(
        exchange({ RoleArn: role.arn, WebIdentityToken: signed }),
        'IDPCommunicationError',
        400,
        /could not be fetched/,
      );
      expect(silent.requests.at(-1)).toBe(answers === 'nothing' ? '/.well-known/openid-configuration' : '/jwks');
    }
  });
});
