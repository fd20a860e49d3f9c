import { type Selectable, sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { SupportCasesTable } from '../db/schema.ts';

/** A case opened on /support by someone who cannot sign in. */
export interface SupportCaseRecord {
  id: string;
  contactEmail: string;
  contactEmailKey: string;
  /** The account ID or alias as the person gave it, if they did. */
  accountRef: string | null;
  /** The account that reference names, when it exists. */
  accountId: string | null;
  description: string;
  status: string;
  replies: number;
  sourceIp: string | null;
  createdAt: string;
  updatedAt: string;
}

function toSupportCase(row: Selectable<SupportCasesTable>): SupportCaseRecord {
  return {
    id: row.id,
    contactEmail: row.contact_email,
    contactEmailKey: row.contact_email_key,
    accountRef: row.account_ref,
    accountId: row.account_id,
    description: row.description,
    status: row.status,
    replies: row.replies,
    sourceIp: row.source_ip,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A new case: it has no replies yet. */
export async function insertCase(db: Db, c: Omit<SupportCaseRecord, 'replies'>): Promise<void> {
  await db
    .insertInto('support_cases')
    .values({
      id: c.id,
      contact_email: c.contactEmail,
      contact_email_key: c.contactEmailKey,
      account_ref: c.accountRef,
      account_id: c.accountId,
      description: c.description,
      status: c.status,
      source_ip: c.sourceIp,
      created_at: c.createdAt,
      updated_at: c.updatedAt,
    })
    .execute();
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

export async function listCases(
  db: Db,
  status: 'open' | 'closed' | 'all',
  limit: number,
): Promise<SupportCaseRecord[]> {
  let q = db.selectFrom('support_cases').selectAll();
  if (status !== 'all') q = q.where('status', '=', status);
  return (await q.orderBy('created_at', 'desc').limit(limit).execute()).map(toSupportCase);
}

export async function findCase(db: Db, id: string): Promise<SupportCaseRecord | null> {
  const row = await db.selectFrom('support_cases').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toSupportCase(row) : null;
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
