import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatehouse } from '../support/cli.ts';
import { makeAccount } from '../support/fixtures.ts';
import { Browser, createTestContext } from '../support/harness.ts';

describe('gatehouse outbox (no SMTP: mail stays in the outbox)', { timeout: 120_000 }, () => {
  let dir: string;
  let env: Record<string, string>;
  const email = `outbox-owner-${randomBytes(3).toString('hex')}@example.com`;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-outbox-'));
    env = {
      DATABASE_URL: `sqlite:${join(dir, 'g.db')}`,
      SECRET_KEY: randomBytes(32).toString('hex'),
      PUBLIC_URL: 'https://signin.example.com',
    };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists and shows the verification mail of an account created on the command line', async () => {
    const created = await gatehouse(
      ['account', 'create', '--email', email, '--password-stdin', '--json'],
      env,
      'a long outbox passphrase 3\n',
    );
    expect(created.code).toBe(0);
    const account = JSON.parse(created.stdout) as { accountId: string; email: string };
    expect(Object.keys(account)).toEqual(['accountId', 'email']);

    const list = await gatehouse(['outbox', 'list', '--json'], env);
    expect(list.code).toBe(0);
    const messages = JSON.parse(list.stdout) as Array<{ id: string; to: string; subject: string; status: string }>;
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      to: email,
      status: 'queued',
      subject: 'Confirm your email address for Gatehouse',
    });

    const text = await gatehouse(['outbox', 'list'], env);
    expect(text.stdout).toContain(messages[0]!.id);

    const show = await gatehouse(['outbox', 'show', messages[0]!.id], env);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`To:      ${email}`);
    expect(show.stdout).toMatch(
      /Links:\n {2}https:\/\/signin\.example\.com\/verify-email\?token=[a-z2-7]{16}\.[a-z2-7]{32}/,
    );

    const json = JSON.parse((await gatehouse(['outbox', 'show', messages[0]!.id, '--json'], env)).stdout) as {
      links: string[];
      text: string;
    };
    expect(json.links[0]).toContain('/verify-email?token=');
    expect(json.text).toContain(account.accountId.slice(0, 4));

    const missing = await gatehouse(['outbox', 'show', 'nope', '--json'], env);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stderr).error.code).toBe('NoSuchEntity');
    expect((await gatehouse(['outbox', 'show', 'a', 'b'], env)).code).toBe(2);
  });
});

describe('/_dev/outbox', () => {
  it('exists only in development mode and shows messages with their links', async () => {
    const production = await createTestContext('sqlite');
    try {
      expect((await new Browser(production.app).get('/_dev/outbox')).statusCode).toBe(404);
    } finally {
      await production.close();
    }
    const dev = await createTestContext('sqlite', { GATEHOUSE_ENV: 'development' });
    try {
      const account = await makeAccount(dev.deps);
      const browser = new Browser(dev.app);
      const list = await browser.get('/_dev/outbox');
      expect(list.statusCode).toBe(200);
      expect(list.body).toContain(account.email);
      const href = /href="(\/_dev\/outbox\/[^"]+)"/.exec(list.body)![1]!;
      const message = await browser.get(href);
      expect(message.body).toContain('href="http://gatehouse.test/verify-email?token=');
    } finally {
      await dev.close();
    }
  });
});
