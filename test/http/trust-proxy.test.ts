import { ListUsersCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients, expectAwsError, keyFor } from '../support/aws-clients.ts';
import { DIALECTS } from '../support/databases.ts';
import { makeAccount, makeUser } from '../support/fixtures.ts';
import { Browser, createTestContext, type TestContext } from '../support/harness.ts';
import { listen } from '../support/listen.ts';

/**
 * What a request is seen to come from: the source address of the audit event its failed
 * root sign-in leaves. `inject` connects from 127.0.0.1 unless told otherwise.
 */
async function seenAs(
  t: TestContext,
  email: string,
  forwardedFor: string | undefined,
  remoteAddress?: string,
): Promise<string | null> {
  const browser = new Browser(t.app);
  const csrf = await browser.csrf();
  const response = await t.app.inject({
    method: 'POST',
    url: '/signin/root/password',
    ...(remoteAddress ? { remoteAddress } : {}),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: browser.cookieHeader(),
      ...(forwardedFor !== undefined ? { 'x-forwarded-for': forwardedFor } : {}),
    },
    payload: new URLSearchParams({ _csrf: csrf, email, password: 'not the password at all' }).toString(),
  });
  expect(response.statusCode).toBe(401);
  const event = await t.deps.db
    .selectFrom('audit_events')
    .select('source_ip')
    .where('event_name', '=', 'ConsoleLogin')
    .where('outcome', '=', 'Failure')
    .orderBy('seq', 'desc')
    .executeTakeFirstOrThrow();
  return event.source_ip;
}

describe.each(DIALECTS)('TRUST_PROXY on %s', (dialect) => {
  describe('as the address of one proxy in front, on the same machine', () => {
    let t: TestContext;
    let account: Awaited<ReturnType<typeof makeAccount>>;
    beforeAll(async () => {
      t = await createTestContext(dialect, { TRUST_PROXY: '127.0.0.1' });
      t.clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
      account = await makeAccount(t.deps);
    });
    afterAll(() => t.close());

    it('takes the address the proxy appended (the right-most), never one the client wrote before it', async () => {
      expect(await seenAs(t, account.email, '6.6.6.6, 203.0.113.9')).toBe('203.0.113.9');
      expect(await seenAs(t, account.email, '203.0.113.9')).toBe('203.0.113.9');
      expect(await seenAs(t, account.email, undefined)).toBe('127.0.0.1');
      // A client that reaches Gatehouse directly cannot choose its address either.
      expect(await seenAs(t, account.email, '203.0.113.9', '198.51.100.4')).toBe('198.51.100.4');
    });

    it('so an aws:SourceIp condition cannot be met by writing the allowed address into X-Forwarded-For (real AWS SDK)', async () => {
      const endpoint = await listen(t.app);
      const root = awsClients(
        t,
        endpoint,
        await keyFor(t, { accountId: account.id, principalId: account.id, userName: null }),
      );
      const alice = await makeUser(t.deps, account.id, 'alice');
      await root.iam.send(
        new PutUserPolicyCommand({
          UserName: 'alice',
          PolicyName: 'office-only',
          PolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: 'iam:ListUsers',
                Resource: '*',
                Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
              },
            ],
          }),
        }),
      );
      const { iam } = awsClients(
        t,
        endpoint,
        await keyFor(t, { accountId: account.id, principalId: alice.id, userName: 'alice' }),
      );
      const listFrom = (forwardedFor: string) => {
        const command = new ListUsersCommand({});
        command.middlewareStack.add(
          (next) => async (args) => {
            (args.request as { headers: Record<string, string> }).headers['x-forwarded-for'] = forwardedFor;
            return next(args);
          },
          { step: 'build' },
        );
        return iam.send(command);
      };
      // The office's address, appended by the proxy: allowed.
      expect((await listFrom('6.6.6.6, 203.0.113.9')).Users?.map((u) => u.UserName)).toEqual(['alice']);
      // The office's address written by the client, then the client's real one appended by the proxy: refused.
      await expectAwsError(listFrom('203.0.113.9, 6.6.6.6'), 'AccessDenied', 403);
    });
  });

  describe('as a list of proxy addresses and CIDR ranges', () => {
    let t: TestContext;
    let account: Awaited<ReturnType<typeof makeAccount>>;
    beforeAll(async () => {
      t = await createTestContext(dialect, { TRUST_PROXY: '10.0.0.0/8,127.0.0.1,fd00::/8' });
      account = await makeAccount(t.deps);
    });
    afterAll(() => t.close());

    it('takes the right-most address that is not one of the proxies', async () => {
      expect(await seenAs(t, account.email, '6.6.6.6, 203.0.113.9, 10.1.2.3')).toBe('203.0.113.9');
      expect(await seenAs(t, account.email, '6.6.6.6, 203.0.113.9, fd00::5, 10.200.0.1', '10.0.0.7')).toBe(
        '203.0.113.9',
      );
      expect(await seenAs(t, account.email, '203.0.113.9, 6.6.6.6')).toBe('6.6.6.6');
    });

    it('ignores X-Forwarded-For from a peer that is not a listed proxy', async () => {
      expect(await seenAs(t, account.email, '203.0.113.9', '192.0.2.50')).toBe('192.0.2.50');
    });
  });

  describe('as a hop count', () => {
    let one: TestContext;
    let two: TestContext;
    let account: Awaited<ReturnType<typeof makeAccount>>;
    beforeAll(async () => {
      one = await createTestContext(dialect, { TRUST_PROXY: '1' });
      two = await createTestContext(dialect, { TRUST_PROXY: '2' });
      account = await makeAccount(one.deps, { email: `hops-${dialect}@example.com` });
      await makeAccount(two.deps, { email: `hops-${dialect}@example.com` });
    });
    afterAll(async () => {
      await one.close();
      await two.close();
    });

    it('takes the address that many hops in from the connection, never one written further left', async () => {
      expect(await seenAs(one, account.email, '6.6.6.6, 203.0.113.9')).toBe('203.0.113.9');
      expect(await seenAs(two, account.email, '6.6.6.6, 203.0.113.9, 10.0.0.2')).toBe('203.0.113.9');
      expect(await seenAs(two, account.email, '203.0.113.9')).toBe('203.0.113.9');
    });
  });
});
