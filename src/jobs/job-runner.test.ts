import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_META } from '../audit/audit.service.ts';
import { purgeExpired } from '../maintenance/purge.service.ts';
import { DAY, MINUTE } from '../shared/clock.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount, uniqueEmail } from '../../test/support/fixtures.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { JOB_LEASE_MS, JOB_MAX_ATTEMPTS, JobRunner, jobRetryDelayMs } from './job-runner.ts';
import { claimJob, deleteClaimedJob } from './job.repository.ts';
import { enqueueJob } from './job.service.ts';

describe.each(DIALECTS)('background job runner on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(() => t.close());

  const jobs = () => t.deps.db.selectFrom('jobs').selectAll().orderBy('id').execute();
  const resetMails = async (email: string) =>
    (
      await t.deps.db
        .selectFrom('mail_outbox')
        .select('id')
        .where('recipient_key', '=', email.toLowerCase())
        .where('template', '=', 'password-reset')
        .execute()
    ).length;
  const requested = async (accountId: string) =>
    (
      await t.deps.db
        .selectFrom('audit_events')
        .select('id')
        .where('account_id', '=', accountId)
        .where('event_name', '=', 'PasswordRecoveryRequested')
        .execute()
    ).length;
  const resetJob = (email: string) =>
    enqueueJob(t.deps, { kind: 'password-reset-request', input: { email } }, SYSTEM_META);

  /** A runner that keeps the errors of failed attempts. */
  function runner() {
    const errors: unknown[] = [];
    const r = new JobRunner(t.deps, { onJobError: (error) => errors.push(error) });
    return Object.assign(r, { errors });
  }

  it('runs each job once when several runners share the database, and deletes it', async () => {
    const accounts = await Promise.all(Array.from({ length: 6 }, () => makeAccount(t.deps)));
    for (const a of accounts) await resetJob(a.email);
    const [a, b, c] = [runner(), runner(), runner()];
    const done = await Promise.all([a.runOnce(), b.runOnce(), c.runOnce()]);
    expect(done.reduce((x, y) => x + y, 0)).toBe(accounts.length);
    for (const account of accounts) {
      expect(await resetMails(account.email)).toBe(1);
      expect(await requested(account.id)).toBe(1);
    }
    expect(await jobs()).toEqual([]);
    expect([...a.errors, ...b.errors, ...c.errors]).toEqual([]);
  });

  it('takes over a claim whose runner died once its lease has run out, and the dead runner cannot finish it', async () => {
    const account = await makeAccount(t.deps);
    await resetJob(account.email);
    const [job] = await jobs();
    const now = t.clock.now();
    expect(
      await claimJob(
        t.deps.db,
        job!.id,
        'dead-runner',
        now.toISOString(),
        new Date(now.getTime() + JOB_LEASE_MS).toISOString(),
      ),
    ).toBe(true);

    const alive = runner();
    expect(JOB_LEASE_MS).toBe(5 * MINUTE);
    expect(await alive.runOnce()).toBe(0);
    expect(await resetMails(account.email)).toBe(0);
    t.clock.advance(JOB_LEASE_MS);
    expect(await alive.runOnce()).toBe(1);
    expect(await resetMails(account.email)).toBe(1);
    expect(await deleteClaimedJob(t.deps.db, job!.id, 'dead-runner')).toBe(false);
    expect(await jobs()).toEqual([]);
  });

  it('retries a failed attempt after a back-off, with nothing of the failed attempt kept', async () => {
    const account = await makeAccount(t.deps);
    await resetJob(account.email);
    const r = runner();
    // The database refuses the mail: the attempt rolls back whole (no token, no audit event).
    await sql`alter table mail_outbox rename to mail_outbox_away`.execute(t.deps.db);
    try {
      expect(await r.runOnce()).toBe(0);
    } finally {
      await sql`alter table mail_outbox_away rename to mail_outbox`.execute(t.deps.db);
    }
    expect(r.errors).toHaveLength(1);
    const [waiting] = await jobs();
    expect(waiting).toMatchObject({ status: 'queued', attempts: 1, lease_owner: null });
    expect(waiting!.payload_sealed).not.toBeNull();
    expect(waiting!.last_error).not.toContain(account.email);
    expect(waiting!.next_attempt_at).toBe(new Date(t.clock.now().getTime() + jobRetryDelayMs(1)).toISOString());
    expect(await requested(account.id)).toBe(0);

    expect(await r.runOnce()).toBe(0);
    expect([1, 2, 3, 4, 5].map(jobRetryDelayMs)).toEqual([10_000, 20_000, 40_000, 80_000, 160_000]);
    t.clock.advance(jobRetryDelayMs(1));
    expect(await r.runOnce()).toBe(1);
    expect(await resetMails(account.email)).toBe(1);
    expect(await requested(account.id)).toBe(1);
    expect(await jobs()).toEqual([]);
  });

  it('gives up after the last attempt, erasing the payload; the purge removes what is left', async () => {
    const email = uniqueEmail('gives-up');
    await resetJob(email);
    const r = runner();
    await sql`alter table mail_outbox rename to mail_outbox_away`.execute(t.deps.db);
    try {
      for (let attempt = 1; attempt <= JOB_MAX_ATTEMPTS; attempt++) {
        expect(await jobs()).toMatchObject([{ status: 'queued', attempts: attempt - 1 }]);
        expect(await r.runOnce()).toBe(0);
        t.clock.advance(jobRetryDelayMs(attempt));
      }
    } finally {
      await sql`alter table mail_outbox_away rename to mail_outbox`.execute(t.deps.db);
    }
    expect(r.errors).toHaveLength(JOB_MAX_ATTEMPTS);
    const [failed] = await jobs();
    expect(failed).toMatchObject({
      status: 'failed',
      attempts: JOB_MAX_ATTEMPTS,
      payload_sealed: null,
      lease_owner: null,
    });
    t.clock.advance(DAY);
    expect(await r.runOnce()).toBe(0);

    // A job nobody ran (no runner started) goes a day after it was queued.
    await resetJob(uniqueEmail('never-run'));
    t.clock.advance(MINUTE);
    const report = await purgeExpired(t.deps);
    expect(report.jobs).toBe(1);
    expect(await jobs()).toHaveLength(1);
    t.clock.advance(DAY);
    expect((await purgeExpired(t.deps)).jobs).toBe(1);
    expect(await jobs()).toEqual([]);
  });

  it('fails at once, without retries, a job no key opens', async () => {
    await resetJob(uniqueEmail('tampered'));
    const [job] = await jobs();
    await t.deps.db
      .updateTable('jobs')
      .set({ payload_sealed: 'v1.AAAA.AAAA.AAAA' })
      .where('id', '=', job!.id)
      .execute();
    const r = runner();
    expect(await r.runOnce()).toBe(0);
    expect(await jobs()).toMatchObject([{ status: 'failed', attempts: 1, payload_sealed: null }]);
    await purgeExpired(t.deps);
    expect(await jobs()).toEqual([]);
  });
});
