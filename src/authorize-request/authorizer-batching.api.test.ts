import { type Server, createServer, request as httpRequest } from 'node:http';
import type { Authorizer } from '@gatehouse/authorizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsCredentials } from '../../test/support/aws-clients.ts';
import { receivedGet, serviceAuthorizer, userWithKey } from '../../test/support/authorizer-service.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount } from '../../test/support/fixtures.ts';
import { type TestContext, createTestContext } from '../../test/support/harness.ts';
import { listen, listenHttp } from '../../test/support/listen.ts';

/** Forwards to `target` what it receives, keeping the question counts of each body sent. */
async function countingProxy(target: string): Promise<{ url: string; calls: number[]; server: Server }> {
  const calls: number[] = [];
  const to = new URL(target);
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const parsed = JSON.parse(body.toString('utf8')) as { questions?: unknown[] };
      calls.push(parsed.questions?.length ?? 1);
      const forwarded = httpRequest(
        { host: to.hostname, port: to.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forwarded.end(body);
    });
  });
  return { url: await listenHttp(server), calls, server };
}

/** The package against a real Gatehouse: questions asked together travel together, and each gets its own answer. */
describe.each(DIALECTS)('@gatehouse/authorizer asks in batches, on %s', (dialect) => {
  let t: TestContext;
  let authorizer: Authorizer;
  let proxy: Awaited<ReturnType<typeof countingProxy>>;
  let readers: AwsCredentials[];
  let stranger: AwsCredentials;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    const account = await makeAccount(t.deps);
    const other = await makeAccount(t.deps);
    proxy = await countingProxy(await listen(t.app));
    authorizer = await serviceAuthorizer(t, proxy.url, account.id);
    readers = [];
    for (let i = 0; i < 6; i++)
      readers.push(
        await userWithKey(t, account.id, `reader-${i}`, [
          { Effect: 'Allow', Action: 'notes:GetNote', Resource: `arn:aws:notes:::note/${i}` },
        ]),
      );
    stranger = await userWithKey(t, other.id, 'stranger', [{ Effect: 'Allow', Action: 'notes:*', Resource: '*' }]);
  });
  afterAll(async () => {
    await new Promise((resolve) => proxy.server.close(resolve));
    await t.close();
  });

  const received = (credentials: AwsCredentials, note: number) => receivedGet(t, credentials, `/notes/${note}`);

  const intent = (note: number) => ({ action: 'notes:GetNote', resource: `arn:aws:notes:::note/${note}` });

  it('sends the questions of requests that arrive together in one call, and answers each as if asked alone', async () => {
    // Each reader may read its own note only: reader i asks for note i, and reader 0 also for note 1.
    const asked = [
      ...readers.map((credentials, i) => ({ credentials, note: i })),
      { credentials: readers[0]!, note: 1 },
      { credentials: stranger, note: 0 },
    ];
    const requests = await Promise.all(asked.map((a) => received(a.credentials, a.note)));
    const verdicts = await Promise.all(
      requests.map((r, i) => authorizer.verifyAndAuthorize(r, intent(asked[i]!.note))),
    );
    expect(proxy.calls).toEqual([8]);
    expect(verdicts.map((v) => v.allowed)).toEqual([true, true, true, true, true, true, false, false]);
    expect(verdicts[0]).toMatchObject({ principal: { arn: expect.stringMatching(/:user\/reader-0$/) } });
    // Another account's key is this service's to judge only if that account trusts it: refused for this request alone.
    expect(verdicts[6]).toMatchObject({ allowed: false, code: 'AccessDenied' });
    expect(verdicts[7]).toMatchObject({ allowed: false, code: 'ServiceUnavailable' });

    // A question asked alone goes alone.
    const late = await received(readers[5]!, 4);
    expect((await authorizer.verifyAndAuthorize(late, intent(4))).allowed).toBe(false);
    expect(proxy.calls).toEqual([8, 1]);
  });

  it('keeps each call within 30 questions and 64 KiB', async () => {
    proxy.calls.length = 0;
    const many = await Promise.all(Array.from({ length: 35 }, (_, i) => received(readers[0]!, 100 + i)));
    const verdicts = await Promise.all(many.map((r, i) => authorizer.verifyAndAuthorize(r, intent(100 + i))));
    expect(verdicts.every((v) => !v.allowed && v.code === 'AccessDenied')).toBe(true);
    expect(proxy.calls).toEqual([30, 5]);

    // Questions that carry a large resource policy: as many go in a call as fit in 64 KiB.
    proxy.calls.length = 0;
    const filler = 'x'.repeat(15_000);
    const resourcePolicy = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'filler',
          Effect: 'Deny',
          Principal: '*',
          Action: 'notes:Nothing',
          Condition: { StringEquals: { 'notes:Tag': filler } },
        },
      ],
    };
    const large = await Promise.all(Array.from({ length: 5 }, (_, i) => received(readers[i]!, i)));
    const judged = await Promise.all(
      large.map((r, i) => authorizer.verifyAndAuthorize(r, { ...intent(i), resourcePolicy: { ...resourcePolicy } })),
    );
    expect(judged.map((v) => v.allowed)).toEqual([true, true, true, true, true]);
    expect(proxy.calls).toEqual([4, 1]);
  });
});
