import type { Db } from '../db/database.ts';

export interface JobRecord {
  id: string;
  kind: string;
  payloadSealed: string | null;
  attempts: number;
  leaseOwner: string | null;
  createdAt: string;
}

/** One statement, the same for every job of a kind: nothing in it depends on what the payload names. */
export async function insertJob(
  db: Db,
  job: { id: string; kind: string; payloadSealed: string; createdAt: string },
): Promise<void> {
  await db
    .insertInto('jobs')
    .values({
      id: job.id,
      kind: job.kind,
      payload_sealed: job.payloadSealed,
      status: 'queued',
      attempts: 0,
      next_attempt_at: job.createdAt,
      created_at: job.createdAt,
    })
    .execute();
}

/** IDs of jobs that are due, or whose claim has lapsed (a runner died mid-job), oldest first. */
export async function dueJobIds(db: Db, now: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('jobs')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'queued'), eb('next_attempt_at', '<=', now)]),
        eb.and([eb('status', '=', 'running'), eb('lease_until', '<=', now)]),
      ]),
    )
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Claims one job for one runner: a single conditional UPDATE, so when several instances race
 * for the same row exactly one changes it (PostgreSQL re-checks the WHERE after the row lock;
 * SQLite has one writer). A claim past its lease is taken over the same way.
 */
export async function claimJob(db: Db, id: string, owner: string, now: string, leaseUntil: string): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set((eb) => ({ status: 'running', lease_owner: owner, lease_until: leaseUntil, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'queued'), eb('next_attempt_at', '<=', now)]),
        eb.and([eb('status', '=', 'running'), eb('lease_until', '<=', now)]),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findJob(db: Db, id: string): Promise<JobRecord | null> {
  const row = await db
    .selectFrom('jobs')
    .select(['id', 'kind', 'payload_sealed', 'attempts', 'lease_owner', 'created_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row
    ? {
        id: row.id,
        kind: row.kind,
        payloadSealed: row.payload_sealed,
        attempts: Number(row.attempts),
        leaseOwner: row.lease_owner,
        createdAt: row.created_at,
      }
    : null;
}

/** Removes a finished job, only while `owner` still holds its claim; false when it does not. */
export async function deleteClaimedJob(db: Db, id: string, owner: string): Promise<boolean> {
  const result = await db
    .deleteFrom('jobs')
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** A failed attempt: the job waits until `nextAttemptAt`, or (`final`) fails for good with its payload erased. */
export async function releaseFailedJob(
  db: Db,
  id: string,
  owner: string,
  outcome: { error: string; nextAttemptAt: string; final: boolean },
): Promise<void> {
  await db
    .updateTable('jobs')
    .set({
      status: outcome.final ? 'failed' : 'queued',
      next_attempt_at: outcome.nextAttemptAt,
      lease_owner: null,
      lease_until: null,
      last_error: outcome.error.slice(0, 200),
      ...(outcome.final ? { payload_sealed: null } : {}),
    })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'running')
    .execute();
}
