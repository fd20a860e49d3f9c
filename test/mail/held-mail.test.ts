import type { ParsedMail } from 'mailparser';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadPrincipal } from '../../src/identities/principal.ts';
import { actorOf } from '../../src/identities/principal.ts';
import { listAuditEvents } from '../../src/audit/audit.repository.ts';
import { CLI_ACTOR, SYSTEM_META } from '../../src/audit/audit.service.ts';
import { openDatabase } from '../../src/db/database.ts';
import { MailSender, smtpTransport } from '../../src/mail/mail-sender.ts';
import { RECIPIENT_LIMIT, RECIPIENT_WINDOW_MS } from '../../src/mail/mail.service.ts';
import { linksIn } from '../../src/mail/outbox.format.ts';
import { createVirtualDevice, deactivateDevice, enableVirtualDevice } from '../../src/mfa/mfa.service.ts';
import { codeAt, stepAt } from '../../src/mfa/totp.ts';
import { runPendingJobs } from '../support/jobs.ts';
import { setUserPassword } from '../../src/users/user.service.ts';
import { DIALECTS } from '../support/databases.ts';
import { ROOT_PASSWORD, makeAccount, makeUser } from '../support/fixtures.ts';
import { Browser, createTestContext, type TestContext } from '../support/harness.ts';
import { SmtpPeer } from './smtp-peer.ts';

const FROM = 'no-reply@gatehouse.test';
const SECOND = 1000;

/** Everything a message delivered to the mailbox says: its subject and its text. */
const everything = (received: ParsedMail[]) => received.map((m) => `${m.subject}\n${m.text}`).join('\n');

