import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_META } from '../../src/audit/audit.service.ts';
import { openDatabase } from '../../src/db/database.ts';
import { type MailSender as Sender, MailSender, retryDelayMs, smtpTransport } from '../../src/mail/mail-sender.ts';
import { enqueueMail } from '../../src/mail/mail.service.ts';
import { verifyEmailMail } from '../../src/mail/mail-templates.ts';
import { findOutboxMail, listOutboxMail } from '../../src/mail/outbox.service.ts';
import { runPendingJobs } from '../support/jobs.ts';
import { MINUTE } from '../../src/shared/clock.ts';
import { DIALECTS } from '../support/databases.ts';
import { makeAccount } from '../support/fixtures.ts';
import { Browser, createTestContext, type TestContext } from '../support/harness.ts';
import { freePort } from '../support/listen.ts';
import { SmtpPeer } from './smtp-peer.ts';

const FROM = 'no-reply@gatehouse.test';

describe.each(DIALECTS)('mail delivery over SMTP on %s', (dialect) => {
  let t: TestContext;
  const senders: Sender[] = [];
  const peers: SmtpPeer[] = [];

  beforeAll(async () => {
    t = await createTestContext(dialect, { MAIL_FROM: FROM });
  });
  afterAll(() => t.close());
  afterEach(async () => {
    for (const s of senders.splice(0)) s.transport.close();
    for (const p of peers.splice(0)) await p.stop();
    // Leave nothing due for the next test.
    await t.deps.db.updateTable('mail_outbox').set({ status: 'sent' }).where('status', '!=', 'sent').execute();
  });

  async function peer(port = 0): Promise<SmtpPeer> {
    const p = new SmtpPeer();
    await p.start(port);
    peers.push(p);
    return p;
  }

  function sender(url: string, options: { timeoutMs?: number; db?: TestContext['deps']['db'] } = {}): MailSender {
    const s = new MailSender(
      { ...t.deps, db: options.db ?? t.deps.db },
      smtpTransport(url, { timeoutMs: options.timeoutMs ?? 5_000 }),
      { from: FROM },
    );
    senders.push(s);
    return s;
  }

  async function queue(to: string, name = 'Example'): Promise<string> {
    await t.deps.db.transaction().execute((tx) =>
      enqueueMail(tx, t.deps, SYSTEM_META, {
        to,
        accountId: null,
        mail: verifyEmailMail({
          link: 'http://gatehouse.test/verify-email?token=abc',
          accountId: '123456789012',
          accountName: name,
          hours: 24,
        }),
      }),
    );
    const [message] = await listOutboxMail(t.deps, { limit: 1, recipient: to });
    return message!.id;
  }

  it('delivers queued mail from MAIL_FROM with text and escaped HTML, and records it sent', async () => {
    const smtp = await peer();
    const id = await queue(`deliver-${dialect}@example.com`, '<b>Evil & Co</b>');
    expect(await sender(smtp.url).runOnce()).toBe(1);
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.from?.text).toContain(FROM);
    expect(mail.subject).toBe('Confirm your email address for Gatehouse');
    expect(mail.text).toContain('http://gatehouse.test/verify-email?token=abc');
    expect(mail.html).toContain('&lt;b&gt;Evil &amp; Co&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>Evil');
    const stored = await findOutboxMail(t.deps, id);
    expect(stored!.status).toBe('sent');
    expect(stored!.sentAt).toBe(t.clock.now().toISOString());
  });

  it('while SMTP is down, the request answers at once; the message is retried and delivered when it is back', async () => {
    const port = await freePort();
    const account = await makeAccount(t.deps);
    const browser = new Browser(t.app);
    const answer = await browser.post('/signin/forgot', { email: account.email }, { csrfFrom: '/signin/forgot' });
    expect(answer.statusCode).toBe(200);
    await runPendingJobs(t.deps);
    const [message] = (await listOutboxMail(t.deps, { limit: 5, recipient: account.email })).filter(
      (m) => m.template === 'password-reset',
    );

    const down = sender(`smtp://127.0.0.1:${port}`);
    expect(await down.runOnce()).toBe(0);
    const deferred = await findOutboxMail(t.deps, message!.id);
    expect(deferred!.status).toBe('deferred');
    expect(deferred!.lastReply).toMatch(/ECONNREFUSED/);
    expect(deferred!.nextAttemptAt).toBe(new Date(t.clock.now().getTime() + retryDelayMs(1)).toISOString());

    const smtp = await peer(port);
    expect(await down.runOnce()).toBe(0);
    t.clock.advance(retryDelayMs(1));
    expect(await down.runOnce()).toBeGreaterThanOrEqual(1);
    expect(smtp.received.map((m) => m.subject)).toContain('Reset your Gatehouse root user password');
    expect((await findOutboxMail(t.deps, message!.id))!.status).toBe('sent');
  });

  it('defers on a 451 with growing back-off, fails for good on a 550, and keeps each reply', async () => {
    const smtp = await peer();
    smtp.mode = 'refuse-451';
    const busy = await queue(`busy-${dialect}@example.com`);
    const s = sender(smtp.url);
    await s.runOnce();
    let stored = await findOutboxMail(t.deps, busy);
    expect(stored!.status).toBe('deferred');
    expect(stored!.lastReply).toContain('451');
    t.clock.advance(retryDelayMs(1));
    await s.runOnce();
    stored = await findOutboxMail(t.deps, busy);
    expect(stored!.attempts).toBe(2);
    expect(stored!.nextAttemptAt).toBe(new Date(t.clock.now().getTime() + retryDelayMs(2)).toISOString());
    expect(retryDelayMs(2)).toBe(2 * retryDelayMs(1));

    smtp.mode = 'refuse-550';
    const gone = await queue(`gone-${dialect}@example.com`);
    await s.runOnce();
    const failed = await findOutboxMail(t.deps, gone);
    expect(failed!.status).toBe('failed');
    expect(failed!.lastReply).toContain('550');

    smtp.mode = 'accept';
    t.clock.advance(retryDelayMs(2));
    expect(await s.runOnce()).toBe(1);
    expect((await findOutboxMail(t.deps, busy))!.status).toBe('sent');
    expect((await findOutboxMail(t.deps, gone))!.status).toBe('failed');
  });

  it('answers requests while a delivery is stuck on a stalled server, then retries it', async () => {
    const smtp = await peer();
    smtp.mode = 'stall';
    const id = await queue(`stall-${dialect}@example.com`);
    const s = sender(smtp.url);
    let passDone = false;
    const pass = s.runOnce().then(() => {
      passDone = true;
    });
    await smtp.stalledMessage();
    expect((await findOutboxMail(t.deps, id))!.status).toBe('sending');

    const account = await makeAccount(t.deps);
    const answer = await new Browser(t.app).post(
      '/signin/forgot',
      { email: account.email },
      { csrfFrom: '/signin/forgot' },
    );
    expect(answer.statusCode).toBe(200);
    const signin = await new Browser(t.app).get('/signin?choose=1');
    expect(signin.statusCode).toBe(200);
    expect(passDone).toBe(false);

    smtp.release();
    await pass;
    expect((await findOutboxMail(t.deps, id))!.status).toBe('deferred');
    smtp.mode = 'accept';
    t.clock.advance(retryDelayMs(1));
    await runPendingJobs(t.deps);
    expect(await s.runOnce()).toBeGreaterThanOrEqual(1);
    expect((await findOutboxMail(t.deps, id))!.status).toBe('sent');
  });

  it('gives up on a silent server after its timeout and defers the message', async () => {
    const smtp = await peer();
    smtp.mode = 'stall';
    const id = await queue(`silent-${dialect}@example.com`);
    await sender(smtp.url, { timeoutMs: 300 }).runOnce();
    const stored = await findOutboxMail(t.deps, id);
    expect(stored!.status).toBe('deferred');
    expect(stored!.lastReply).toMatch(/timeout/i);
  });

  it('sends each message once when several instances share the database', async () => {
    const smtp = await peer();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await queue(`many-${i}-${dialect}@example.com`));
    const second = dialect === 'postgres' ? openDatabase(t.database.url, { schema: t.database.schema! }) : null;
    try {
      const a = sender(smtp.url);
      const b = sender(smtp.url, second ? { db: second.db } : {});
      const c = sender(smtp.url, second ? { db: second.db } : {});
      const delivered = await Promise.all([a.runOnce(), b.runOnce(), c.runOnce(), a.runOnce(), b.runOnce()]);
      expect(delivered.reduce((x, y) => x + y, 0)).toBe(12);
      const recipients = smtp.received.map((m) => (Array.isArray(m.to) ? m.to[0] : m.to)!.text);
      expect(recipients).toHaveLength(12);
      expect(new Set(recipients).size).toBe(12);
      for (const id of ids) expect((await findOutboxMail(t.deps, id))!.status).toBe('sent');
    } finally {
      await second?.close();
    }
  });

  it('takes over a message whose sender died mid-send once the lease runs out', async () => {
    const smtp = await peer();
    const id = await queue(`orphan-${dialect}@example.com`);
    await t.deps.db
      .updateTable('mail_outbox')
      .set({
        status: 'sending',
        lease_owner: 'dead-instance',
        lease_until: new Date(t.clock.now().getTime() + 5 * MINUTE).toISOString(),
      })
      .where('id', '=', id)
      .execute();
    const s = sender(smtp.url);
    expect(await s.runOnce()).toBe(0);
    t.clock.advance(5 * MINUTE);
    expect(await s.runOnce()).toBe(1);
    expect(smtp.received).toHaveLength(1);
  });
});
