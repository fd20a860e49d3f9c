import { CreateUserCommand, GetUserCommand, type IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients, type AwsCredentials, expectAwsError, keyFor } from '../../test/support/aws-clients.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount } from '../../test/support/fixtures.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { listen } from '../../test/support/listen.ts';
import { MINUTE } from '../shared/clock.ts';
import {
  EMPTY_SHA256,
  amzDateOf,
  canonicalRequest,
  deriveSigningKey,
  SigningKeyCache,
  signWithKey,
} from '@gatehouse/authorizer/sigv4';

/** Runs `change` on the HTTP request after the SDK signed it, before it is sent. */
function afterSigning(
  client: IAMClient | { middlewareStack: IAMClient['middlewareStack'] },
  change: (request: { body: string; headers: Record<string, string> }) => void,
) {
  client.middlewareStack.add(
    (next) => async (args) => {
      change(args.request as { body: string; headers: Record<string, string> });
      return next(args);
    },
    { step: 'deserialize', name: 'tamperAfterSigning' },
  );
}

/** The hash constructor the SDK's signer expects, on node:crypto. */
class NodeSha256 {
  readonly #hash;
  constructor(secret?: unknown) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', secret as Uint8Array);
  }
  update(data: unknown): void {
    this.#hash.update(data as Uint8Array);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
}

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

describe('SigV4 signing keys and canonical requests', () => {
  it("matches the signature of AWS's published IAM ListUsers example", () => {
    // The worked example of the SigV4 documentation (GET, query string, three signed headers).
    const canonical = canonicalRequest({
      method: 'GET',
      path: '/',
      queryPairs: [
        ['Action', 'ListUsers'],
        ['Version', '2010-05-08'],
      ],
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        host: 'iam.amazonaws.com',
        'x-amz-date': '20150830T123600Z',
      },
      signedHeaders: ['content-type', 'host', 'x-amz-date'],
      payloadHash: EMPTY_SHA256,
    });
    expect(createHash('sha256').update(canonical).digest('hex')).toBe(
      'f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59',
    );
    const key = deriveSigningKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20150830', 'us-east-1', 'iam');
    const toSign = [
      'AWS4-HMAC-SHA256',
      '20150830T123600Z',
      '20150830/us-east-1/iam/aws4_request',
      createHash('sha256').update(canonical).digest('hex'),
    ].join('\n');
    expect(signWithKey(key, toSign)).toBe('5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7');
  });

  it('derives each signing key once per key, date, region and service', () => {
    const cache = new SigningKeyCache(2);
    let derivations = 0;
    const secret = () => {
      derivations++;
      return 'secret';
    };
    const a = cache.get('AKIAONE', '20261129', 'us-east-1', 'iam', secret);
    expect(cache.get('AKIAONE', '20261129', 'us-east-1', 'iam', secret)).toBe(a);
    expect(derivations).toBe(1);
    cache.get('AKIAONE', '20261130', 'us-east-1', 'iam', secret);
    cache.get('AKIAONE', '20261130', 'us-east-1', 'sts', secret);
    expect(derivations).toBe(3);
    expect(cache.size).toBe(2);
    expect(cache.get('AKIATWO', '20261129', 'us-east-1', 'iam', () => null)).toBeNull();
    expect(createHmac('sha256', a!).update('x').digest('hex')).toBe(
      signWithKey(deriveSigningKey('secret', '20261129', 'us-east-1', 'iam'), 'x'),
    );
  });
});