// Regression: past 10 messages in 10 minutes to one address, the owner's doctor report, the root
// MFA-removal notice and an IAM user's help request were dropped while the page said "on its way".
describe.each(DIALECTS)('mail past the per-recipient limit on %s', (dialect) => {
  let t: TestContext;
  const peers: SmtpPeer[] = [];
  const senders: MailSender[] = [];

  beforeAll(async () => {
    t = await createTestContext(dialect, { MAIL_FROM: FROM });
  });
  afterAll(() => t.close());
  afterEach(async () => {
    for (const s of senders.splice(0)) s.transport.close();
    for (const p of peers.splice(0)) await p.stop();
    // Each test starts with every earlier window over.
    t.clock.advance(2 * RECIPIENT_WINDOW_MS);
  });

  async function peer(): Promise<SmtpPeer> {
    const p = new SmtpPeer();
    await p.start();
    peers.push(p);
    return p;
  }

  function sender(smtp: SmtpPeer, db = t.deps.db): MailSender {
    const s = new MailSender({ ...t.deps, db }, smtpTransport(smtp.url, { timeoutMs: 5_000 }), { from: FROM });
    senders.push(s);
    return s;
  }

  async function post(url: string, fields: Record<string, string>) {
    const response = await new Browser(t.app).post(url, fields, {
      csrfFrom: url.startsWith('/signin/forgot') ? '/signin/forgot' : url,
    });
    expect(response.statusCode).toBeLessThan(400);
    await runPendingJobs(t.deps);
  }

  /** An account with `users` IAM users, made before the test's window starts (its mail is delivered and out of the way). */
  async function accountWithUsers(smtp: SmtpPeer, alias: string, users: number) {
    const account = await makeAccount(t.deps, { alias });
    for (let i = 1; i <= users; i++) await makeUser(t.deps, account.id, `u${i}`, { password: null });
    await sender(smtp).runOnce();
    t.clock.advance(2 * RECIPIENT_WINDOW_MS);
    smtp.received.splice(0);
    return account;
  }

  it('delivers every fact of 25 messages sent within 2 minutes: 10 at once, the rest in one digest when the window ends', async () => {
    const smtp = await peer();
    const account = await accountWithUsers(smtp, `held-${dialect}`, 8);
    const root = (await loadPrincipal(t.deps.db, account.id, account.id))!;
    const mfaDeps = t.deps;
    const a = sender(smtp);
    const start = t.clock.now().getTime();
    const subjects: string[] = [];
    const step = async (subject: string, action: () => Promise<unknown>) => {
      await action();
      subjects.push(subject);
      t.clock.advance(4 * SECOND);
      await a.runOnce();
    };

    for (let i = 1; i <= 8; i++) {
      await step(`The password of IAM user u${i} was set`, () =>
        setUserPassword(t.deps, account.id, `u${i}`, `a new password for u${i} 1`, true, CLI_ACTOR, SYSTEM_META),
      );
    }
    await step('Reset your Gatehouse root user password', () => post('/signin/forgot', { email: account.email }));
    await step('Your Gatehouse accounts', () => post('/signin/find-account', { email: account.email }));
    // The 11th and later messages: the ones that used to be dropped.
    await new Browser(t.app).post('/signin/root/password', { email: account.email, password: 'not the password' });
    await step('Why you could not sign in as the root user', () =>
      post('/signin/help/diagnose', { email: account.email }),
    );
    const { device, secret } = await createVirtualDevice(
      mfaDeps,
      account.id,
      { name: 'root-phone' },
      actorOf(root),
      SYSTEM_META,
    );
    await step('An MFA device was added to your Gatehouse sign-in', () => {
      const now = stepAt(t.clock.now());
      return enableVirtualDevice(
        mfaDeps,
        root,
        device.serial,
        codeAt(secret, now - 1),
        codeAt(secret, now),
        actorOf(root),
        SYSTEM_META,
      );
    });
    await step('An MFA device was removed from your Gatehouse sign-in', () =>
      deactivateDevice(mfaDeps, root, { serial: device.serial }, CLI_ACTOR, SYSTEM_META),
    );
    for (let i = 1; i <= 8; i++) {
      await step(`IAM user u${i} asked for a password reset`, () =>
        post('/signin/forgot/iam', { account: account.id, userName: `u${i}` }),
      );
    }
    for (let i = 1; i <= 4; i++) {
      await step(`The password of IAM user u${i} was reset`, () =>
        setUserPassword(t.deps, account.id, `u${i}`, `another password for u${i} 2`, false, CLI_ACTOR, SYSTEM_META),
      );
    }
    expect(subjects).toHaveLength(25);
    expect(t.clock.now().getTime() - start).toBeLessThanOrEqual(2 * 60 * SECOND);

    // Within the window: exactly the first ten went out; the rest wait, none dropped.
    expect(smtp.received).toHaveLength(RECIPIENT_LIMIT);
    expect(smtp.received.map((m) => m.subject)).toEqual(subjects.slice(0, RECIPIENT_LIMIT));
    const held = await listAuditEvents(t.deps.db, { accountId: account.id, eventName: 'MailHeld', limit: 50 });
    expect(held).toHaveLength(25 - RECIPIENT_LIMIT);
    expect(held[0]!.reason).toBe('RecipientRateLimit');

    // The first held message waits at most the window; two instances racing build one digest.
    t.clock.set(new Date(start + 10 * 4 * SECOND + RECIPIENT_WINDOW_MS - SECOND));
    await a.runOnce();
    expect(smtp.received).toHaveLength(RECIPIENT_LIMIT);
    t.clock.advance(SECOND);
    const second = dialect === 'postgres' ? openDatabase(t.database.url, { schema: t.database.schema! }) : null;
    try {
      const b = sender(smtp, second?.db);
      await Promise.all([a.runOnce(), b.runOnce(), a.runOnce()]);
    } finally {
      await second?.close();
    }
    expect(smtp.received).toHaveLength(RECIPIENT_LIMIT + 1);
    const digest = smtp.received[RECIPIENT_LIMIT]!;
    expect(digest.subject).toBe(`${25 - RECIPIENT_LIMIT} messages from Gatehouse, held back and sent together`);

    // Every subject arrived, the held ones in the digest in the order they were queued.
    const positions = subjects.slice(RECIPIENT_LIMIT).map((s) => digest.text!.indexOf(s));
    for (const p of positions) expect(p).toBeGreaterThan(0);
    expect([...positions].sort((x, y) => x - y)).toEqual(positions);
    const mailbox = everything(smtp.received);
    for (const s of subjects) expect(mailbox).toContain(s);
    // And every link: the report's fix, the MFA help and Users links, a reset link that works.
    expect(digest.text).toContain('Fix: Reset your password by email: http://gatehouse.test/signin/forgot');
    // The HTML part carries each message's own HTML: the report's link, escaped text, no page inside a page.
    expect(digest.html).toContain('<a href="http://gatehouse.test/signin/forgot">Reset your password by email</a>');
    expect((digest.html as string).match(/<body/g)).toHaveLength(1);
    for (let i = 1; i <= 8; i++) expect(digest.text).toContain(`http://gatehouse.test/console/users/u${i}`);
    expect(mailbox).toContain(`http://gatehouse.test/signin/held-${dialect}`);
    const reset = linksIn(mailbox).find((l) => l.includes('/signin/reset?token='))!;
    const form = await new Browser(t.app).get(new URL(reset).pathname + new URL(reset).search);
    expect(form.body).toContain('Choose a new password');

    // The digest counts towards the next window: nothing more is sent.
    t.clock.advance(RECIPIENT_WINDOW_MS);
    await a.runOnce();
    expect(smtp.received).toHaveLength(RECIPIENT_LIMIT + 1);
  });

  it('a repeated report while one is held replaces it and spends one of the 3 reports an hour', async () => {
    const smtp = await peer();
    const account = await accountWithUsers(smtp, `report-${dialect}`, RECIPIENT_LIMIT);
    const s = sender(smtp);
    for (let i = 1; i <= RECIPIENT_LIMIT; i++)
      await setUserPassword(t.deps, account.id, `u${i}`, `a new password for u${i} 1`, false, CLI_ACTOR, SYSTEM_META);
    await s.runOnce();
    expect(smtp.received).toHaveLength(RECIPIENT_LIMIT);

    await new Browser(t.app).post('/signin/root/password', { email: account.email, password: 'not the password' });
    await post('/signin/help/diagnose', { email: account.email });
    await new Browser(t.app).post('/signin/root/password', {
      email: account.email,
      password: 'still not the password',
    });
    t.clock.advance(SECOND);
    await post('/signin/help/diagnose', { email: account.email });
    t.clock.advance(RECIPIENT_WINDOW_MS);
    await s.runOnce();
    expect(smtp.received).toHaveLength(RECIPIENT_LIMIT + 1);
    const digest = smtp.received[RECIPIENT_LIMIT]!.text!;
    // One report, the newer one: it counts both wrong passwords.
    expect(digest.split('Why you could not sign in as the root user')).toHaveLength(2);
    expect(digest).toContain('entered for root 2 times');

    // Two more reports this hour reach the mailbox; a fourth is refused.
    for (let i = 0; i < 3; i++) {
      t.clock.advance(SECOND);
      await post('/signin/help/diagnose', { email: account.email });
    }
    await s.runOnce();
    expect(smtp.received.slice(RECIPIENT_LIMIT + 1).map((m) => m.subject)).toEqual([
      'Why you could not sign in as the root user',
      'Why you could not sign in as the root user',
    ]);
    const refused = await listAuditEvents(t.deps.db, {
      accountId: account.id,
      eventName: 'SignInDiagnosisRequested',
      limit: 10,
    });
    expect(refused.filter((e) => e.reason === 'RateLimited')).toHaveLength(1);
  });

  it('shows the root user, on the console home, mail to their address that is held back or failed', async () => {
    const smtp = await peer();
    const account = await accountWithUsers(smtp, `notice-${dialect}`, RECIPIENT_LIMIT + 1);
    for (let i = 1; i <= RECIPIENT_LIMIT + 1; i++)
      await setUserPassword(t.deps, account.id, `u${i}`, `a new password for u${i} 1`, false, CLI_ACTOR, SYSTEM_META);
    const owner = new Browser(t.app);
    expect(
      (await owner.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD })).statusCode,
    ).toBe(303);

    let home = await owner.get('/console');
    expect(home.body).toContain('Mail to you that has not arrived');
    expect(home.body).toMatch(/The password of IAM user u11 was set<\/strong>[^<]*held back/);
    expect(home.body).not.toContain('The password of IAM user u10 was set</strong>');

    smtp.mode = 'refuse-550';
    await sender(smtp).runOnce();
    home = await owner.get('/console');
    expect(home.body).toMatch(/The password of IAM user u10 was set<\/strong>[^<]*could not be delivered[^<]*550/);
    expect(home.body).toMatch(/The password of IAM user u11 was set<\/strong>[^<]*held back/);

    // Another root user's console shows none of it.
    const other = await makeAccount(t.deps);
    const stranger = new Browser(t.app);
    await stranger.post('/signin/root/password', { email: other.email, password: ROOT_PASSWORD });
    expect((await stranger.get('/console')).body).not.toContain('Mail to you that has not arrived');
  });
});
