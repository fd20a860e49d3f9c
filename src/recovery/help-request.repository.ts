import type { Db } from '../db/database.ts';

/** What an IAM user asked the administrators for: a new password, or to deactivate a lost MFA device. */
export type HelpRequestKind = 'password' | 'mfa';

export interface HelpRequestRecord {
  id: string;
  kind: HelpRequestKind;
  accountId: string;
  userId: string;
  userName: string;
  sourceIp: string | null;
  createdAt: string;
}

export async function insertHelpRequest(db: Db, r: HelpRequestRecord): Promise<void> {
  await db
    .insertInto('password_help_requests')
    .values({
      id: r.id,
      kind: r.kind,
      account_id: r.accountId,
      user_id: r.userId,
      user_name: r.userName,
      source_ip: r.sourceIp,
      created_at: r.createdAt,
    })
    .execute();
}

export async function hasPendingSince(db: Db, userId: string, kind: HelpRequestKind, since: string): Promise<boolean> {
  const row = await db
    .selectFrom('password_help_requests')
    .select('id')
    .where('user_id', '=', userId)
    .where('kind', '=', kind)
    .where('resolved_at', 'is', null)
    .where('created_at', '>', since)
    .executeTakeFirst();
  return row !== undefined;
}

type Row = {
  id: string;
  kind: string;
  account_id: string;
  user_id: string;
  user_name: string;
  source_ip: string | null;
  created_at: string;
};

function toRecord(r: Row): HelpRequestRecord {
  return {
    id: r.id,
    kind: r.kind as HelpRequestKind,
    accountId: r.account_id,
    userId: r.user_id,
    userName: r.user_name,
    sourceIp: r.source_ip,
    createdAt: r.created_at,
  };
}

/** Unresolved requests of one kind in an account, newest first. */
export async function listPendingHelpRequests(
  db: Db,
  accountId: string,
  kind: HelpRequestKind = 'password',
): Promise<HelpRequestRecord[]> {
  const rows = await db
    .selectFrom('password_help_requests')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('kind', '=', kind)
    .where('resolved_at', 'is', null)
    .orderBy('created_at', 'desc')
    .limit(50)
    .execute();
  return rows.map(toRecord);
}

/** One unresolved request of the account, of this kind; null when there is none. */
export async function findPendingHelpRequest(
  db: Db,
  accountId: string,
  id: string,
  kind: HelpRequestKind,
): Promise<HelpRequestRecord | null> {
  const row = await db
    .selectFrom('password_help_requests')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .where('kind', '=', kind)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** Closes a user's open requests of one kind (an administrator did what they asked). */
export async function resolveHelpRequestsOfUser(
  db: Db,
  userId: string,
  kind: HelpRequestKind,
  at: string,
  by: string,
): Promise<void> {
  await db
    .updateTable('password_help_requests')
    .set({ resolved_at: at, resolved_by: by })
    .where('user_id', '=', userId)
    .where('kind', '=', kind)
    .where('resolved_at', 'is', null)
    .execute();
}

/** Closes one request of the account, of this kind; null when there is no such open request. */
export async function dismissHelpRequest(
  db: Db,
  accountId: string,
  id: string,
  kind: HelpRequestKind,
  at: string,
  by: string,
): Promise<{ userId: string; userName: string } | null> {
  const row = await findPendingHelpRequest(db, accountId, id, kind);
  if (!row) return null;
  const result = await db
    .updateTable('password_help_requests')
    .set({ resolved_at: at, resolved_by: by })
    .where('id', '=', id)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return null;
  return { userId: row.userId, userName: row.userName };
}
