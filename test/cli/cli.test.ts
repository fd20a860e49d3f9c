import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatehouse } from '../support/cli.ts';
import { buildApp } from '../../src/app.ts';
import { configFrom } from '../../src/config/config.ts';
import { openDatabase } from '../../src/db/database.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import { findLoginProfile, findUserByName } from '../../src/identities/user.repository.ts';
import { Browser } from '../support/harness.ts';

const SECRET_KEY = randomBytes(32).toString('hex');
const ROOT_PASSWORD = 'a long root passphrase for the cli';
const USER_PASSWORD = 'first user passphrase for the cli';
const NEW_USER_PASSWORD = 'second user passphrase for the cli';

// Each spawn starts the CLI afresh (about half a second, more on a busy machine).
describe('gatehouse CLI on SQLite', { timeout: 120_000 }, () => {
  let dir: string;
  let env: Record<string, string>;
  let accountId: string;
  const email = `cli-owner-${randomBytes(3).toString('hex')}@example.com`;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
    // Links in mail the CLI queues come from PUBLIC_URL (no server has recorded its own here).
    env = { DATABASE_URL: `sqlite:${join(dir, 'g.db')}`, SECRET_KEY, PUBLIC_URL: 'http://127.0.0.1:8080' };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The app on the same database file the CLI wrote, as `serve` would build it. */
  async function withApp<T>(work: (browser: Browser, runtime: Runtime) => Promise<T>): Promise<T> {
    const config = configFrom(env);
    const runtime = createRuntime(config);
    const app = await buildApp(config, runtime.deps, { logger: false });
    try {
      return await work(new Browser(app), runtime);
    } finally {
      await app.close();
      await runtime.close();
    }
  }

  it('migrates, printing each migration', async () => {
    const run = await gatehouse(['migrate'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^applied 2026_11_29_001_initial$/m);
    const again = await gatehouse(['migrate', '--json'], env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ applied: [] });
  });

  it('creates an account with --json and the root user can sign in with it', async () => {
    const run = await gatehouse(
      ['account', 'create', '--email', email, '--password-stdin', '--alias', 'cli-team', '--json'],
      env,
      `${ROOT_PASSWORD}\n`,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`^\\{"accountId":"\\d{12}","email":"${email.replaceAll('.', '\\.')}"\\}\\n$`),
    );
    accountId = (JSON.parse(run.stdout) as { accountId: string }).accountId;

    await withApp(async (browser) => {
      const signIn = await browser.post('/signin/root/password', { email, password: ROOT_PASSWORD });
      expect(signIn.statusCode).toBe(303);
      expect(signIn.headers.location).toBe('/console');
      const page = await browser.get('/console');
      expect(page.body).toContain('cli-team');
      // The trailing newline of the pipe is not part of the password.
      const fresh = new Browser(browser.app);
      expect((await fresh.post('/signin/root/password', { email, password: `${ROOT_PASSWORD}\n` })).statusCode).toBe(
        401,
      );
    });
  });

  it('creates a user that must reset its password, then sets a new one', async () => {
    const create = await gatehouse(
      ['user', 'create', '--account', 'cli-team', '--name', 'alice', '--password-stdin', '--require-reset', '--json'],
      env,
      USER_PASSWORD,
    );
    expect(create.stderr).toBe('');
    expect(create.code).toBe(0);
    const user = JSON.parse(create.stdout) as Record<string, string>;
    expect(user).toEqual({
      UserName: 'alice',
      UserId: expect.stringMatching(/^AIDA[A-Z2-7]{17}$/),
      Arn: `arn:aws:iam::${accountId}:user/alice`,
      Path: '/',
    });

    await withApp(async (browser) => {
      const signIn = await browser.post(`/signin/${accountId}`, { userName: 'alice', password: USER_PASSWORD });
      expect(signIn.headers.location).toBe('/console/change-password');
    });

    const set = await gatehouse(
      ['user', 'set-password', '--account', accountId, '--name', 'alice', '--password-stdin', '--json'],
      env,
      NEW_USER_PASSWORD,
    );
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toEqual({
      UserName: 'alice',
      LoginProfile: 'updated',
      PasswordResetRequired: false,
    });

    await withApp(async (browser, runtime) => {
      expect((await browser.post(`/signin/cli-team`, { userName: 'alice', password: USER_PASSWORD })).statusCode).toBe(
        401,
      );
      const signIn = await browser.post(`/signin/cli-team`, { userName: 'alice', password: NEW_USER_PASSWORD });
      expect(signIn.headers.location).toBe('/console');
      const stored = await findUserByName(runtime.deps.db, accountId, 'alice');
      expect((await findLoginProfile(runtime.deps.db, stored!.id))?.passwordResetRequired).toBe(false);
    });
  });

  it('refuses a duplicate email with exit code 1 and says why', async () => {
    const run = await gatehouse(
      ['account', 'create', '--email', email.toUpperCase(), '--password-stdin'],
      env,
      'another long passphrase',
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('gatehouse: An account with this email address already exists.\n');
  });

  it('refuses bad usage with exit code 2 and a message, touching nothing', async () => {
    const [missing, unknownOption, unknownCommand, stray, none, groupHelp] = await Promise.all([
      gatehouse(['account', 'create', '--password-stdin'], env, 'whatever passphrase'),
      gatehouse(['user', 'create', '--account', 'cli-team', '--name', 'bob', '--bogus'], env),
      gatehouse(['frobnicate'], env),
      gatehouse(['migrate', 'now'], env),
      gatehouse([], env),
      gatehouse(['outbox', '--help'], env),
    ]);
    expect(missing).toMatchObject({ code: 2, stdout: '', stderr: 'gatehouse: --email is required.\n' });
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain("'--bogus'");
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.stderr).toContain('unknown command "frobnicate"');
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('unexpected argument "now"');
    expect(none.code).toBe(2);
    expect(none.stdout).toContain('Usage: gatehouse <command>');
    // A group's --help lists its commands.
    expect(groupHelp.code).toBe(0);
    expect(groupHelp.stdout).toContain('Usage: gatehouse outbox <command>');
    expect(groupHelp.stdout).toMatch(/outbox list .*\n {2}outbox show /);
    await withApp(async (_browser, runtime) => {
      expect(await findUserByName(runtime.deps.db, accountId, 'bob')).toBeNull();
    });
  });

  it('purges expired data on demand and reports what it deleted', async () => {
    // A session of the root user, then a purge: the session is live, so it stays.
    await withApp(async (browser) => {
      expect((await browser.post('/signin/root/password', { email, password: ROOT_PASSWORD })).statusCode).toBe(303);
    });
    const run = await gatehouse(['purge', '--json'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Record<string, number>;
    expect(Object.keys(report)).toEqual(
      expect.arrayContaining(['sessions', 'tokens', 'deliveredMessages', 'passwordHistory']),
    );
    expect(report.sessions).toBe(0);
    const text = await gatehouse(['purge'], env);
    expect(text.stdout).toMatch(/rows deleted$/m);
  });

  it('rotates SECRET_KEY: reseals every stored secret under the new key, then works without the old one', async () => {
    const created = await gatehouse(['access-key', 'create', '--account', accountId, '--root', '--json'], env);
    expect(created.code).toBe(0);
    const generated = await gatehouse(['secret-key', 'generate', '--json'], env);
    const newKey = (JSON.parse(generated.stdout) as { secretKey: string }).secretKey;
    expect(newKey).toMatch(/^[0-9a-f]{64}$/);
    const rotated = { ...env, SECRET_KEY: newKey, SECRET_KEY_PREVIOUS: env.SECRET_KEY! };
    const resealed = await gatehouse(['secret-key', 'reseal', '--json'], rotated);
    expect(resealed.stderr).toBe('');
    expect(resealed.code).toBe(0);
    expect(
      (JSON.parse(resealed.stdout) as Record<string, { resealed: number }>).accessKeys!.resealed,
    ).toBeGreaterThanOrEqual(1);
    const again = await gatehouse(['secret-key', 'reseal'], { ...env, SECRET_KEY: newKey });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^accessKeys +\d+ already current, 0 resealed, 0 unreadable$/m);
    // With neither key, nothing opens: reported, exit 1.
    const lost = await gatehouse(['secret-key', 'reseal'], { ...env, SECRET_KEY: randomBytes(32).toString('hex') });
    expect(lost.code).toBe(1);
    expect(lost.stdout).toContain('replace those access keys and MFA devices');
    const bad = await gatehouse(['secret-key', 'reseal'], { ...env, SECRET_KEY_PREVIOUS: env.SECRET_KEY! });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('SECRET_KEY_PREVIOUS must not repeat SECRET_KEY');
  });

  it('prints usage for --help on every command and exits 0', async () => {
    const commands = [
      [],
      ['serve'],
      ['migrate'],
      ['account', 'create'],
      ['user', 'create'],
      ['user', 'set-password'],
      ['purge'],
      ['secret-key', 'reseal'],
    ];
    const runs = await Promise.all(commands.map((words) => gatehouse([...words, '--help'], env)));
    runs.forEach((run, i) => {
      const words = commands[i]!.join(' ');
      expect(run.code, words).toBe(0);
      expect(run.stderr, words).toBe('');
      expect(run.stdout, words).toContain(words ? `Usage: gatehouse ${words}` : 'Usage: gatehouse <command>');
    });
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)('gatehouse CLI on PostgreSQL', { timeout: 120_000 }, () => {
  const base = process.env.TEST_DATABASE_URL!;
  const schema = `cli_${randomBytes(6).toString('hex')}`;
  let env: Record<string, string>;

  beforeAll(async () => {
    const admin = openDatabase(base);
    await sql`create schema ${sql.id(schema)}`.execute(admin.db);
    await admin.close();
    const url = new URL(base);
    url.searchParams.set('options', `-c search_path=${schema}`);
    env = { DATABASE_URL: url.toString(), SECRET_KEY, PUBLIC_URL: 'http://127.0.0.1:8080' };
  });
  afterAll(async () => {
    const admin = openDatabase(base);
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin.db);
    await admin.close();
  });

  it('migrates and creates an account in its own schema, and the account signs in', async () => {
    const migrate = await gatehouse(['migrate'], env);
    expect(migrate.stderr).toBe('');
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain('applied 2026_11_29_001_initial');
    const email = 'pg-owner@example.com';
    const create = await gatehouse(
      ['account', 'create', '--email', email, '--password-stdin', '--json'],
      env,
      ROOT_PASSWORD,
    );
    expect(create.stderr).toBe('');
    expect(create.code).toBe(0);
    expect(create.stdout).toMatch(/^\{"accountId":"\d{12}","email":"pg-owner@example\.com"\}\n$/);

    const config = configFrom(env);
    const runtime = createRuntime(config, { schema });
    const app = await buildApp(config, runtime.deps, { logger: false });
    try {
      const browser = new Browser(app);
      expect((await browser.post('/signin/root/password', { email, password: ROOT_PASSWORD })).headers.location).toBe(
        '/console',
      );
      const tables = await sql<{
        n: number;
      }>`select count(*)::int as n from information_schema.tables where table_schema = ${schema} and table_name = 'accounts'`.execute(
        runtime.deps.db,
      );
      expect(tables.rows[0]!.n).toBe(1);
    } finally {
      await app.close();
      await runtime.close();
    }
  });
});
