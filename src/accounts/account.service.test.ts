import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { openDatabase } from '../db/database.ts';
import { GatehouseError } from '../shared/errors.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, makeAccount, uniqueEmail } from '../../test/support/fixtures.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { findAccountByRef, findRootUserByEmail } from '../identities/account.repository.ts';
import { type NewAccount, createAccount, deleteAccountAlias, setAccountAlias } from './account.service.ts';

const TABLES = ['accounts', 'root_users', 'password_history', 'audit_events'] as const;

describe.each(DIALECTS)('accounts on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(() => t.close());

  async function counts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const table of TABLES) {
      const row = await t.deps.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .executeTakeFirstOrThrow();
      out[table] = Number(row.n);
    }
    return out;
  }

  /** Expects `work` to fail with `code` (and a message matching `message`) and to write nothing. */
  async function refused(work: () => Promise<unknown>, code: string, message?: RegExp): Promise<GatehouseError> {
    const before = await counts();
    const error = await work().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GatehouseError);
    expect((error as GatehouseError).code).toBe(code);
    if (message) expect((error as GatehouseError).message).toMatch(message);
    expect(await counts()).toEqual(before);
    return error as GatehouseError;
  }

  const create = (input: Partial<NewAccount>) =>
    createAccount(t.deps, { email: uniqueEmail(), password: ROOT_PASSWORD, ...input }, CLI_ACTOR, SYSTEM_META);

  it('gives accounts random, distinct, non-sequential 12-digit IDs', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await create({})).id);
    for (const id of ids) expect(id).toMatch(/^[1-9]\d{11}$/);
    expect(new Set(ids).size).toBe(ids.length);
    const steps = ids.slice(1).map((id, i) => BigInt(id) - BigInt(ids[i]!));
    expect(steps.every((step) => step === 1n)).toBe(false);
    expect(steps.filter((step) => step > -1000n && step < 1000n).length).toBeLessThan(steps.length);
  });

  it('creates the root user with an unverified email, a hashed password and an audit event', async () => {
    const email = uniqueEmail('Mixed.Case');
    const account = await create({ email: `  ${email}  `, name: 'Research' });
    const root = (await findRootUserByEmail(t.deps.db, email.toUpperCase()))!;
    expect(root.accountId).toBe(account.id);
    expect(root.email).toBe(email);
    expect(root.emailVerified).toBe(false);
    expect(root.passwordHash).toMatch(/^\$argon2id\$/);
    expect(account.name).toBe('Research');
    const events = await t.deps.db
      .selectFrom('audit_events')
      .selectAll()
      .where('account_id', '=', account.id)
      .execute();
    expect(events.map((e) => e.event_name)).toEqual(['CreateAccount']);
    expect(JSON.stringify(events)).not.toContain(ROOT_PASSWORD);
  });

  it('refuses a root email already used, ignoring case, with EntityAlreadyExists', async () => {
    const email = uniqueEmail();
    await create({ email });
    const error = await refused(() => create({ email: email.toUpperCase() }), 'EntityAlreadyExists', /already exists/);
    expect(error.field).toBe('email');
  });

  // SQLite runs one write transaction at a time; on PostgreSQL two sign-ups can both find
  // the email (or alias) free and both insert. Locking the accounts table holds both at
  // their first insert, after their checks, which makes that interleaving certain.
  it.runIf(dialect === 'postgres')(
    'refuses the second of two simultaneous sign-ups with one email or alias as EntityAlreadyExists',
    async () => {
      const email = uniqueEmail('race');
      const cases = [
        { field: 'email', inputs: [{ email }, { email: email.toUpperCase() }] },
        { field: 'alias', inputs: [{ alias: 'race-alias' }, { alias: 'race-alias' }] },
      ];
      for (const { field, inputs } of cases) {
        const locker = openDatabase(t.database.url, { schema: t.database.schema! });
        let attempts!: Promise<Array<PromiseSettledResult<unknown>>>;
        try {
          await locker.db.transaction().execute(async (tx) => {
            await sql`lock table accounts in exclusive mode`.execute(tx);
            attempts = Promise.allSettled(inputs.map((input) => create(input)));
            const table = `${t.database.schema}.accounts`;
            for (let polls = 0; ; polls++) {
              if (polls > 2000) throw new Error('the two sign-ups never reached their insert');
              await new Promise((resolve) => setTimeout(resolve, 5));
              const { rows } = await sql<{
                n: number;
              }>`select count(*)::int as n from pg_locks where relation = to_regclass(${table}) and not granted`.execute(
                tx,
              );
              if (rows[0]!.n >= 2) break;
            }
          });
        } finally {
          await locker.close();
        }
        const results = await attempts;
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const failure = (results.find((r) => r.status === 'rejected') as PromiseRejectedResult)
          .reason as GatehouseError;
        expect(failure).toBeInstanceOf(GatehouseError);
        expect(failure.code).toBe('EntityAlreadyExists');
        expect(failure.field).toBe(field);
      }
    },
  );

  it.each([
    ['ab', /3 to 63/],
    ['a'.repeat(64), /3 to 63/],
    ['123456789012', /12-digit/],
    ['Acme', /lowercase/],
    ['acme_corp', /lowercase/],
    ['acme corp', /lowercase/],
    ['-acme', /start and end/],
    ['acme-', /start and end/],
    ['ac--me', /single hyphens/],
    ['acmé', /lowercase/],
  ])('refuses the alias %j with a ValidationError naming the rule', async (alias, rule) => {
    const error = await refused(() => create({ alias }), 'ValidationError', rule);
    expect(error.field).toBe('alias');
  });

  it.each(['abc', 'a'.repeat(63), 'acme-corp-2', '1234567890123', '12345678901', '0a0'])(
    'accepts the alias %j',
    async (alias) => {
      const account = await create({ alias: `${alias}` });
      expect((await findAccountByRef(t.deps.db, alias))?.id).toBe(account.id);
    },
  );

  it('keeps aliases unique across accounts', async () => {
    const first = await create({ alias: 'shared-name' });
    await refused(() => create({ alias: 'shared-name' }), 'EntityAlreadyExists', /shared-name already exists/);
    const other = await create({});
    await refused(
      () => setAccountAlias(t.deps, other.id, 'shared-name', CLI_ACTOR, SYSTEM_META),
      'EntityAlreadyExists',
    );
    expect((await findAccountByRef(t.deps.db, 'shared-name'))?.id).toBe(first.id);
  });

  it('replaces the old alias with a new one: the old alias no longer finds the account', async () => {
    const account = await create({ alias: 'old-name' });
    await setAccountAlias(t.deps, account.id, 'new-name', CLI_ACTOR, SYSTEM_META);
    expect(await findAccountByRef(t.deps.db, 'old-name')).toBeNull();
    expect((await findAccountByRef(t.deps.db, 'new-name'))?.id).toBe(account.id);
    // The freed alias can be taken by another account.
    const other = await create({ alias: 'old-name' });
    expect((await findAccountByRef(t.deps.db, 'old-name'))?.id).toBe(other.id);
    // Setting the alias it already has is not a conflict.
    await setAccountAlias(t.deps, account.id, 'new-name', CLI_ACTOR, SYSTEM_META);
    const events = await t.deps.db
      .selectFrom('audit_events')
      .select(['event_name', 'details'])
      .where('account_id', '=', account.id)
      .execute();
    expect(events.map((e) => e.event_name)).toEqual(['CreateAccount', 'CreateAccountAlias', 'CreateAccountAlias']);
    expect(JSON.parse(events[1]!.details!)).toEqual({ alias: 'new-name', previousAlias: 'old-name' });
  });

  it('deletes an alias only when it is the account’s own', async () => {
    const account = await create({ alias: 'to-delete' });
    await refused(() => deleteAccountAlias(t.deps, account.id, 'not-mine', CLI_ACTOR, SYSTEM_META), 'NoSuchEntity');
    await deleteAccountAlias(t.deps, account.id, 'to-delete', CLI_ACTOR, SYSTEM_META);
    expect(await findAccountByRef(t.deps.db, 'to-delete')).toBeNull();
    expect((await findAccountByRef(t.deps.db, account.id))?.alias).toBeNull();
  });

  it.each([
    ['seven!!', /at least 8 characters/],
    ['x'.repeat(129), /at most 128 characters/],
  ])('refuses the root password %j with PasswordPolicyViolation naming the rule', async (password, rule) => {
    const error = await refused(() => create({ password }), 'PasswordPolicyViolation', rule);
    expect(error.field).toBe('password');
  });

  it('accepts passwords of exactly 8 and 128 characters, counted as characters, not bytes', async () => {
    await create({ password: 'k9#mQ2vL' });
    await create({ password: `${'Zq7'.repeat(42)}xy` });
    // Eight characters, sixteen UTF-16 units.
    await create({ password: '\u{1F511}\u{1F30D}\u{1F680}\u{1F3B2}\u{1F9ED}\u{1F4A1}\u{1F9F2}\u{1F6F0}' });
  });

  it('refuses a root password that is the email address or the account name, ignoring case', async () => {
    const email = uniqueEmail('pw');
    await refused(() => create({ email, password: email.toUpperCase() }), 'PasswordPolicyViolation', /email address/);
    await refused(
      () => create({ name: 'Blue Harbour Labs', password: 'blue harbour labs' }),
      'PasswordPolicyViolation',
      /account name/,
    );
  });

  it('refuses bad emails and account names before hashing anything', async () => {
    await refused(() => create({ email: 'not-an-email' }), 'ValidationError', /valid email/);
    await refused(() => create({ email: '' }), 'ValidationError', /Enter an email/);
    await refused(() => create({ email: `${'a'.repeat(250)}@example.com` }), 'ValidationError', /valid email/);
    await refused(() => create({ name: 'n'.repeat(51) }), 'ValidationError', /at most 50/);
    await refused(() => create({ name: 'bad\u0000name' }), 'ValidationError', /control characters/);
  });

  it('makes an account the fixtures can sign in with', async () => {
    const account = await makeAccount(t.deps, { alias: `fixture-${dialect}` });
    expect((await findAccountByRef(t.deps.db, `fixture-${dialect}`))?.id).toBe(account.id);
  });
});
