import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailSender, smtpTransport } from '../../src/mail/mail-sender.ts';
import { runPendingJobs } from '../support/jobs.ts';
import { gatehouse } from '../support/cli.ts';
import { DIALECTS } from '../support/databases.ts';
import { makeAccount } from '../support/fixtures.ts';
import { Browser, cliEnv, createTestContext, type TestContext } from '../support/harness.ts';
import { SmtpPeer } from './smtp-peer.ts';

const FROM = 'no-reply@gatehouse.test';

// Regression: a reset link read from mail_outbox opened a working reset form.
describe.each(DIALECTS)('mail at rest on %s', { timeout: 120_000 }, (dialect) => {
  let t: TestContext;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-mail-at-rest-'));
    t = await createTestContext(dialect, { MAIL_FROM: FROM }, { sqliteFile: join(dir, 'g.db') });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function forgot(email: string) {
    const answer = await new Browser(t.app).post('/signin/forgot', { email }, { csrfFrom: '/signin/forgot' });
    expect(answer.statusCode).toBe(200);
    await runPendingJobs(t.deps);
  }

  /** The reset message as `gatehouse outbox show --json` prints it. */
  async function shownResetMail(email: string) {
    const list = await gatehouse(['outbox', 'list', '--to', email, '--json'], cliEnv(t));
    expect(list.stderr).toBe('');
    const reset = (JSON.parse(list.stdout) as Array<{ id: string; template: string }>).find(
      (m) => m.template === 'password-reset',
    )!;
    const show = await gatehouse(['outbox', 'show', reset.id, '--json'], cliEnv(t));
    expect(show.code).toBe(0);
    const shown = JSON.parse(show.stdout) as { id: string; text: string; links: string[] };
    const link = shown.links.find((l) => l.includes('/signin/reset'))!;
    const code = /\b([A-Z2-7]{5}(?:-[A-Z2-7]{1,5}){5})\b/.exec(shown.text)![1]!;
    return { id: shown.id, link, token: new URL(link).searchParams.get('token')!, code };
  }

  const rawRows = (email: string) =>
    t.deps.db.selectFrom('mail_outbox').selectAll().where('recipient_key', '=', email.toLowerCase()).execute();

  it('keeps no reset link or code in plain text in any column; outbox show opens it and the link works', async () => {
    const account = await makeAccount(t.deps);
    await forgot(account.email);
    const { link, token, code } = await shownResetMail(account.email);

    const stored = JSON.stringify(await rawRows(account.email));
    expect(stored).toContain('Reset your Gatehouse root user password');
    for (const secret of [
      token,
      token.split('.')[1]!,
      code,
      code.replaceAll('-', ''),
      '/signin/reset',
      '/verify-email',
    ])
      expect(stored).not.toContain(secret);

    const form = await new Browser(t.app).get(new URL(link).pathname + new URL(link).search);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Choose a new password');
  });

  it('erases the stored body once the message is delivered over SMTP', async () => {
    const account = await makeAccount(t.deps);
    await forgot(account.email);
    const { id, link } = await shownResetMail(account.email);
    const smtp = new SmtpPeer();
    await smtp.start();
    try {
      const sender = new MailSender(t.deps, smtpTransport(smtp.url, { timeoutMs: 5_000 }), { from: FROM });
      expect(await sender.runOnce()).toBeGreaterThanOrEqual(2);
      sender.transport.close();
    } finally {
      await smtp.stop();
    }
    const delivered = smtp.received.filter(
      (m) => m.subject === 'Reset your Gatehouse root user password' && JSON.stringify(m.to).includes(account.email),
    );
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.text).toContain(link);
    const row = (await rawRows(account.email)).find((r) => r.id === id)!;
    expect(row.status).toBe('sent');
    expect(row.text_body).toBe('');
    expect(row.html_body).toBe('');
    const show = await gatehouse(['outbox', 'show', id], cliEnv(t));
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('erased after delivery');
    expect(show.stdout).not.toContain(link);
  });
});
