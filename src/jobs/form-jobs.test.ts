import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import type { Deps } from '../deps.ts';
import { settleAfterResponse } from '../web/after-response.ts';
import { MINUTE } from '../shared/clock.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount, makeUser, uniqueEmail } from '../../test/support/fixtures.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { runPendingJobs } from '../../test/support/jobs.ts';
import { StatementRecorder, tablesIn } from '../../test/support/statements.ts';

interface Form {
  name: string;
  url: string;
  csrfFrom: string;
  known: () => Record<string, string>;
  unknown: () => Record<string, string>;
}

/**
 * "Why can't I sign in?", forgot password, which email did I use and ask my administrator
 * answer before they know whether the account exists, and must not find out while the
 * request is on its way: work whose amount depends on it would slow the next request on the
 * same event loop (a timing oracle). Each well-formed request writes one job row, the same
 * for a known and an unknown identifier, and reads nothing about accounts; the background
 * job runner does the rest.
 */
describe.each(DIALECTS)('recovery forms leave their work to a job on %s', (dialect) => {
  let t: TestContext;
  let account: Awaited<ReturnType<typeof makeAccount>>;
  const alias = `jobs-${dialect}`;
  let recorder: StatementRecorder;
  let recordingDeps: Deps;
  let app: FastifyInstance;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    account = await makeAccount(t.deps, { alias });
    await makeUser(t.deps, account.id, 'carol');
    // The same services and database, every statement of the app's own Kysely instance recorded.
    recorder = new StatementRecorder();
    recordingDeps = { ...t.deps, db: t.deps.db.withPlugin(recorder) };
    app = await buildApp(t.config, recordingDeps, { logger: false });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  const FORMS: Form[] = [
    {
      name: 'sign-in doctor, root email',
      url: '/signin/help/diagnose',
      csrfFrom: '/signin/help/diagnose',
      known: () => ({ email: account.email }),
      unknown: () => ({ email: uniqueEmail('nobody') }),
    },
    {
      name: 'sign-in doctor, IAM user',
      url: '/signin/help/diagnose',
      csrfFrom: '/signin/help/diagnose',
      known: () => ({ account: alias, userName: 'carol' }),
      unknown: () => ({ account: alias, userName: 'ghost' }),
    },
    {
      name: 'forgot password',
      url: '/signin/forgot',
      csrfFrom: '/signin/forgot',
      known: () => ({ email: account.email }),
      unknown: () => ({ email: uniqueEmail('nobody') }),
    },
    {
      name: 'which email did I use',
      url: '/signin/find-account',
      csrfFrom: '/signin/find-account',
      known: () => ({ email: account.email }),
      unknown: () => ({ email: uniqueEmail('nobody') }),
    },
    {
      name: 'ask my administrator',
      url: '/signin/forgot/iam',
      csrfFrom: '/signin/forgot',
      known: () => ({ account: alias, userName: 'carol' }),
      unknown: () => ({ account: `no-such-${dialect}`, userName: 'carol' }),
    },
  ];

  /** The job rows written at the clock's current time, oldest first. */
  async function jobRowsNow() {
    const now = t.clock.now().toISOString();
    const rows = await sql<Record<string, unknown>>`select * from jobs where created_at = ${now}`.execute(t.deps.db);
    return rows.rows.sort((a, b) => String(a.id).localeCompare(String(b.id)));
  }

  /** Posts the form and returns the statements it ran: during the request and any work it left behind. */
  async function submit(form: Form, fields: Record<string, string>) {
    const browser = new Browser(app);
    const csrf = await browser.csrf(form.csrfFrom);
    const altcha = await browser.solveSecurityCheck();
    recorder.start();
    const response = await browser.post(form.url, { ...fields, altcha }, { csrf });
    await settleAfterResponse(recordingDeps);
    const statements = recorder.stop();
    expect(response.statusCode).toBe(200);
    return statements;
  }

  for (const form of FORMS) {
    it(`${form.name}: one job row, written alike for a known and an unknown identifier, and no account read`, async () => {
      t.clock.advance(MINUTE);
      const knownStatements = await submit(form, form.known());
      const unknownStatements = await submit(form, form.unknown());

      expect(unknownStatements).toEqual(knownStatements);
      expect(tablesIn(knownStatements)).toEqual(['jobs']);

      const rows = await jobRowsNow();
      expect(rows).toHaveLength(2);
      const [first, second] = rows.map(({ id: _id, payload_sealed: _payload, ...row }) => row);
      expect(second).toEqual(first);
      // What was typed is sealed: no row shows it.
      const typed = [...Object.values(form.known()), ...Object.values(form.unknown())].filter((v) => v.length >= 5);
      for (const row of rows) for (const value of typed) expect(String(row.payload_sealed)).not.toContain(value);
    });
  }

  it('running the jobs does what the forms did after their response: mail to the known identifiers only, and no job left', async () => {
    const earlier = (await t.deps.db.selectFrom('mail_outbox').select('id').execute()).map((m) => m.id);
    expect(await runPendingJobs(t.deps)).toBe(FORMS.length * 2);
    expect((await sql`select id from jobs`.execute(t.deps.db)).rows).toEqual([]);
    const mail = (
      await t.deps.db.selectFrom('mail_outbox').select(['id', 'recipient_key', 'template']).execute()
    ).filter((m) => !earlier.includes(m.id));
    expect(mail.every((m) => m.recipient_key === account.email.toLowerCase())).toBe(true);
    expect(mail.map((m) => m.template).sort()).toEqual([
      'accounts-for-email',
      'password-reset',
      'sign-in-diagnosis',
      'sign-in-diagnosis',
      'user-asked-for-reset',
    ]);
    const audited = await t.deps.db
      .selectFrom('audit_events')
      .select(['event_name', 'outcome', 'reason'])
      .where('outcome', '=', 'Failure')
      .execute();
    expect(audited.map((e) => `${e.event_name} ${e.reason}`).sort()).toEqual([
      'AccountReminderRequested UnknownEmail',
      'PasswordRecoveryRequested UnknownEmail',
      'PasswordResetAskedOfAdministrator UnknownAccount',
      'SignInDiagnosisRequested UnknownIdentifier',
      'SignInDiagnosisRequested UnknownUser',
    ]);
  });
});
