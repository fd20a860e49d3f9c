import {
  AddClientIDToOpenIDConnectProviderCommand,
  CreateOpenIDConnectProviderCommand,
  DeleteOpenIDConnectProviderCommand,
  GetOpenIDConnectProviderCommand,
  type IAMClient,
  ListOpenIDConnectProvidersCommand,
  RemoveClientIDFromOpenIDConnectProviderCommand,
  UpdateOpenIDConnectProviderThumbprintCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients, expectAwsError, keyFor } from '../../test/support/aws-clients.ts';
import { setUserPolicy } from '../../test/support/console.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { type TestContext, createTestContext } from '../../test/support/harness.ts';
import { listen } from '../../test/support/listen.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';

const THUMBPRINT = '9e99a48a9960b14926bb7f3b02e22da2b0ab7280';
const OTHER_THUMBPRINT = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';

describe.each(DIALECTS)('IAM OpenID Connect providers through the AWS SDK on %s', (dialect) => {
  let t: TestContext;
  let endpoint: string;
  let account: Awaited<ReturnType<typeof makeAccount>>;
  let other: Awaited<ReturnType<typeof makeAccount>>;
  let iam: IAMClient;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    t.clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    endpoint = await listen(t.app);
    account = await makeAccount(t.deps);
    other = await makeAccount(t.deps);
    iam = awsClients(
      t,
      endpoint,
      await keyFor(t, { accountId: account.id, principalId: account.id, userName: null }),
    ).iam;
  });
  afterAll(() => t.close());

  const arnOf = (accountId: string, name: string) => `arn:aws:iam::${accountId}:oidc-provider/${name}`;
  const get = (arn: string) => iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));

  it('creates, shows, lists, changes and deletes a provider in the shapes AWS gives', async () => {
    const created = await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: 'https://token.example.com/tenant-1/',
        ClientIDList: ['web', 'cli', 'web'],
        ThumbprintList: [THUMBPRINT],
        Tags: [{ Key: 'team', Value: 'platform' }],
      }),
    );
    const arn = arnOf(account.id, 'token.example.com/tenant-1');
    expect(created.OpenIDConnectProviderArn).toBe(arn);
    expect(created.Tags).toEqual([{ Key: 'team', Value: 'platform' }]);
    expect(await get(arn)).toMatchObject({
      Url: 'token.example.com/tenant-1',
      ClientIDList: ['cli', 'web'],
      ThumbprintList: [THUMBPRINT],
      CreateDate: t.clock.now(),
      Tags: [{ Key: 'team', Value: 'platform' }],
    });
    await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://accounts.example.org' }));
    expect((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList).toEqual([
      { Arn: arnOf(account.id, 'accounts.example.org') },
      { Arn: arn },
    ]);

    // Adding a client ID it has, or removing one it lacks, is no error.
    for (const command of [
      new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'mobile' }),
      new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'mobile' }),
      new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'cli' }),
      new RemoveClientIDFromOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'never' }),
      new UpdateOpenIDConnectProviderThumbprintCommand({
        OpenIDConnectProviderArn: arn,
        ThumbprintList: [OTHER_THUMBPRINT, THUMBPRINT],
      }),
    ])
      await iam.send(command as never);
    expect(await get(arn)).toMatchObject({
      ClientIDList: ['mobile', 'web'],
      ThumbprintList: [OTHER_THUMBPRINT, THUMBPRINT],
    });

    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
    await expectAwsError(get(arn), 'NoSuchEntity', 404, `OpenIDConnect Provider not found for arn ${arn}`);
    await expectAwsError(
      iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })),
      'NoSuchEntity',
      404,
    );
    const events = await listAuditEvents(t.deps.db, { accountId: account.id, targetId: arn, limit: 20 });
    expect(events.map((e) => e.eventName).reverse()).toEqual([
      'CreateOpenIDConnectProvider',
      'AddClientIDToOpenIDConnectProvider',
      'AddClientIDToOpenIDConnectProvider',
      'RemoveClientIDFromOpenIDConnectProvider',
      'RemoveClientIDFromOpenIDConnectProvider',
      'UpdateOpenIDConnectProviderThumbprint',
      'DeleteOpenIDConnectProvider',
    ]);
  });

  it("refuses a second provider for a URL, and another account's provider ARNs", async () => {
    const created = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://once.example.com' }));
    await expectAwsError(
      iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://once.example.com/' })),
      'EntityAlreadyExists',
      409,
      'Provider with url https://once.example.com/ already exists.',
    );
    // Another account's provider is refused before any policy is read, even to its root user.
    const otherRoot = await keyFor(t, { accountId: other.id, principalId: other.id, userName: null });
    await expectAwsError(
      awsClients(t, endpoint, otherRoot).iam.send(
        new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: created.OpenIDConnectProviderArn }),
      ),
      'AccessDenied',
      403,
    );
    expect((await get(created.OpenIDConnectProviderArn!)).Url).toBe('once.example.com');
    await expectAwsError(
      get(arnOf(account.id, 'never.example.com')),
      'NoSuchEntity',
      404,
      `OpenIDConnect Provider not found for arn ${arnOf(account.id, 'never.example.com')}`,
    );
  });

  it('takes https:// URLs, and http:// only for its own issuer', async () => {
    // The test server's PUBLIC_URL is http://gatehouse.test: its own issuer needs no network.
    const own = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: 'http://gatehouse.test/oidc' }));
    expect(own.OpenIDConnectProviderArn).toBe(arnOf(account.id, 'gatehouse.test/oidc'));
    for (const Url of [
      'http://issuer.example.com',
      // Loopback issuers are taken only by a Gatehouse that itself runs on a loopback http:// PUBLIC_URL.
      'http://127.0.0.1:9999/issuer',
      'https://issuer.example.com/?tenant=1',
      'https://user:pass@issuer.example.com',
      'issuer.example.com',
    ])
      await expectAwsError(iam.send(new CreateOpenIDConnectProviderCommand({ Url })), 'InvalidInput', 400);
  });

  it('holds AWS limits: 40-digit hexadecimal thumbprints, at most five, and 100 client IDs', async () => {
    await expectAwsError(
      iam.send(
        new CreateOpenIDConnectProviderCommand({ Url: 'https://t.example.com', ThumbprintList: ['z'.repeat(40)] }),
      ),
      'InvalidInput',
      400,
      `Thumbprint ${'z'.repeat(40)} is not 40 hexadecimal digits (a SHA-1 fingerprint).`,
    );
    await expectAwsError(
      iam.send(
        new CreateOpenIDConnectProviderCommand({
          Url: 'https://t.example.com',
          ThumbprintList: ['a', 'b', 'c', 'd', 'e', 'f'].map((c) => c.repeat(40)),
        }),
      ),
      'ValidationError',
      400,
      "1 validation error detected: Value at 'thumbprintList' failed to satisfy constraint: Member must have length less than or equal to 5",
    );
    const clientIds = Array.from({ length: 100 }, (_, i) => `client-${i}`);
    const { OpenIDConnectProviderArn: arn } = await iam.send(
      new CreateOpenIDConnectProviderCommand({ Url: 'https://many.example.com', ClientIDList: clientIds }),
    );
    await expectAwsError(
      iam.send(new AddClientIDToOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn, ClientID: 'one-more' })),
      'LimitExceeded',
      409,
      'Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100',
    );
    expect((await get(arn!)).ClientIDList).toHaveLength(100);
  });

  it('decides each Action on its IAM action and the provider ARN', async () => {
    const allowed = arnOf(account.id, 'allowed.example.com');
    const user = await makeUser(t.deps, account.id, 'ops');
    await setUserPolicy(t, account.id, 'ops', 'providers', [
      {
        Effect: 'Allow',
        Action: ['iam:CreateOpenIDConnectProvider', 'iam:GetOpenIDConnectProvider'],
        Resource: allowed,
      },
    ]);
    const ops = awsClients(
      t,
      endpoint,
      await keyFor(t, { accountId: account.id, principalId: user.id, userName: 'ops' }),
    ).iam;
    await ops.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://allowed.example.com' }));
    expect((await ops.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: allowed }))).Url).toBe(
      'allowed.example.com',
    );
    await expectAwsError(
      ops.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://denied.example.com' })),
      'AccessDenied',
      403,
      `User: arn:aws:iam::${account.id}:user/ops is not authorized to perform: iam:CreateOpenIDConnectProvider on resource: ${arnOf(account.id, 'denied.example.com')} because no identity-based policy allows the iam:CreateOpenIDConnectProvider action`,
    );
    await expectAwsError(
      ops.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: allowed })),
      'AccessDenied',
      403,
    );
  });
});
