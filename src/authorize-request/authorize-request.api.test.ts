import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssumeRoleCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { deriveSigningKey } from '@gatehouse/authorizer/sigv4';
import { EMPTY_SHA256 } from '@gatehouse/authorizer/sigv4';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsCredentials, awsClients, keyFor } from '../../test/support/aws-clients.ts';
import { gatehouse } from '../../test/support/cli.ts';
import { giveAuthenticator, setUserBoundary, setUserPolicy } from '../../test/support/console.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { Browser, type TestContext, cliEnv, createTestContext } from '../../test/support/harness.ts';
import { listen } from '../../test/support/listen.ts';
import { NodeSha256 } from '../../test/support/node-sha256.ts';
import { makeRole, trustPolicy } from '../../test/support/role-sessions.ts';
import { findKey, updateAccessKeyStatus } from '../access-keys/access-key.service.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { codeAt, stepAt } from '../mfa/totp.ts';

const HOST = 'notes.example.test';
const REGION = 'eu-west-1';

interface Forwarded {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  payloadHash?: string;
}

/** The query string a client sends: each name and value percent-encoded as SigV4 encodes them. */
function queryText(query: Record<string, string>): string {
  const enc = (v: string) =>
    encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return Object.entries(query)
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .join('&');
}

