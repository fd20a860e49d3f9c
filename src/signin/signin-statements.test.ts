import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, USER_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { Browser, TEST_SECRET_KEY, type TestContext, createTestContext } from '../../test/support/harness.ts';
import { StatementRecorder } from '../../test/support/statements.ts';
import { buildApp } from '../app.ts';
import type { Deps } from '../deps.ts';
import { buildDeps } from '../runtime.ts';

/**
 * What a successful sign-in asks of the database, statement by statement, with the
 * throttle's counters (in the database here) included: the throttle's buckets, one query for
 * everything the form needs (which also tells the throttle an alias's account), the failure
 * count and the risk, all in one transaction before the hash; then the session with its audit
 * event, and the failure count cleared, in another. A new statement on this path fails this
 * test: it costs every sign-in.
 */
describe.each(DIALECTS)('the statements of a successful sign-in on %s', (dialect) => {
  let t: TestContext;
  let recorder: StatementRecorder;
  let app: FastifyInstance;
  let account: Awaited<ReturnType<typeof makeAccount>>;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    account = await makeAccount(t.deps, { alias: `statements-${dialect}` });
    await makeUser(t.deps, account.id, 'counted');
    recorder = new StatementRecorder();
    // Every statement of these deps is recorded, the throttle's counters and the invalidation feed's polls included.
    const built = buildDeps(t.config, { db: t.deps.db.withPlugin(recorder), dialect }, TEST_SECRET_KEY, t.clock);
    const deps: Deps = { ...built, hasher: t.deps.hasher };
    app = await buildApp(t.config, deps, { logger: false });
    await app.ready();
    // No background poll in the middle of a recorded sign-in.
    await deps.invalidations.stop();
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  const auditChain = dialect === 'postgres' ? ['RawNode[select pg_advisory_xact_lock(hashtext(?))]'] : [];
  const throttle = [
    // The source address and its network each take a token.
    'InsertQueryNode(throttle_buckets)',
    'InsertQueryNode(throttle_buckets)',
  ];
  const reserveAndRisk = [
    // The attempt takes its place in the failure count; the risk reads the network's and the service's failures.
    'SelectQueryNode(throttle_failures)',
    'InsertQueryNode(excluded,throttle_failures)',
    'SelectQueryNode(throttle_buckets)',
    'SelectQueryNode(throttle_buckets)',
  ];
  const sessionAndAudit = [
    'InsertQueryNode(sessions)',
    ...auditChain,
    'SelectQueryNode(audit_events)',
    'InsertQueryNode(audit_events)',
    // A success clears the failure count, in the session's transaction.
    'DeleteQueryNode(throttle_failures)',
  ];
  const userCandidate = 'SelectQueryNode(accounts,login_profiles,mfa_devices,password_policies,users)';

  it('IAM user at an alias: 11 statements (PostgreSQL: 12, its audit chain takes a lock), the account read once (the one query of the form tells the throttle its ID)', async () => {
    const browser = new Browser(app);
    const csrf = await browser.csrf(`/signin/${account.alias}`);
    recorder.start();
    const response = await browser.post(
      `/signin/${account.alias}`,
      { userName: 'counted', password: USER_PASSWORD },
      { csrf },
    );
    const statements = recorder.stop();
    expect(response.headers.location).toBe('/console');
    // The throttle counts an account's ID and alias as one identifier: the form's query says which account.
    expect(statements).toEqual([...throttle, userCandidate, ...reserveAndRisk, ...sessionAndAudit]);
  });

  it('IAM user at the account ID: 11 statements (PostgreSQL: 12), the account read once', async () => {
    const browser = new Browser(app);
    const csrf = await browser.csrf(`/signin/${account.id}`);
    recorder.start();
    const response = await browser.post(
      `/signin/${account.id}`,
      { userName: 'counted', password: USER_PASSWORD },
      { csrf },
    );
    const statements = recorder.stop();
    expect(response.headers.location).toBe('/console');
    expect(statements).toEqual([...throttle, userCandidate, ...reserveAndRisk, ...sessionAndAudit]);
  });

  it('root user: 11 statements (PostgreSQL: 12), the account read once', async () => {
    const browser = new Browser(app);
    const csrf = await browser.csrf();
    recorder.start();
    const response = await browser.post(
      '/signin/root/password',
      { email: account.email, password: ROOT_PASSWORD },
      { csrf },
    );
    const statements = recorder.stop();
    expect(response.headers.location).toBe('/console');
    expect(statements).toEqual([
      ...throttle,
      'SelectQueryNode(accounts,mfa_devices,root_users)',
      ...reserveAndRisk,
      ...sessionAndAudit,
    ]);
  });
});
