import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatehouse } from '../support/cli.ts';
import { SYSTEM_META } from '../../src/audit/audit.service.ts';
import { configFrom } from '../../src/config/config.ts';
import { migrateOrThrow } from '../../src/db/migrate.ts';
import { createRuntime, type Runtime } from '../../src/runtime.ts';
import { openCase } from '../../src/support/support.service.ts';
import { makeAccount, makeUser } from '../support/fixtures.ts';

describe('gatehouse support and audit commands on SQLite', { timeout: 120_000 }, () => {
  let dir: string;
  let env: Record<string, string>;
  let runtime: Runtime;
  let mine: Awaited<ReturnType<typeof makeAccount>>;
  let other: Awaited<ReturnType<typeof makeAccount>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-support-'));
    env = { DATABASE_URL: `sqlite:${join(dir, 'g.db')}`, SECRET_KEY: randomBytes(32).toString('hex') };
    runtime = createRuntime(configFrom(env));
    await migrateOrThrow(runtime.database.db);
    mine = await makeAccount(runtime.deps, { alias: 'cli-mine' });
    other = await makeAccount(runtime.deps, { alias: 'cli-other' });
    await makeUser(runtime.deps, other.id, 'hidden-user');
    await openCase(
      runtime.deps,
      { contactEmail: mine.email, accountRef: 'cli-mine', description: 'The reset email never arrives.' },
      SYSTEM_META,
    );
    await openCase(
      runtime.deps,
      {
        contactEmail: 'prober@example.com',
        accountRef: 'cli-other',
        description: 'What is the root email of cli-other?',
      },
      SYSTEM_META,
    );
  });
  afterAll(async () => {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists and shows cases with nothing of any account but the one yes/no', async () => {
    const list = await gatehouse(['support', 'list', '--json'], env);
    expect(list.code).toBe(0);
    const { cases } = JSON.parse(list.stdout) as { cases: Array<{ id: string; contactEmail: string }> };
    expect(cases).toHaveLength(2);
    const probe = cases.find((c) => c.contactEmail === 'prober@example.com')!;
    const genuine = cases.find((c) => c.contactEmail === mine.email)!;
    const shownProbe = await gatehouse(['support', 'show', probe.id, '--as', 'sam', '--json'], env);
    expect(JSON.parse(shownProbe.stdout).contactIsRootEmail).toBe('no');
    const shownGenuine = await gatehouse(['support', 'show', genuine.id, '--as', 'sam', '--json'], env);
    expect(JSON.parse(shownGenuine.stdout).contactIsRootEmail).toBe('yes');
    for (const output of [list.stdout, shownProbe.stdout, shownGenuine.stdout]) {
      expect(output).not.toContain(other.email);
      expect(output).not.toContain(other.id);
      expect(output).not.toContain('hidden-user');
    }
  });

  it('refuses every way of reaching an account directly', async () => {
    const byAccount = await gatehouse(['support', 'show', other.id, '--json'], env);
    expect(byAccount.code).toBe(1);
    expect(JSON.parse(byAccount.stderr).error.code).toBe('NoSuchEntity');
    expect((await gatehouse(['support', 'list', '--account', 'cli-other'], env)).code).toBe(2);
    expect((await gatehouse(['support', 'reply', 'x', '--set-password', 'p'], env)).code).toBe(2);
  });

  it('replies, sending the recovery mail only to the address on file', async () => {
    const probe = (
      JSON.parse((await gatehouse(['support', 'list', '--json'], env)).stdout) as {
        cases: Array<{ id: string; contactEmail: string }>;
      }
    ).cases.find((c) => c.contactEmail === 'prober@example.com')!;
    const reply = await gatehouse(
      [
        'support',
        'reply',
        probe.id,
        '--message',
        'We sent a reset to the owner.',
        '--send-recovery',
        '--close',
        '--as',
        'sam',
        '--json',
      ],
      env,
    );
    expect(reply.code).toBe(0);
    expect(JSON.parse(reply.stdout)).toEqual({ caseId: probe.id, recoverySent: true });
    const mail = await runtime.deps.db.selectFrom('mail_outbox').select(['recipient', 'template']).execute();
    expect(mail.filter((m) => m.recipient === 'prober@example.com').map((m) => m.template)).toEqual(['support-reply']);
    expect(mail.some((m) => m.recipient === other.email)).toBe(true);
  });

  it('audit verify passes on an intact trail and names the first broken link after tampering', async () => {
    const ok = await gatehouse(['audit', 'verify', '--json'], env);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).broken).toEqual([]);
    const victim = await runtime.deps.db
      .selectFrom('audit_events')
      .select(['id', 'seq'])
      .where('account_id', '=', other.id)
      .orderBy('seq')
      .limit(1)
      .executeTakeFirstOrThrow();
    await runtime.deps.db
      .updateTable('audit_events')
      .set({ actor_name: 'someone else' })
      .where('id', '=', victim.id)
      .execute();
    const broken = await gatehouse(['audit', 'verify'], env);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`BROKEN account ${other.id}: event ${victim.id} (seq ${victim.seq}) edited`);
  });
});
