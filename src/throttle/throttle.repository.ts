import type { Db } from '../db/database.ts';
import type { LinkStore } from '../links/link-store.ts';

/** An emailed link that lifts the hard stop on one throttle identifier. */
export interface UnlockRecord {
  id: string;
  throttleKey: string;
  secretHash: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
}

export async function insertUnlock(db: Db, row: Omit<UnlockRecord, 'usedAt'>): Promise<void> {
  await db
    .insertInto('throttle_unlocks')
    .values({
      id: row.id,
      throttle_key: row.throttleKey,
      secret_hash: row.secretHash,
      created_at: row.createdAt,
      expires_at: row.expiresAt,
      used_at: null,
    })
    .execute();
}

async function findUnlock(db: Db, id: string): Promise<UnlockRecord | null> {
  const row = await db.selectFrom('throttle_unlocks').selectAll().where('id', '=', id).executeTakeFirst();
  return row
    ? {
        id: row.id,
        throttleKey: row.throttle_key,
        secretHash: row.secret_hash,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        usedAt: row.used_at,
      }
    : null;
}

/** Marks the link used; false when it was already used or has expired (one atomic update). */
async function spendUnlock(db: Db, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('throttle_unlocks')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Unlock links, for `link.service.ts`. */
export const UNLOCK_LINKS: LinkStore<UnlockRecord, 'unlock'> = {
  find: findUnlock,
  linksOf: (unlock) => [
    {
      purpose: 'unlock',
      secretHash: unlock.secretHash,
      codeHash: null,
      usedAt: unlock.usedAt,
      cancelledAt: null,
      expiresAt: unlock.expiresAt,
    },
  ],
  spend: (db, unlock, _purpose, now) => spendUnlock(db, unlock.id, now),
};

export interface RecentFailure {
  time: string;
  sourceIp: string | null;
  reason: string | null;
}

/** A principal's latest failed console sign-ins, from the audit trail. */
export async function recentSignInFailures(
  db: Db,
  accountId: string,
  principalId: string,
  limit: number,
): Promise<RecentFailure[]> {
  const rows = await db
    .selectFrom('audit_events')
    .select(['time', 'source_ip', 'reason'])
    .where('account_id', '=', accountId)
    .where('actor_id', '=', principalId)
    .where('event_name', '=', 'ConsoleLogin')
    .where('outcome', '=', 'Failure')
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ time: r.time, sourceIp: r.source_ip, reason: r.reason }));
}
