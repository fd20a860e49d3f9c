import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, makeAccount } from '../../test/support/fixtures.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { listenHttp } from '../../test/support/listen.ts';
import { settleAfterResponse } from '../web/after-response.ts';
import { listPhoneMessages } from './mfa-recovery.repository.ts';
import { deliverPhoneMessages, listPhoneMessagesOpened, queuePhoneCode } from './phone-gateway.ts';

describe.each(DIALECTS)('phone message delivery on %s', (dialect) => {
  let t: TestContext;
  let server: Server;
  let url: string;
  let answer = 202;
  const received: Array<{ to: string; channel: string; text: string }> = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        received.push(JSON.parse(body) as { to: string; channel: string; text: string });
        response.statusCode = answer;
        response.end();
      });
    });
    url = `${await listenHttp(server)}/send`;
    t = await createTestContext(dialect, { PHONE_GATEWAY_URL: url });
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  it('sends each queued message once, even with two deliveries at the same time, and requeues refused ones', async () => {
    const account = await makeAccount(t.deps);
    const queue = (to: string, code: string) =>
      t.deps.db.transaction().execute((tx) =>
        queuePhoneCode(tx, t.deps, {
          accountId: account.id,
          to,
          channel: 'sms',
          code,
          purpose: 'confirm this phone',
        }),
      );
    answer = 500;
    await queue('+15550000001', '111111');
    expect(await deliverPhoneMessages(t.deps, url)).toBe(0);
    expect((await listPhoneMessages(t.deps.db, { recipient: '+15550000001', limit: 5 }))[0]?.status).toBe('queued');

    answer = 202;
    await queue('+15550000002', '222222');
    await queue('+15550000003', '333333');
    received.length = 0;
    const [a, b] = await Promise.all([deliverPhoneMessages(t.deps, url), deliverPhoneMessages(t.deps, url)]);
    expect(a + b).toBe(3);
    expect(received.map((r) => r.to).sort()).toEqual(['+15550000001', '+15550000002', '+15550000003']);
    expect(received.find((r) => r.to === '+15550000002')?.text).toContain('222222');
    for (const to of ['+15550000001', '+15550000002', '+15550000003']) {
      expect((await listPhoneMessages(t.deps.db, { recipient: to, limit: 5 }))[0]?.status).toBe('sent');
    }
  });

  it('keeps no one-time code in plain text in the phone outbox, and erases the message once the provider took it', async () => {
    const account = await makeAccount(t.deps);
    const to = '+15550000009';
    await t.deps.db.transaction().execute((tx) =>
      queuePhoneCode(tx, t.deps, {
        accountId: account.id,
        to,
        channel: 'voice',
        code: '987654',
        purpose: 'confirm this phone',
      }),
    );
    const raw = await t.deps.db
      .selectFrom('phone_outbox')
      .selectAll()
      .where('recipient', '=', to)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(raw)).not.toMatch(/9\D*8\D*7\D*6\D*5\D*4/);
    expect((await listPhoneMessagesOpened(t.deps, { recipient: to, limit: 1 }))[0]?.body).toContain('9 8 7 6 5 4');

    received.length = 0;
    answer = 202;
    await deliverPhoneMessages(t.deps, url);
    expect(received.find((r) => r.to === to)?.text).toContain('9 8 7 6 5 4');
    const sent = await t.deps.db
      .selectFrom('phone_outbox')
      .selectAll()
      .where('recipient', '=', to)
      .executeTakeFirstOrThrow();
    expect(sent.status).toBe('sent');
    expect(sent.body).toBe('');
  });

  it('hands a code sent from the console to the provider once the response is out, not before', async () => {
    const account = await makeAccount(t.deps);
    const owner = new Browser(t.app);
    await owner.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD });
    received.length = 0;
    answer = 202;
    const sent = await owner.post(
      '/console/mfa/phone',
      { phone: '+44 20 7946 0177', channel: 'sms' },
      { csrfFrom: '/console/security-credentials' },
    );
    expect(sent.statusCode).toBe(303);
    expect(received).toEqual([]);
    await settleAfterResponse(t.deps);
    expect(received.map((r) => r.to)).toEqual(['+442079460177']);
    expect((await listPhoneMessages(t.deps.db, { recipient: '+442079460177', limit: 5 }))[0]?.status).toBe('sent');
  });
});
