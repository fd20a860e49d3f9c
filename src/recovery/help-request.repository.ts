import type { Db } from '../db/database.ts';

export interface HelpRequestRecord {
  id: string;
  accountId: string;
  userId: string;
  userName: string;
  sourceIp: string | null;
  createdAt: string;
}

export async function insertHelpRequest(db: Db, r: HelpRequestRecord): Promise<void> {
  await db
    .insertInto('password_help_requests')
    .values({ id: r.id, account_id: r.accountId, user_id: r.userId, user_name: r.userName, source_ip: r.sourceIp, created_at: r.createdAt })
    .execute();
}

export async function hasPendingSince(db: Db, userId: string, since: string): Promise<boolean> {
  const row = await db
    .selectFrom('password_help_requests')
    .select('id')
    .where('user_id', '=', userId)
    .where('resolved_at', 'is', null)
    .where('created_at', '>', since)
    .executeTakeFirst();
  return row !== undefined;
}

/** Unresolved requests of an account, newest first. */
export async function listPendingHelpRequests(db: Db, accountId: string): Promise<HelpRequestRecord[]> {
  const rows = await db
    .selectFrom('password_help_requests')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('resolved_at', 'is', null)
    .orderBy('created_at', 'desc')
    .limit(50)
    .execute();
  return rows.map((r) => ({ id: r.id, accountId: r.account_id, userId: r.user_id, userName: r.user_name, sourceIp: r.source_ip, createdAt: r.created_at }));
}

/** One unresolved request of the account, or null. */
export async function findPendingHelpRequest(db: Db, accountId: string, id: string): Promise<HelpRequestRecord | null> {
  const r = await db
    .selectFrom('password_help_requests')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  return r ? { id: r.id, accountId: r.account_id, userId: r.user_id, userName: r.user_name, sourceIp: r.source_ip, createdAt: r.created_at } : null;
}

/** Closes a user's open requests (an administrator set their password). */
export async function resolveHelpRequestsOfUser(db: Db, userId: string, at: string, by: string): Promise<void> {
  await db
    .updateTable('password_help_requests')
    .set({ resolved_at: at, resolved_by: by })
    .where('user_id', '=', userId)
    .where('resolved_at', 'is', null)
    .execute();
}

/** Closes one request of the account; false when there is no such open request. */
export async function dismissHelpRequest(db: Db, accountId: string, id: string, at: string, by: string): Promise<{ userId: string; userName: string } | null> {
  const row = await db
    .selectFrom('password_help_requests')
    .select(['user_id', 'user_name'])
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  if (!row) return null;
  await db.updateTable('password_help_requests').set({ resolved_at: at, resolved_by: by }).where('id', '=', id).execute();
  return { userId: row.user_id, userName: row.user_name };
}
