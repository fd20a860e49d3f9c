import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatehouse, spawnGatehouse } from '../support/cli.ts';
import { DIALECTS, childDatabaseUrl, createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { freePort } from '../support/listen.ts';
import { linksIn } from '../../src/mail/outbox.format.ts';
import { listOutboxMail } from '../../src/mail/outbox.service.ts';
import { Keyring } from '../../src/shared/keyring.ts';

const SECRET_KEY = randomBytes(32).toString('hex');
const PASSWORD = 'a long passphrase for the link test';

/** Runs `gatehouse serve` until it says it is serving (its address is recorded by then), then stops it; returns what it logged. */
async function serveBriefly(env: Record<string, string>): Promise<string> {
  const server = spawnGatehouse(['serve'], env, ['ignore', 'pipe', 'pipe']);
  let output = '';
  server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
  const serving = new Promise<void>((resolve) =>
    server.stdout!.on('data', () => output.includes('Gatehouse is serving') && resolve()),
  );
  await Promise.race([serving, exited]);
  server.kill('SIGTERM');
  await exited;
  return output;
}

// Regression: links in mail queued by the CLI pointed at port 8080 while the server ran elsewhere.
describe.each(DIALECTS)('links in mail queued on the command line (%s)', { timeout: 120_000 }, (dialect) => {
  let dir: string;
  const databases: TestDatabase[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-public-url-'));
  });
  afterAll(async () => {
    for (const d of databases) await d.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function database(): Promise<{ env: Record<string, string>; db: TestDatabase }> {
    const db = await createTestDatabase(dialect, { sqliteFile: join(dir, `${randomBytes(4).toString('hex')}.db`) });
    databases.push(db);
    return { env: { DATABASE_URL: childDatabaseUrl(db), SECRET_KEY }, db };
  }

  /** Creates an account on the command line; returns its stderr and the link of its welcome mail. */
  async function createAccount(
    d: { env: Record<string, string>; db: TestDatabase },
    env: Record<string, string> = {},
  ): Promise<{ stderr: string; link: string }> {
    const email = `link-${randomBytes(3).toString('hex')}@example.com`;
    const created = await gatehouse(
      ['account', 'create', '--email', email, '--password-stdin'],
      { ...d.env, ...env },
      PASSWORD,
    );
    expect(created.code).toBe(0);
    const [welcome] = await listOutboxMail(
      { db: d.db.handle.db, keyring: new Keyring(Buffer.from(SECRET_KEY, 'hex')) },
      { limit: 1, recipient: email },
    );
    return { stderr: created.stderr, link: linksIn(welcome!.text)[0]! };
  }

  it('uses the address the server recorded when PUBLIC_URL is unset; its own PUBLIC_URL wins', async () => {
    const d = await database();
    const port = await freePort();
    const log = await serveBriefly({ ...d.env, HOST: '127.0.0.1', PORT: String(port) });
    expect(log).toContain(`Gatehouse is serving http://127.0.0.1:${port}/signin`);

    const recorded = await createAccount(d);
    expect(recorded.stderr).toBe('');
    expect(recorded.link.startsWith(`http://127.0.0.1:${port}/verify-email?token=`)).toBe(true);

    const own = await createAccount(d, { PUBLIC_URL: 'https://signin.example.com' });
    expect(own.stderr).toBe('');
    expect(own.link.startsWith('https://signin.example.com/verify-email?token=')).toBe(true);
  });

  it('warns on stderr when neither PUBLIC_URL nor a recorded address is known, and links to the default', async () => {
    const d = await database();
    const guessed = await createAccount(d);
    expect(guessed.stderr).toContain('warning: PUBLIC_URL is not set and no server has recorded its address');
    expect(guessed.link.startsWith('http://127.0.0.1:8080/verify-email?token=')).toBe(true);
    // Commands that build no link say nothing.
    expect((await gatehouse(['outbox', 'list'], d.env)).stderr).toBe('');
  });
});
