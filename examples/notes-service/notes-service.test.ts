import { type Server, createServer } from 'node:http';
import { Authorizer, guardNodeHandler } from '@gatehouse/authorizer';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsCredentials, keyFor } from '../../test/support/aws-clients.ts';
import { setUserPolicy } from '../../test/support/console.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { type TestContext, createTestContext } from '../../test/support/harness.ts';
import { listen, listenHttp } from '../../test/support/listen.ts';
import { NodeSha256 } from '../../test/support/node-sha256.ts';
import { notesService } from './notes-service.ts';

/** The README's Fastify example, and the same guard on plain node:http, against a real Gatehouse. */
describe.each(DIALECTS)('a service of your own accepts Gatehouse credentials, on %s', (dialect) => {
  let t: TestContext;
  let authorizer: Authorizer;
  let reader: AwsCredentials;
  let readerArn: string;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    const gatehouse = await listen(t.app);
    const account = await makeAccount(t.deps);
    const service = await makeUser(t.deps, account.id, 'notes-service');
    await setUserPolicy(t, account.id, 'notes-service', 'authorize', [
      { Effect: 'Allow', Action: 'gatehouse:AuthorizeRequest', Resource: `arn:aws:gatehouse::${account.id}:account` },
    ]);
    const user = await makeUser(t.deps, account.id, 'reader');
    await setUserPolicy(t, account.id, 'reader', 'notes', [
      { Effect: 'Allow', Action: 'notes:GetNote', Resource: 'arn:aws:notes:::note/reader/*' },
    ]);
    readerArn = `arn:aws:iam::${account.id}:user/reader`;
    reader = await keyFor(t, { accountId: account.id, principalId: user.id, userName: 'reader' });
    authorizer = new Authorizer({
      gatehouse,
      credentials: await keyFor(t, { accountId: account.id, principalId: service.id, userName: 'notes-service' }),
      now: () => t.clock.now().getTime(),
    });
  });
  afterAll(async () => {
    await t.close();
  });

  /** A GET as an AWS SDK signs it for the service `notes`. */
  async function signedGet(host: string, path: string, credentials = reader) {
    const signer = new SignatureV4({ credentials, region: 'eu-west-1', service: 'notes', sha256: NodeSha256 });
    const request = await signer.sign(
      { method: 'GET', protocol: 'http:', hostname: host, path, headers: { host } },
      { signingDate: t.clock.now() },
    );
    return request.headers;
  }

  it('Fastify: the plugin lets through what the policy allows, with its principal, and answers the rest in AWS JSON', async () => {
    const app = notesService(authorizer);
    const get = async (path: string) =>
      app.inject({ method: 'GET', url: path, headers: await signedGet('notes.test', path) });
    const allowed = await get('/reader/1');
    expect(allowed.json()).toEqual({ note: { owner: 'reader', id: '1' }, readBy: readerArn });
    const denied = await get('/someone-else/1');
    expect([denied.statusCode, denied.json().__type, denied.json().message]).toEqual([
      403,
      'AccessDenied',
      'Access Denied',
    ]);
    const unsigned = await app.inject({ method: 'GET', url: '/reader/1' });
    expect([unsigned.statusCode, unsigned.json().__type]).toEqual([403, 'AccessDenied']);
    const stranger = await app.inject({
      method: 'GET',
      url: '/reader/1',
      headers: await signedGet('notes.test', '/reader/1', {
        accessKeyId: 'AKIAUNKNOWNUNKNOWN00',
        secretAccessKey: 'x',
      }),
    });
    expect([stranger.statusCode, stranger.json().__type]).toEqual([403, 'InvalidAccessKeyId']);
    await app.close();
  });

  it('node:http: guardNodeHandler answers refusals in S3-style XML and hands allowed requests their verdict', async () => {
    const server: Server = createServer(
      guardNodeHandler(
        authorizer,
        (req) => ({ action: 'notes:GetNote', resource: `arn:aws:notes:::note${req.url}` }),
        (_req, res, verdict) => res.end(verdict?.principal.arn),
      ),
    );
    const host = new URL(await listenHttp(server)).host;
    try {
      const get = async (path: string) => fetch(`http://${host}${path}`, { headers: await signedGet(host, path) });
      expect(await (await get('/reader/2')).text()).toBe(readerArn);
      const denied = await get('/other/2');
      expect(denied.status).toBe(403);
      expect(await denied.text()).toContain('<Code>AccessDenied</Code>');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
