import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { sqlLimit } from '../db/prepared.ts';

export interface InvalidationRow {
  seq: number;
  topic: string;
  key: string;
}

/** Appends a change; returns its sequence number. */
export async function insertInvalidation(db: Db, topic: string, key: string, at: string): Promise<number> {
  const row = await db
    .insertInto('cache_invalidations')
    .values({ topic, key, created_at: at })
    .returning('seq')
    .executeTakeFirstOrThrow();
  return Number(row.seq);
}

/** The changes numbered within `span` of the newest, oldest first (a range of the primary key, never a scan). */
export async function latestInvalidations(db: Db, span: number): Promise<InvalidationRow[]> {
  const rows = await db
    .selectFrom('cache_invalidations')
    .select(['seq', 'topic', 'key'])
    .where('seq', '>', sql<number>`(select coalesce(max(seq), 0) from cache_invalidations) - ${span}`)
    .orderBy('seq')
    .execute();
  return rows.map(toRow);
}

/** Changes after `seq`, oldest first, at most `limit`. */
export async function invalidationsAfter(db: Db, seq: number, limit: number): Promise<InvalidationRow[]> {
  const rows = await db
    .selectFrom('cache_invalidations')
    .select(['seq', 'topic', 'key'])
    .where('seq', '>', seq)
    .orderBy('seq')
    .limit(sqlLimit(limit))
    .execute();
  return rows.map(toRow);
}

/** The changes among these sequence numbers that are there (committed) now. */
export async function invalidationsAmong(db: Db, seqs: readonly number[]): Promise<InvalidationRow[]> {
  if (seqs.length === 0) return [];
  const rows = await db
    .selectFrom('cache_invalidations')
    .select(['seq', 'topic', 'key'])
    .where('seq', 'in', seqs)
    .execute();
  return rows.map(toRow);
}

/** Forgets changes recorded before `before`; returns how many. */
export async function deleteOldInvalidations(db: Db, before: string): Promise<number> {
  const result = await db.deleteFrom('cache_invalidations').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

function toRow(row: { seq: number | string | bigint; topic: string; key: string }): InvalidationRow {
  return { seq: Number(row.seq), topic: row.topic, key: row.key };
}
