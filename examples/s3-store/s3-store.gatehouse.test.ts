import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { Authorizer, chunkSigner } from '@gatehouse/authorizer';
import { amzDateOf, deriveSigningKey, uriEncode } from '@gatehouse/authorizer/sigv4';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCli } from '../../test/support/aws-cli.ts';
import { type AwsCredentials, awsClients, keyFor } from '../../test/support/aws-clients.ts';
import { giveAuthenticator, setUserBoundary, setUserPolicy } from '../../test/support/console.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { type TestContext, createTestContext } from '../../test/support/harness.ts';
import { listen, listenHttp } from '../../test/support/listen.ts';
import { NodeSha256 } from '../../test/support/node-sha256.ts';
import { makeRole, trustPolicy } from '../../test/support/role-sessions.ts';
import { updateAccessKeyStatus } from '../../src/access-keys/access-key.service.ts';
import { CLI_ACTOR, SYSTEM_META } from '../../src/audit/audit.service.ts';
import { codeAt, stepAt } from '../../src/mfa/totp.ts';
import { gatehouseGuard } from './gatehouse-guard.ts';
import { ObjectFiles } from './object-files.ts';
import { s3Store } from './s3-store.ts';

const CACHE_TTL_MS = 5_000;
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * The example store protected by the authorizer package, with Gatehouse deciding: real AWS
 * clients (the SDK's S3 client and the AWS CLI) signed with Gatehouse credentials of every kind.
 */
/** Each AWS CLI command starts a Python interpreter: seconds each on a busy machine. */
const AWS_CLI_TIMEOUT = 90_000;

describe.each(DIALECTS)('the example S3 store guarded by Gatehouse, on %s', (dialect) => {
  let t: TestContext;
  let gatehouseUrl: string;
  let account: Awaited<ReturnType<typeof makeAccount>>;
  let root: AwsCredentials;
  let dir: string;
  let store: Server;
  let endpoint: string;

  async function user(name: string, statements: object[]) {
    const made = await makeUser(t.deps, account.id, name);
    if (statements.length > 0) await setUserPolicy(t, account.id, name, 'store', statements);
    const credentials = await keyFor(t, { accountId: account.id, principalId: made.id, userName: name });
    return { ...made, credentials };
  }

  /** A store guarded by an authorizer signing with `credentials`, on its own port. */
  async function startStore(credentials: AwsCredentials): Promise<{ server: Server; url: string }> {
    const authorizer = new Authorizer({
      gatehouse: gatehouseUrl,
      credentials,
      cacheTtlMs: CACHE_TTL_MS,
      now: () => t.clock.now().getTime(),
    });
    const server = createServer(s3Store(new ObjectFiles(join(dir, 'data')), gatehouseGuard(authorizer)));
    return { server, url: await listenHttp(server) };
  }

  /** An S3 client of the store at `url`, its clock Gatehouse's (or `skewMs` behind it). */
  function s3(credentials: AwsCredentials, url = endpoint, skewMs = 0): S3Client {
    return new S3Client({
      endpoint: url,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials,
      maxAttempts: 1,
      systemClockOffset: t.clock.now().getTime() - Date.now() - skewMs,
    });
  }

  /** A SigV4 signer for the store with the root key, signing the path as S3 clients do (unescaped). */
  function rootSigner(): SignatureV4 {
    return new SignatureV4({
      credentials: root,
      region: 'us-east-1',
      service: 's3',
      sha256: NodeSha256,
      uriEscapePath: false,
    });
  }

  async function refusal(call: Promise<unknown>): Promise<{ code: string; status: number | undefined }> {
    const error = (await call.then(
      () => {
        throw new Error('the call succeeded');
      },
      (e: unknown) => e,
    )) as { name: string; Code?: string; $metadata?: { httpStatusCode?: number } };
    return { code: error.Code ?? error.name, status: error.$metadata?.httpStatusCode };
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 's3-store-gatehouse-'));
    t = await createTestContext(dialect);
    t.clock.set(new Date(Math.floor(Date.now() / 30_000) * 30_000));
    gatehouseUrl = await listen(t.app);
    account = await makeAccount(t.deps);
    root = await keyFor(t, { accountId: account.id, principalId: account.id, userName: null });
    const service = await user('store-service', [
      { Effect: 'Allow', Action: 'gatehouse:AuthorizeRequest', Resource: `arn:aws:gatehouse::${account.id}:account` },
    ]);
    ({ server: store, url: endpoint } = await startStore(service.credentials));
    const admin = s3(root);
    await admin.send(new CreateBucketCommand({ Bucket: 'reports' }));
    for (const Key of ['public/summary.txt', 'private/salaries.txt']) {
      await admin.send(new PutObjectCommand({ Bucket: 'reports', Key, Body: `contents of ${Key}` }));
    }
  });
  afterAll(async () => {
    await new Promise((resolve) => store.close(resolve));
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('does what AWS policy examples say: s3:GetObject on one prefix, ListBucket with an s3:prefix condition', async () => {
    const reader = await user('reader', [
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/public/*' },
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::reports',
        Condition: { StringLike: { 's3:prefix': ['public/*'] } },
      },
    ]);
    const client = s3(reader.credentials);
    const got = await client.send(new GetObjectCommand({ Bucket: 'reports', Key: 'public/summary.txt' }));
    expect(await got.Body!.transformToString()).toBe('contents of public/summary.txt');
    expect(
      await refusal(client.send(new GetObjectCommand({ Bucket: 'reports', Key: 'private/salaries.txt' }))),
    ).toEqual({
      code: 'AccessDenied',
      status: 403,
    });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'reports', Prefix: 'public/' }));
    expect(listed.Contents!.map((c) => c.Key)).toEqual(['public/summary.txt']);
    expect(await refusal(client.send(new ListObjectsV2Command({ Bucket: 'reports' })))).toEqual({
      code: 'AccessDenied',
      status: 403,
    });
    expect(
      await refusal(client.send(new PutObjectCommand({ Bucket: 'reports', Key: 'public/new.txt', Body: 'x' }))),
    ).toEqual({ code: 'AccessDenied', status: 403 });
  });

  it('requires MFA where the policy says so: GetSessionToken credentials with MFA pass, the long-term key does not', async () => {
    const careful = await user('careful', [
      {
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::reports/*',
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      },
    ]);
    const device = await giveAuthenticator(t, account.id, careful.id, 'careful-phone');
    const { sts } = awsClients(t, gatehouseUrl, careful.credentials);
    const token = await sts.send(
      new GetSessionTokenCommand({
        SerialNumber: device.serial,
        TokenCode: codeAt(device.secret, stepAt(t.clock.now())),
      }),
    );
    const withMfa = s3({
      accessKeyId: token.Credentials!.AccessKeyId!,
      secretAccessKey: token.Credentials!.SecretAccessKey!,
      sessionToken: token.Credentials!.SessionToken!,
    });
    const got = await withMfa.send(new GetObjectCommand({ Bucket: 'reports', Key: 'private/salaries.txt' }));
    expect(await got.Body!.transformToString()).toBe('contents of private/salaries.txt');
    const without = s3(careful.credentials).send(
      new GetObjectCommand({ Bucket: 'reports', Key: 'private/salaries.txt' }),
    );
    expect(await refusal(without)).toEqual({ code: 'AccessDenied', status: 403 });
  });

  it('honours a Deny in a permissions boundary and a session policy of AssumeRole credentials', async () => {
    const bounded = await user('bounded', [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]);
    await setUserBoundary(t, account.id, 'bounded', 'NoPrivateReports', [
      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      { Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/private/*' },
    ]);
    const client = s3(bounded.credentials);
    await client.send(new GetObjectCommand({ Bucket: 'reports', Key: 'public/summary.txt' }));
    expect(
      await refusal(client.send(new GetObjectCommand({ Bucket: 'reports', Key: 'private/salaries.txt' }))),
    ).toMatchObject({ code: 'AccessDenied' });

    const role = await makeRole(
      t,
      account.id,
      'ReportsReader',
      trustPolicy({ Principal: { AWS: `arn:aws:iam::${account.id}:root` } }),
      {
        policy: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' }],
      },
    );
    const caller = await user('assumer', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: role.arn }]);
    const { sts } = awsClients(t, gatehouseUrl, caller.credentials);
    const session = await sts.send(
      new AssumeRoleCommand({
        RoleArn: role.arn,
        RoleSessionName: 'public-only',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/public/*' }],
        }),
      }),
    );
    const roleClient = s3({
      accessKeyId: session.Credentials!.AccessKeyId!,
      secretAccessKey: session.Credentials!.SecretAccessKey!,
      sessionToken: session.Credentials!.SessionToken!,
    });
    await roleClient.send(new GetObjectCommand({ Bucket: 'reports', Key: 'public/summary.txt' }));
    expect(
      await refusal(roleClient.send(new GetObjectCommand({ Bucket: 'reports', Key: 'private/salaries.txt' }))),
    ).toMatchObject({ code: 'AccessDenied' });
  });

  it('stops a key deactivated in Gatehouse within the cache time, and refuses tampered, expired and skewed requests', async () => {
    const worker = await user('worker', [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]);
    const client = s3(worker.credentials);
    const read = () => client.send(new GetObjectCommand({ Bucket: 'reports', Key: 'public/summary.txt' }));
    await read();
    await updateAccessKeyStatus(
      t.deps,
      { accountId: account.id, principalId: worker.id, userName: 'worker' },
      worker.credentials.accessKeyId,
      'Inactive',
      CLI_ACTOR,
      SYSTEM_META,
    );
    // Within the bound the store still knows the key; past it, Gatehouse's answer stands.
    await read();
    t.clock.advance(CACHE_TTL_MS + 1);
    expect(
      await refusal(
        s3(worker.credentials).send(new GetObjectCommand({ Bucket: 'reports', Key: 'public/summary.txt' })),
      ),
    ).toEqual({
      code: 'InvalidAccessKeyId',
      status: 403,
    });

    const tamperer = s3(root);
    tamperer.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers: Record<string, string> };
        request.headers.authorization = request.headers.authorization!.replace(
          /Signature=(\w)/,
          (_m, c) => `Signature=${c === 'a' ? 'b' : 'a'}`,
        );
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low' },
    );
    expect(
      await refusal(tamperer.send(new GetObjectCommand({ Bucket: 'reports', Key: 'public/summary.txt' }))),
    ).toEqual({
      code: 'SignatureDoesNotMatch',
      status: 403,
    });

    const skewed = s3(root, endpoint, 20 * 60_000);
    expect(await refusal(skewed.send(new GetObjectCommand({ Bucket: 'reports', Key: 'public/summary.txt' })))).toEqual({
      code: 'RequestTimeTooSkewed',
      status: 403,
    });

    const presigner = rootSigner();
    const url = new URL(endpoint);
    const presigned = await presigner.presign(
      {
        method: 'GET',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: '/reports/public/summary.txt',
        query: {},
        // As S3's presigner does: the URL's payload is unsigned.
        headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      },
      { signingDate: t.clock.now(), expiresIn: 60 },
    );
    const link = `${endpoint}${presigned.path}?${Object.entries(presigned.query as Record<string, string>)
      .map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`)
      .join('&')}`;
    expect(await (await fetch(link)).text()).toBe('contents of public/summary.txt');
    t.clock.advance(61_000);
    const late = await fetch(link);
    expect(late.status).toBe(403);
    expect(await late.text()).toContain('<Code>AccessDenied</Code><Message>Request has expired</Message>');
  });

  it('verifies a signed upload chunk by chunk (STREAMING-AWS4-HMAC-SHA256-PAYLOAD), and keeps nothing of a tampered one', async () => {
    const body = [Buffer.alloc(8192, 'x'), Buffer.from('tail')];
    const upload = async (key: string, tamper: boolean) => {
      const url = new URL(`${endpoint}/reports/${key}`);
      const decoded = body.reduce((n, b) => n + b.length, 0);
      const request = await rootSigner().sign(
        {
          method: 'PUT',
          protocol: 'http:',
          hostname: url.hostname,
          port: Number(url.port),
          path: url.pathname,
          query: {},
          headers: {
            host: url.host,
            'content-encoding': 'aws-chunked',
            'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
            'x-amz-decoded-content-length': String(decoded),
          },
        },
        { signingDate: t.clock.now() },
      );
      const seed = /Signature=([0-9a-f]{64})/.exec(request.headers.authorization!)![1]!;
      const amzDate = amzDateOf(t.clock.now());
      const chunks = chunkSigner(
        deriveSigningKey(root.secretAccessKey, amzDate.slice(0, 8), 'us-east-1', 's3'),
        amzDate,
        `${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`,
        seed,
      );
      let previous = seed;
      const framed: Buffer[] = [];
      for (const data of [...body, Buffer.alloc(0)]) {
        previous = chunks.chunk(previous, sha256(data));
        const sent = tamper && data.length === 4 ? Buffer.from('TAIL') : data;
        framed.push(
          Buffer.from(`${data.length.toString(16)};chunk-signature=${previous}\r\n`),
          sent,
          Buffer.from('\r\n'),
        );
      }
      return fetch(url, { method: 'PUT', headers: request.headers, body: Buffer.concat(framed) });
    };
    expect((await upload('signed/ok.bin', false)).status).toBe(200);
    const got = await s3(root).send(new GetObjectCommand({ Bucket: 'reports', Key: 'signed/ok.bin' }));
    expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(Buffer.concat(body));
    const tampered = await upload('signed/tampered.bin', true);
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    const listed = await s3(root).send(new ListObjectsV2Command({ Bucket: 'reports', Prefix: 'signed/' }));
    expect(listed.Contents!.map((c) => c.Key)).toEqual(['signed/ok.bin']);
  });

  it('refuses every request while its own credential lacks gatehouse:AuthorizeRequest', async () => {
    const unpermitted = await user('unpermitted-service', []);
    const { server, url } = await startStore(unpermitted.credentials);
    try {
      const refused = await refusal(
        s3(root, url).send(new GetObjectCommand({ Bucket: 'reports', Key: 'public/summary.txt' })),
      );
      expect(refused).toEqual({ code: 'ServiceUnavailable', status: 503 });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it(
    'serves the AWS CLI with an IAM user key: cp, ls and rm where the policy allows, refused where it does not',
    async () => {
      const cli = await user('cli-user', [
        {
          Effect: 'Allow',
          Action: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
          Resource: 'arn:aws:s3:::reports/cli/*',
        },
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::reports' },
      ]);
      // The AWS CLI signs with the real clock: Gatehouse's clock is set to it for these commands.
      t.clock.set(new Date());
      const aws = awsCli(endpoint, cli.credentials);
      const file = join(dir, 'upload.txt');
      await writeFile(file, 'from the AWS CLI\n');
      await aws('s3', 'cp', file, 's3://reports/cli/upload.txt');
      expect((await aws('s3', 'ls', 's3://reports/cli/')).stdout).toMatch(/17 upload\.txt/);
      await expect(aws('s3', 'cp', file, 's3://reports/private/upload.txt')).rejects.toThrow(/AccessDenied/);
      await expect(aws('s3', 'cp', 's3://reports/private/salaries.txt', join(dir, 'stolen.txt'))).rejects.toThrow(
        /403|AccessDenied|Forbidden/,
      );
      await aws('s3', 'rm', 's3://reports/cli/upload.txt');
      const left = await s3(root).send(new ListObjectsV2Command({ Bucket: 'reports', Prefix: 'cli/' }));
      expect(left.KeyCount).toBe(0);
    },
    AWS_CLI_TIMEOUT,
  );
});
