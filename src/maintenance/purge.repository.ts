import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

/** Each delete is one statement, so each is atomic on its own; all return the rows removed. */

const count = (result: { numDeletedRows: bigint }) => Number(result.numDeletedRows);

/** Sessions past their absolute end or idle for longer than the idle timeout. */
export async function deleteEndedSessions(db: Db, now: string, idleSince: string): Promise<number> {
  return count(
    await db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleSince)]))
      .executeTakeFirst(),
  );
}

/** MFA sign-in steps and WebAuthn challenges that can no longer be completed. */
export async function deleteExpiredMfaSteps(db: Db, now: string): Promise<number> {
  const steps = await db.deleteFrom('mfa_sign_in_steps').where('expires_at', '<=', now).executeTakeFirst();
  const challenges = await db.deleteFrom('mfa_challenges').where('expires_at', '<=', now).executeTakeFirst();
  return count(steps) + count(challenges);
}

/** Reset, verification and other one-time links and codes that expired before `before` (used ones expire too). */
export async function deleteOldTokens(db: Db, before: string): Promise<number> {
  return count(await db.deleteFrom('one_time_tokens').where('expires_at', '<=', before).executeTakeFirst());
}

export async function deleteOldUnlockLinks(db: Db, before: string): Promise<number> {
  return count(await db.deleteFrom('throttle_unlocks').where('expires_at', '<=', before).executeTakeFirst());
}

/** STS temporary credentials that expired before `before`. */
export async function deleteOldSessionCredentials(db: Db, before: string): Promise<number> {
  return count(await db.deleteFrom('session_credentials').where('expires_at', '<=', before).executeTakeFirst());
}

export async function deleteOldMfaRecoveries(db: Db, before: string): Promise<number> {
  return count(await db.deleteFrom('mfa_recoveries').where('expires_at', '<=', before).executeTakeFirst());
}

/** Mail and phone messages that were sent or gave up before `before`; queued ones stay. */
export async function deleteDeliveredMessages(db: Db, before: string): Promise<number> {
  const mail = await db
    .deleteFrom('mail_outbox')
    .where('status', 'in', ['sent', 'failed'])
    .where('created_at', '<=', before)
    .executeTakeFirst();
  const phone = await db
    .deleteFrom('phone_outbox')
    .where('status', 'in', ['sent', 'failed'])
    .where('created_at', '<=', before)
    .executeTakeFirst();
  return count(mail) + count(phone);
}

/** "Ask my administrator" requests older than `before`, answered or not. */
export async function deleteOldHelpRequests(db: Db, before: string): Promise<number> {
  return count(await db.deleteFrom('password_help_requests').where('created_at', '<=', before).executeTakeFirst());
}

/** Each principal's remembered password hashes beyond its newest `keep`. */
export async function trimPasswordHistory(db: Db, keep: number): Promise<number> {
  const ranked = db
    .selectFrom('password_history')
    .select([
      'id',
      sql<number>`row_number() over (partition by principal_id order by created_at desc, id desc)`.as('rank'),
    ])
    .as('ranked');
  const surplus = db.selectFrom(ranked).select('ranked.id').where('ranked.rank', '>', keep);
  return count(await db.deleteFrom('password_history').where('id', 'in', surplus).executeTakeFirst());
}

/** Rate buckets that have refilled (an absent bucket is a full one) and spent security-check markers. */
export async function deleteIdleThrottleRows(db: Db, nowMs: number): Promise<number> {
  const buckets = await db.deleteFrom('throttle_buckets').where('tat_ms', '<=', nowMs).executeTakeFirst();
  const once = await db.deleteFrom('throttle_once').where('expires_ms', '<', nowMs).executeTakeFirst();
  return count(buckets) + count(once);
}

/** Jobs that failed for good (their payload already erased), and any job queued before `before`. */
export async function deleteLeftoverJobs(db: Db, before: string): Promise<number> {
  return count(
    await db
      .deleteFrom('jobs')
      .where((eb) => eb.or([eb('status', '=', 'failed'), eb('created_at', '<=', before)]))
      .executeTakeFirst(),
  );
}