describe.each(DIALECTS)('the authorization API, with requests signed as AWS clients sign them, on %s', (dialect) => {
  let t: TestContext;
  let endpoint: string;
  let home: Awaited<ReturnType<typeof makeAccount>>;
  let other: Awaited<ReturnType<typeof makeAccount>>;
  let notesService: AwsCredentials;
  let otherService: AwsCredentials;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-authorize-'));
    // In a file, so the real CLI (service-trust) works on the same SQLite database.
    t = await createTestContext(dialect, {}, { sqliteFile: join(dir, 'g.db') });
    t.clock.set(new Date(Math.floor(Date.now() / 30_000) * 30_000));
    endpoint = await listen(t.app);
    home = await makeAccount(t.deps);
    other = await makeAccount(t.deps);
    notesService = await serviceKey(home.id, 'notes-service');
    otherService = await serviceKey(other.id, 'other-service');
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A user of `accountId` that may authorize requests for any account, and its key. */
  async function serviceKey(accountId: string, name: string): Promise<AwsCredentials> {
    const user = await makeUser(t.deps, accountId, name);
    await setUserPolicy(t, accountId, name, 'authorize', [
      { Effect: 'Allow', Action: 'gatehouse:AuthorizeRequest', Resource: 'arn:aws:gatehouse::*:account' },
    ]);
    return keyFor(t, { accountId, principalId: user.id, userName: user.name });
  }

  async function userWithKey(accountId: string, name: string, statements: object[]) {
    const user = await makeUser(t.deps, accountId, name);
    await setUserPolicy(t, accountId, name, 'mine', statements);
    const credentials: AwsCredentials = await keyFor(t, { accountId, principalId: user.id, userName: user.name });
    return { user, credentials, arn: `arn:aws:iam::${accountId}:user/${name}` };
  }

  function signer(credentials: AwsCredentials, service: string, s3 = false) {
    return new SignatureV4({
      credentials,
      region: REGION,
      service,
      sha256: NodeSha256,
      uriEscapePath: !s3,
      applyChecksum: s3,
    });
  }

  /** A request as a client signs it (header form) and as the service then forwards it. */
  async function signed(
    credentials: AwsCredentials,
    options: {
      service?: string;
      method?: string;
      path?: string;
      query?: Record<string, string>;
      s3?: boolean;
      at?: Date;
    } = {},
  ): Promise<Forwarded> {
    const { service = 'notes', method = 'GET', path = '/notes/1', query = {}, s3 = false } = options;
    const headers: Record<string, string> = {
      host: HOST,
      ...(s3 ? { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } : {}),
    };
    const request = await signer(credentials, service, s3).sign(
      { method, protocol: 'https:', hostname: HOST, path, query, headers },
      { signingDate: options.at ?? t.clock.now() },
    );
    return {
      method,
      path,
      query: queryText(query),
      headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v])),
      ...(s3 ? {} : { payloadHash: EMPTY_SHA256 }),
    };
  }

  /** POST /authorize, signed by the calling service with its own key. */
  async function ask(body: object, caller: AwsCredentials = notesService) {
    const payload = JSON.stringify(body);
    const request = await signer(caller, 'gatehouse').sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: 'gatehouse.test',
        path: '/authorize',
        headers: { host: 'gatehouse.test', 'content-type': 'application/json' },
        body: payload,
      },
      { signingDate: t.clock.now() },
    );
    const response = await t.app.inject({
      method: 'POST',
      url: '/authorize',
      headers: request.headers,
      payload,
    });
    return { status: response.statusCode, body: response.json() };
  }

  const note = (accountId: string, id: string) => `arn:aws:notes:${REGION}:${accountId}:note/${id}`;

  it('allows what the identity policy allows and denies the rest, with AWS sentences, and records the key use', async () => {
    const ann = await userWithKey(home.id, 'ann', [
      { Effect: 'Allow', Action: 'notes:GetNote', Resource: note(home.id, 'ann/*') },
    ]);
    const request = await signed(ann.credentials, { path: '/notes/ann/1', query: { version: '2 b' } });
    const allowed = await ask({ request, action: 'notes:GetNote', resource: note(home.id, 'ann/1') });
    expect(allowed).toEqual({
      status: 200,
      body: {
        decision: 'Allow',
        reason: `User: ${ann.arn} is allowed to perform: notes:GetNote on resource: ${note(home.id, 'ann/1')}`,
        principal: {
          arn: ann.arn,
          accountId: home.id,
          userId: ann.user.id,
          type: 'IAMUser',
          accessKeyId: ann.credentials.accessKeyId,
          mfaPresent: false,
          sourceIdentity: null,
        },
      },
    });
    const key = await findKey(t.deps, ann.credentials.accessKeyId);
    expect({ service: key?.lastUsedService, region: key?.lastUsedRegion }).toEqual({
      service: 'notes',
      region: REGION,
    });

    const denied = await ask({ request, action: 'notes:DeleteNote', resource: note(home.id, 'ann/1') });
    expect(denied.body.decision).toBe('Deny');
    expect(denied.body.errorCode).toBeUndefined();
    expect(denied.body.reason).toBe(
      `User: ${ann.arn} is not authorized to perform: notes:DeleteNote on resource: ${note(home.id, 'ann/1')} because no identity-based policy allows the notes:DeleteNote action`,
    );
  });

  it('hands the derived signing key of a request to a service that asks, for this key, day, region and service only', async () => {
    const dana = await userWithKey(home.id, 'dana', [{ Effect: 'Allow', Action: 'notes:GetNote', Resource: '*' }]);
    const request = await signed(dana.credentials);
    const plain = await ask({ request, action: 'notes:GetNote', resource: note(home.id, '1') });
    expect(plain.body.signingKey).toBeUndefined();
    const day = t.clock.now().toISOString().slice(0, 10).replaceAll('-', '');
    const granted = await ask({ request, action: 'notes:DeleteNote', resource: note(home.id, '1'), signingKey: true });
    expect(granted.body.decision).toBe('Deny');
    expect(granted.body.signingKey).toEqual({
      key: deriveSigningKey(dana.credentials.secretAccessKey, day, REGION, 'notes').toString('base64'),
      scope: `${day}/${REGION}/notes/aws4_request`,
      credentialExpiresAt: null,
    });
    const tampered = { ...request, headers: { ...request.headers, host: 'elsewhere.test' } };
    const refused = await ask({
      request: tampered,
      action: 'notes:GetNote',
      resource: note(home.id, '1'),
      signingKey: true,
    });
    expect(refused.body.errorCode).toBe('SignatureDoesNotMatch');
    expect(refused.body.signingKey).toBeUndefined();
    expect((await ask({ request, action: 'notes:GetNote', resource: '*', signingKey: 'yes' })).status).toBe(400);
  });

  it('denies with a Deny in the permissions boundary', async () => {
    const bob = await userWithKey(home.id, 'bob', [{ Effect: 'Allow', Action: 'notes:*', Resource: '*' }]);
    await setUserBoundary(t, home.id, 'bob', 'NotesNoDelete', [
      { Effect: 'Allow', Action: 'notes:*', Resource: '*' },
      { Effect: 'Deny', Action: 'notes:DeleteNote', Resource: '*' },
    ]);
    const request = await signed(bob.credentials);
    expect((await ask({ request, action: 'notes:GetNote', resource: note(home.id, '1') })).body.decision).toBe('Allow');
    const refused = await ask({ request, action: 'notes:DeleteNote', resource: note(home.id, '1') });
    expect(refused.body).toMatchObject({
      decision: 'Deny',
      reason: `User: ${bob.arn} is not authorized to perform: notes:DeleteNote on resource: ${note(home.id, '1')} with an explicit deny in a permissions boundary`,
    });
  });

  it('narrows AssumeRole credentials by their session policy and names the role session', async () => {
    const role = await makeRole(
      t,
      home.id,
      'NotesEditor',
      trustPolicy({
        Principal: { AWS: `arn:aws:iam::${home.id}:root` },
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
      }),
      { policy: [{ Effect: 'Allow', Action: 'notes:*', Resource: '*' }] },
    );
    const cara = await userWithKey(home.id, 'cara', [
      { Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'], Resource: role.arn },
    ]);
    const { sts } = awsClients(t, endpoint, cara.credentials);
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: role.arn,
        RoleSessionName: 'cara-edits',
        SourceIdentity: 'cara',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'notes:GetNote', Resource: '*' }],
        }),
      }),
    );
    const session: AwsCredentials = {
      accessKeyId: out.Credentials!.AccessKeyId!,
      secretAccessKey: out.Credentials!.SecretAccessKey!,
      sessionToken: out.Credentials!.SessionToken!,
    };
    const sessionArn = `arn:aws:sts::${home.id}:assumed-role/NotesEditor/cara-edits`;
    const request = await signed(session);
    const allowed = await ask({ request, action: 'notes:GetNote', resource: note(home.id, '1') });
    expect(allowed.body).toMatchObject({
      decision: 'Allow',
      principal: { arn: sessionArn, type: 'AssumedRole', userId: `${role.id}:cara-edits`, sourceIdentity: 'cara' },
    });
    const narrowed = await ask({ request, action: 'notes:PutNote', resource: note(home.id, '1') });
    expect(narrowed.body.reason).toBe(
      `User: ${sessionArn} is not authorized to perform: notes:PutNote on resource: ${note(home.id, '1')} because no session policy allows the notes:PutNote action`,
    );
  });

  it('knows MFA on GetSessionToken credentials, and not on the long-term key', async () => {
    const dora = await userWithKey(home.id, 'dora', [
      {
        Effect: 'Allow',
        Action: 'notes:GetNote',
        Resource: '*',
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      },
    ]);
    const device = await giveAuthenticator(t, home.id, dora.user.id, 'dora-phone');
    const { sts } = awsClients(t, endpoint, dora.credentials);
    const token = await sts.send(
      new GetSessionTokenCommand({
        SerialNumber: device.serial,
        TokenCode: codeAt(device.secret, stepAt(t.clock.now())),
      }),
    );
    const withMfa = await signed({
      accessKeyId: token.Credentials!.AccessKeyId!,
      secretAccessKey: token.Credentials!.SecretAccessKey!,
      sessionToken: token.Credentials!.SessionToken!,
    });
    const allowed = await ask({ request: withMfa, action: 'notes:GetNote', resource: note(home.id, '1') });
    expect(allowed.body).toMatchObject({
      decision: 'Allow',
      principal: { arn: dora.arn, type: 'IAMUser', mfaPresent: true },
    });
    const withoutMfa = await ask({
      request: await signed(dora.credentials),
      action: 'notes:GetNote',
      resource: note(home.id, '1'),
    });
    expect(withoutMfa.body).toMatchObject({ decision: 'Deny', principal: { mfaPresent: false } });
  });

  it('refuses a tampered signature, a 20-minute skew, an expired presigned URL, a deactivated and an unknown key', async () => {
    const erin = await userWithKey(home.id, 'erin', [
      { Effect: 'Allow', Action: ['notes:*', 's3:GetObject'], Resource: '*' },
    ]);
    const asked = (request: Forwarded) => ask({ request, action: 'notes:GetNote', resource: note(home.id, '1') });

    const good = await signed(erin.credentials);
    const tampered = { ...good, path: '/notes/2' };
    expect((await asked(tampered)).body).toMatchObject({ decision: 'Deny', errorCode: 'SignatureDoesNotMatch' });

    const skewed = await signed(erin.credentials, { at: new Date(t.clock.now().getTime() - 20 * 60_000) });
    expect((await asked(skewed)).body).toMatchObject({ decision: 'Deny', errorCode: 'RequestTimeTooSkewed' });

    const url = await signer(erin.credentials, 's3', true).presign(
      {
        method: 'GET',
        protocol: 'https:',
        hostname: HOST,
        path: '/bucket/key',
        query: {},
        // As S3's presigner does: the URL's payload is unsigned.
        headers: { host: HOST, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      },
      { expiresIn: 60, signingDate: t.clock.now() },
    );
    const presigned: Forwarded = {
      method: 'GET',
      path: '/bucket/key',
      query: queryText(url.query as Record<string, string>),
      headers: { host: HOST },
    };
    const s3Question = { request: presigned, action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/key' };
    expect((await ask(s3Question)).body.decision).toBe('Allow');
    t.clock.advance(61_000);
    expect((await ask(s3Question)).body).toMatchObject({
      decision: 'Deny',
      errorCode: 'SignatureDoesNotMatch',
      reason: expect.stringMatching(/^Signature expired/),
    });

    await updateAccessKeyStatus(
      t.deps,
      { accountId: home.id, principalId: erin.user.id, userName: 'erin' },
      erin.credentials.accessKeyId,
      'Inactive',
      CLI_ACTOR,
      SYSTEM_META,
    );
    expect((await asked(await signed(erin.credentials))).body).toMatchObject({
      decision: 'Deny',
      errorCode: 'InvalidClientTokenId',
    });
    const unknown = { accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', secretAccessKey: 'x'.repeat(40) };
    expect((await asked(await signed(unknown))).body).toMatchObject({
      decision: 'Deny',
      errorCode: 'InvalidClientTokenId',
    });
  });

  it('refuses a calling service without gatehouse:AuthorizeRequest, and one whose own signature fails, with JSON errors', async () => {
    const fay = await userWithKey(home.id, 'fay', [{ Effect: 'Allow', Action: 'notes:*', Resource: '*' }]);
    const request = await signed(fay.credentials);
    const question = { request, action: 'notes:GetNote', resource: note(home.id, '1') };
    const refused = await ask(question, fay.credentials);
    expect(refused).toEqual({
      status: 403,
      body: {
        __type: 'AccessDenied',
        message: `User: ${fay.arn} is not authorized to perform: gatehouse:AuthorizeRequest on resource: arn:aws:gatehouse::${home.id}:account because no identity-based policy allows the gatehouse:AuthorizeRequest action`,
      },
    });
    const wrongSecret = { ...notesService, secretAccessKey: 'y'.repeat(40) };
    expect(await ask(question, wrongSecret)).toMatchObject({ status: 403, body: { __type: 'SignatureDoesNotMatch' } });
  });

  it("refuses another account's service until the key's account trusts it (service-trust add), for that service name", async () => {
    const gus = await userWithKey(home.id, 'gus', [
      { Effect: 'Allow', Action: 'notes:*', Resource: note(home.id, '*') },
    ]);
    const question = { request: await signed(gus.credentials), action: 'notes:GetNote', resource: note(home.id, '1') };
    expect(await ask(question, otherService)).toMatchObject({
      status: 403,
      body: {
        __type: 'AccessDenied',
        message: `User: arn:aws:iam::${other.id}:user/other-service is not authorized to perform: gatehouse:AuthorizeRequest on resource: arn:aws:gatehouse::${home.id}:account because no resource-based policy allows the gatehouse:AuthorizeRequest action`,
      },
    });

    const added = await gatehouse(
      ['service-trust', 'add', '--account', home.id, '--trusted-account', other.id, '--service', 'notes', '--json'],
      cliEnv(t),
    );
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toEqual({
      accountId: home.id,
      trustedAccountId: other.id,
      service: 'notes',
      added: true,
    });
    const listed = await gatehouse(['service-trust', 'list', '--account', home.id, '--json'], cliEnv(t));
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([
      { accountId: home.id, trustedAccountId: other.id, service: 'notes' },
    ]);
    // Another process changed the trusts: this one hears of it at its feed's next poll (README, Caches).
    await t.deps.invalidations.pollNow();
    expect(await ask(question, otherService)).toMatchObject({ status: 200, body: { decision: 'Allow' } });
    // Trusted with notes only: a request signed for another service is still refused.
    const photos = { ...question, request: await signed(gus.credentials, { service: 'photos' }) };
    expect((await ask(photos, otherService)).status).toBe(403);
  });

  it('decides a cross-account request with the resource policy the service passes: both sides must allow', async () => {
    await gatehouse(
      ['service-trust', 'add', '--account', other.id, '--trusted-account', home.id, '--service', 's3'],
      cliEnv(t),
    );
    await t.deps.invalidations.pollNow();
    const hana = await userWithKey(other.id, 'hana', [
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared/*' },
    ]);
    const request = await signed(hana.credentials, { service: 's3', s3: true, path: '/shared/report%20one.txt' });
    const question = { request, action: 's3:GetObject', resource: 'arn:aws:s3:::shared/report one.txt' };
    expect((await ask(question)).body).toMatchObject({
      decision: 'Deny',
      reason: `User: ${hana.arn} is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::shared/report one.txt because no resource-based policy allows the s3:GetObject action`,
    });
    const bucketPolicy = (principal: string) => ({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: principal }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared/*' },
      ],
    });
    expect((await ask({ ...question, resourcePolicy: bucketPolicy(hana.arn) })).body).toMatchObject({
      decision: 'Allow',
      principal: { arn: hana.arn, accountId: other.id },
    });
    expect((await ask({ ...question, resourcePolicy: bucketPolicy(other.id) })).body.decision).toBe('Allow');
    expect((await ask({ ...question, resourcePolicy: bucketPolicy(home.id) })).body).toMatchObject({
      decision: 'Deny',
      reason: expect.stringMatching(/because no resource-based policy allows the s3:GetObject action$/),
    });
    // The resource policy alone is not enough across accounts: the identity side must allow too.
    const put = {
      ...question,
      action: 's3:PutObject',
      resourcePolicy: {
        ...bucketPolicy(hana.arn),
        Statement: [{ Effect: 'Allow', Principal: { AWS: hana.arn }, Action: 's3:*', Resource: '*' }],
      },
    };
    expect((await ask(put)).body).toMatchObject({
      decision: 'Deny',
      reason: expect.stringMatching(/because no identity-based policy allows the s3:PutObject action$/),
    });
  });

  it('answers a batch of questions in order, each as if asked alone, and refuses a malformed batch whole', async () => {
    const ida = await userWithKey(home.id, 'ida', [
      { Effect: 'Allow', Action: 'notes:GetNote', Resource: note(home.id, 'ida/*') },
    ]);
    const stranger = await userWithKey(other.id, 'stranger', [{ Effect: 'Allow', Action: 'notes:*', Resource: '*' }]);
    const question = (action: string, id: string, request: Forwarded) => ({
      action,
      resource: note(home.id, id),
      request,
    });
    const mine = await signed(ida.credentials, { path: '/notes/ida/1' });
    const questions = [
      question('notes:GetNote', 'ida/1', mine),
      question('notes:DeleteNote', 'ida/1', mine),
      question('notes:GetNote', 'ida/1', { ...mine, path: '/notes/ida/2' }),
      // Another account's key: this service may not judge it (its account trusts no one).
      question('notes:GetNote', 'x', await signed(stranger.credentials)),
      { ...question('notes:GetNote', 'ida/1', mine), record: 'some' },
    ];
    const alone = [];
    for (const q of questions) alone.push(await ask(q));
    const batch = await ask({ questions });
    expect(batch.status).toBe(200);
    expect(batch.body.answers).toEqual([
      alone[0]!.body,
      alone[1]!.body,
      alone[2]!.body,
      { error: { code: 'AccessDenied', message: alone[3]!.body.message } },
      { error: { code: 'ValidationError', message: 'questions[4].record: all, denials or none.' } },
    ]);
    expect(batch.body.answers.slice(0, 3).map((a: { decision: string }) => a.decision)).toEqual([
      'Allow',
      'Deny',
      'Deny',
    ]);
    expect(batch.body.answers[2].errorCode).toBe('SignatureDoesNotMatch');
    expect(alone[3]!.status).toBe(403);

    for (const malformed of [{ questions: [] }, { questions: {} }, { questions: Array(31).fill(questions[0]) }])
      expect(await ask(malformed)).toMatchObject({
        status: 400,
        body: { __type: 'ValidationError', message: 'questions: a list of 1 to 30 questions.' },
      });
  });

  it('records denials as AuthorizeRequest events by default, allows only when asked, counts both per minute, and never a failed signature', async () => {
    const shop = await makeAccount(t.deps);
    const shopService = await serviceKey(shop.id, 'shop-service');
    const serviceArn = `arn:aws:iam::${shop.id}:user/shop-service`;
    const gus = await userWithKey(shop.id, 'gus', [
      { Effect: 'Allow', Action: 'notes:GetNote', Resource: note(shop.id, 'gus/*') },
    ]);
    const request = { ...(await signed(gus.credentials, { path: '/notes/gus/1' })), sourceIp: '198.51.100.23' };
    const question = (action: string, id: string, record?: string) => ({
      request,
      action,
      resource: note(shop.id, id),
      ...(record ? { record } : {}),
    });
    const events = async () =>
      (
        await t.deps.db
          .selectFrom('audit_events')
          .select(['actor_id', 'actor_name', 'outcome', 'reason', 'target_name', 'source_ip', 'details'])
          .where('account_id', '=', shop.id)
          .where('event_name', '=', 'AuthorizeRequest')
          .orderBy('seq')
          .execute()
      ).map((e) => ({ ...e, details: JSON.parse(e.details!) as Record<string, unknown> }));
    const counts = async () => {
      await t.deps.decisionCounts.flush();
      return (
        await t.deps.db
          .selectFrom('authorization_counts')
          .select(['service_arn', 'action', 'decision', 'count'])
          .where('account_id', '=', shop.id)
          .orderBy('action')
          .orderBy('decision')
          .execute()
      ).map((c) => [c.service_arn, c.action, c.decision, Number(c.count)]);
    };

    expect((await ask(question('notes:GetNote', 'gus/1'), shopService)).body.decision).toBe('Allow');
    expect(await events()).toEqual([]);
    const denied = await ask(question('notes:DeleteNote', 'gus/1'), shopService);
    expect(denied.body.decision).toBe('Deny');
    expect(await events()).toEqual([
      {
        actor_id: gus.user.id,
        actor_name: 'gus',
        outcome: 'Failure',
        reason: 'AccessDenied',
        target_name: note(shop.id, 'gus/1'),
        source_ip: '198.51.100.23',
        details: {
          action: 'notes:DeleteNote',
          resource: note(shop.id, 'gus/1'),
          service: 'notes',
          serviceArn,
          reason: denied.body.reason,
          sourceIp: '198.51.100.23',
          accessKeyId: gus.credentials.accessKeyId,
        },
      },
    ]);

    // record: 'all' writes the allow too; 'none' writes nothing, and both are still counted.
    await ask(question('notes:GetNote', 'gus/2', 'all'), shopService);
    await ask(question('notes:DeleteNote', 'gus/2', 'none'), shopService);
    expect((await events()).map((e) => [e.outcome, e.details.action, e.target_name])).toEqual([
      ['Failure', 'notes:DeleteNote', note(shop.id, 'gus/1')],
      ['Success', 'notes:GetNote', note(shop.id, 'gus/2')],
    ]);
    expect(await counts()).toEqual([
      [serviceArn, 'notes:DeleteNote', 'Deny', 2],
      [serviceArn, 'notes:GetNote', 'Allow', 2],
    ]);

    // A request whose signature fails names no verified principal: neither an event nor a count.
    const tampered = { ...question('notes:GetNote', 'gus/1', 'all'), request: { ...request, path: '/notes/gus/9' } };
    expect((await ask(tampered, shopService)).body.errorCode).toBe('SignatureDoesNotMatch');
    expect(await events()).toHaveLength(2);
    expect(await counts()).toHaveLength(2);
    expect(await ask(question('notes:GetNote', 'gus/1', 'some'), shopService)).toMatchObject({
      status: 400,
      body: { __type: 'ValidationError', message: 'record: all, denials or none.' },
    });

    // The account's Activity page lists them, filtered to decisions for services, with the counts.
    const root = new Browser(t.app);
    await root.post('/signin/root/password', { email: shop.email, password: ROOT_PASSWORD });
    const page = await root.get('/console/activity?kind=decisions');
    expect(page.statusCode).toBe(200);
    const rows = [
      ...page.body.matchAll(
        /<tr[^>]*data-decision="(\w+)"><td>[^<]*<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>\w+<\/td><td>(\w+)/g,
      ),
    ];
    expect(rows.map((m) => m.slice(1))).toEqual([
      ['Allow', 'gus', 'notes:GetNote', note(shop.id, 'gus/2'), 'notes'],
      ['Deny', 'gus', 'notes:DeleteNote', note(shop.id, 'gus/1'), 'notes'],
    ]);
    expect(page.body).not.toContain('<td>ConsoleLogin');
    const counted = /<caption>Decisions for services, counted<\/caption>[\s\S]*?<\/table>/.exec(page.body)?.[0] ?? '';
    expect(
      [
        ...counted.matchAll(
          /<tr><td>([^<]+)<\/td><td>([^<]+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td><\/tr>/g,
        ),
      ].map((m) => m.slice(1)),
    ).toEqual([
      [serviceArn, 'notes:DeleteNote', '0', '2', '0', '2'],
      [serviceArn, 'notes:GetNote', '2', '0', '2', '0'],
    ]);
    expect((await root.get('/console/activity?kind=everything')).statusCode).toBe(400);
  });
});