describe.each(DIALECTS)('SigV4 authentication of the Query API on %s', (dialect) => {
  let t: TestContext;
  let endpoint: string;
  let accountId: string;
  let rootKey: AwsCredentials;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    t.clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    endpoint = await listen(t.app);
    accountId = (await makeAccount(t.deps)).id;
    rootKey = await keyFor(t, { accountId, principalId: accountId, userName: null });
  });
  afterAll(() => t.close());

  async function raw(body: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${endpoint}/`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers },
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  it('refuses a wrong secret with SignatureDoesNotMatch', async () => {
    const { sts } = awsClients(t, endpoint, { ...rootKey, secretAccessKey: 'x'.repeat(40) });
    await expectAwsError(sts.send(new GetCallerIdentityCommand({})), 'SignatureDoesNotMatch', 403, MISMATCH);
  });

  it('refuses an unknown access key with InvalidClientTokenId', async () => {
    const { iam } = awsClients(t, endpoint, {
      accessKeyId: 'AKIAAAAAAAAAAAAAAAAA',
      secretAccessKey: rootKey.secretAccessKey,
    });
    await expectAwsError(
      iam.send(new GetUserCommand({})),
      'InvalidClientTokenId',
      403,
      'The security token included in the request is invalid.',
    );
    const { sts } = awsClients(t, endpoint, {
      accessKeyId: 'ZZZZAAAAAAAAAAAAAAAA',
      secretAccessKey: rootKey.secretAccessKey,
    });
    await expectAwsError(sts.send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 403);
  });

  it('refuses a request signed more than 15 minutes away from the server clock', async () => {
    const start = t.clock.now();
    const late = awsClients(t, endpoint, rootKey).sts;
    const early = awsClients(t, endpoint, rootKey).sts;
    await late.send(new GetCallerIdentityCommand({}));
    try {
      t.clock.advance(14 * MINUTE);
      await late.send(new GetCallerIdentityCommand({}));
      t.clock.set(start);
      t.clock.advance(16 * MINUTE);
      const error = await expectAwsError(late.send(new GetCallerIdentityCommand({})), 'SignatureDoesNotMatch', 403);
      const now = t.clock.now();
      expect(error.message).toMatch(
        new RegExp(
          `^Signature expired: \\d{8}T\\d{6}Z is now earlier than ${amzDateOf(new Date(now.getTime() - 15 * MINUTE))} \\(${amzDateOf(now)} - 15 min\\.\\)$`,
        ),
      );
      t.clock.set(start);
      t.clock.advance(-16 * MINUTE);
      await expectAwsError(
        early.send(new GetCallerIdentityCommand({})),
        'SignatureDoesNotMatch',
        403,
        /^Signature not yet current: \d{8}T\d{6}Z is still later than /,
      );
    } finally {
      t.clock.set(start);
    }
  });

  it('refuses a body changed after signing (the server hashes the body itself)', async () => {
    const { iam } = awsClients(t, endpoint, rootKey);
    afterSigning(iam, (request) => {
      request.body = request.body.replace('UserName=mallory', 'UserName=malloRy');
    });
    await expectAwsError(
      iam.send(new CreateUserCommand({ UserName: 'mallory' })),
      'SignatureDoesNotMatch',
      403,
      MISMATCH,
    );
  });

  it('refuses x-amz-* headers that are not signed, and a signature without Host', async () => {
    const { sts } = awsClients(t, endpoint, rootKey);
    afterSigning(sts as unknown as IAMClient, (request) => {
      request.headers['x-amz-meta-added'] = 'after signing';
    });
    await expectAwsError(
      sts.send(new GetCallerIdentityCommand({})),
      'SignatureDoesNotMatch',
      403,
      'There were headers present in the request which were not signed: x-amz-meta-added',
    );
    const noHost = awsClients(t, endpoint, rootKey).sts;
    afterSigning(noHost as unknown as IAMClient, (request) => {
      request.headers.authorization = request.headers.authorization!.replace(/SignedHeaders=[^,]+/, (m) =>
        m.replace('host;', ''),
      );
    });
    await expectAwsError(
      noHost.send(new GetCallerIdentityCommand({})),
      'IncompleteSignature',
      400,
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  });

  it('answers unsigned, malformed and unknown requests with AWS XML errors', async () => {
    const unsigned = await raw('Action=GetCallerIdentity&Version=2011-06-15');
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(unsigned.headers.get('x-amzn-requestid')).toBeTruthy();
    expect(unsigned.text).toContain(
      '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>MissingAuthenticationToken</Code>',
    );
    expect(unsigned.text).toContain(`<RequestId>${unsigned.headers.get('x-amzn-requestid')}</RequestId>`);

    const unknown = await raw('Action=RunInstances&Version=2010-05-08');
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain(
      '<Code>InvalidAction</Code><Message>Could not find operation RunInstances for version 2010-05-08</Message>',
    );
    const wrongVersion = await raw('Action=GetCallerIdentity&Version=2010-05-08');
    expect(wrongVersion.text).toContain('<Code>InvalidAction</Code>');

    const duplicate = await raw('Action=GetUser&Version=2010-05-08&UserName=a&UserName=b');
    expect(duplicate.status).toBe(400);
    expect(duplicate.text).toContain(
      '<Code>ValidationError</Code><Message>The parameter UserName was sent more than once.</Message>',
    );
    const extra = await raw('Action=GetUser&Version=2010-05-08&Bogus=1');
    expect(extra.text).toContain('<Message>The parameter Bogus is not a parameter of GetUser.</Message>');

    const garbage = await raw('Action=GetCallerIdentity&Version=2011-06-15', {
      authorization: 'AWS4-HMAC-SHA256 Credential=nonsense',
    });
    expect(garbage.status).toBe(400);
    expect(garbage.text).toContain('<Code>IncompleteSignature</Code>');
    const json = await raw('{"Action":"GetUser"}', { 'content-type': 'application/json' });
    expect(json.status).toBe(400);
    expect(json.text).toContain('<Code>InvalidAction</Code>');
    const huge = await raw(`Action=GetUser&Version=2010-05-08&UserName=${'a'.repeat(70_000)}`);
    expect(huge.status).toBe(413);
    expect(huge.text).toContain('<ErrorResponse');
  });

  it('accepts the presigned query form, and refuses it once expired', async () => {
    const signer = new SignatureV4({ credentials: rootKey, region: 'us-east-1', service: 'sts', sha256: NodeSha256 });
    const url = new URL(endpoint);
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const request = {
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      query: {},
      headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    };
    const presigned = await signer.presign(request, { expiresIn: 60, signingDate: t.clock.now() });
    const query = new URLSearchParams(presigned.query as Record<string, string>).toString();
    const send = () =>
      fetch(`${endpoint}/?${query}`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    const ok = await send();
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain(`<Arn>arn:aws:iam::${accountId}:root</Arn>`);
    t.clock.advance(2 * MINUTE);
    try {
      const late = await send();
      expect(late.status).toBe(403);
      expect(await late.text()).toContain('Signature expired');
    } finally {
      t.clock.advance(-2 * MINUTE);
    }
  });
});
