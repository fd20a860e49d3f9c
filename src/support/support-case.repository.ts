import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { SupportCasesTable } from '../db/schema.ts';

export type SupportCaseRow = Omit<SupportCasesTable, 'replies'> & { replies: number };

export async function insertCase(db: Db, row: Omit<SupportCaseRow, 'replies'>): Promise<void> {
  await db.insertInto('support_cases').values(row).execute();
}

export async function countCasesFromSince(db: Db, contactEmailKey: string, since: string): Promise<number> {
  const row = await db
    .selectFrom('support_cases')
    .select(sql<number>`count(*)`.as('n'))
    .where('contact_email_key', '=', contactEmailKey)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function listCases(db: Db, status: 'open' | 'closed' | 'all', limit: number): Promise<SupportCaseRow[]> {
  let q = db.selectFrom('support_cases').selectAll();
  if (status !== 'all') q = q.where('status', '=', status);
  return q.orderBy('created_at', 'desc').limit(limit).execute();
}

export async function findCase(db: Db, id: string): Promise<SupportCaseRow | null> {
  return (await db.selectFrom('support_cases').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
}

export async function noteReply(db: Db, id: string, status: 'open' | 'closed', now: string): Promise<void> {
  await db
    .updateTable('support_cases')
    .set((eb) => ({ replies: eb('replies', '+', 1), status, updated_at: now }))
    .where('id', '=', id)
    .execute();
}

/** Only whether the two addresses are the same: the root email itself never leaves this query. */
export async function rootEmailIs(db: Db, accountId: string, emailKey: string): Promise<boolean> {
  const row = await db
    .selectFrom('root_users')
    .select('account_id')
    .where('account_id', '=', accountId)
    .where('email_key', '=', emailKey)
    .executeTakeFirst();
  return row !== undefined;
}

/** The root email on file, for the recovery mail only; never returned to support staff. */
export async function rootEmailOfAccount(db: Db, accountId: string): Promise<string | null> {
  const row = await db.selectFrom('root_users').select('email').where('account_id', '=', accountId).executeTakeFirst();
  return row?.email ?? null;
}
