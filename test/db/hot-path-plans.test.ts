import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveKeyOwner } from '../../src/access-keys/access-key.service.ts';
import { buildApp } from '../../src/app.ts';
import { configFrom } from '../../src/config/config.ts';
import type { Deps } from '../../src/deps.ts';
import { PasswordHasher } from '../../src/passwords/password-hasher.ts';
import { buildDeps } from '../../src/runtime.ts';
import { systemClock } from '../../src/shared/clock.ts';
import type { CompiledQuery } from 'kysely';
import {
  type HotPath,
  StatementCapture,
  type StatementPlan,
  explainHotPaths,
  explainStatement,
  hotPathStatements,
} from '../../bench/query-plans.ts';
import { DIALECTS, type TestDatabase, createTestDatabase } from '../support/databases.ts';
import { keyFor, makeAccount, makeUser, USER_PASSWORD } from '../support/fixtures.ts';
import { LENIENT_THROTTLE, TEST_ARGON2, TEST_SECRET_KEY } from '../support/harness.ts';

/**
 * The statements a sign-in, a session check and a signed GetCallerIdentity run are served by
 * indexes: none reads a table whole, on either database, so they cost the same at a million
 * users as at ten (README, Benchmark: `npm run bench -- --users N --explain` shows the plans at
 * size). The statements are the ones the app really runs, recorded while it serves these
 * requests, so a new query on a hot path is checked as soon as it is written. PostgreSQL is
 * asked with sequential scans priced out: on a test-sized table a scan is cheaper than any
 * index, so only then does its plan show whether an index can serve the lookup at all.
 */
describe.each(DIALECTS)('hot-path statements on %s', (dialect) => {
  let database: TestDatabase;
  let deps: Deps;
  let paths: HotPath[];
  let plans: Array<{ name: string; plans: StatementPlan[] }>;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const { db, capture } = StatementCapture.on(database.handle.db);
    const config = configFrom({ PUBLIC_URL: 'http://gatehouse.test', ...LENIENT_THROTTLE });
    const built = buildDeps(config, { db, dialect }, TEST_SECRET_KEY, systemClock);
    deps = { ...built, hasher: new PasswordHasher(TEST_ARGON2, { concurrency: 2, queueLimit: 100 }) };
    const app = await buildApp(config, deps, { logger: false });
    try {
      const account = await makeAccount(deps, { alias: 'plans' });
      await makeUser(deps, account.id, 'alice');
      const key = await keyFor({ deps }, await resolveKeyOwner(deps.db, account.id, 'alice'));
      paths = await hotPathStatements(app, capture, {
        accountRef: 'plans',
        userName: 'alice',
        password: USER_PASSWORD,
        credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
      });
    } finally {
      await app.close();
    }
    plans = await explainHotPaths(database.handle.db, dialect, paths, { indexesOnly: true });
  });

  afterAll(async () => {
    await deps?.guard.close();
    await database?.close();
  });

  it('are recorded from the requests themselves', () => {
    const tables = (name: RegExp) =>
      paths.filter((p) => name.test(p.name)).flatMap((p) => p.statements.map((s) => s.sql));
    expect(tables(/sign-in/).some((sql) => sql.includes('"login_profiles"'))).toBe(true);
    expect(tables(/GET \/console$/).some((sql) => sql.includes('from "sessions"'))).toBe(true);
    expect(tables(/GetCallerIdentity/).some((sql) => sql.includes('"access_keys"'))).toBe(true);
  });

  it('read no table whole', () => {
    const scans = plans.flatMap((path) =>
      path.plans.filter((p) => p.fullScans.length > 0).map((p) => ({ path: path.name, sql: p.sql, plan: p.plan })),
    );
    expect(scans).toEqual([]);
    expect(plans.flatMap((p) => p.plans).length).toBeGreaterThan(10);
  });
});

/** The detector itself, on statements that do read a table whole: a check that could never fail would show here. */
describe.each(DIALECTS)('full-scan detection on %s', (dialect) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });

  afterAll(async () => {
    await database?.close();
  });

  it('names a table read without an index, and one read by walking a whole index', async () => {
    const { db } = database.handle;
    const scans = async (query: CompiledQuery) =>
      (await explainStatement(db, dialect, query, { indexesOnly: true })).fullScans;
    expect(await scans(db.selectFrom('sessions').selectAll().where('secret_hash', '=', 'x').compile())).toEqual([
      'sessions',
    ]);
    expect(await scans(db.selectFrom('users').select('id').orderBy('id').compile())).toEqual([
      expect.stringMatching(/^users via \w+$/),
    ]);
    expect(await scans(db.selectFrom('users').selectAll().where('id', '=', 'AIDAEXAMPLE').compile())).toEqual([]);
  });
});
