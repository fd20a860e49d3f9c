import { sql } from 'kysely';
import type { Db, DialectName } from '../db/database.ts';
import type { AuditEventsTable } from '../db/schema.ts';

export type AuditRow = Omit<AuditEventsTable, 'seq'>;

/**
 * Appends an event to its account's hash chain. On PostgreSQL an advisory lock per
 * chain, held until the transaction ends, keeps concurrent writers from forking it;
 * SQLite has one writer already.
 */
export async function appendAuditEvent(
  db: Db,
  dialect: DialectName,
  event: Omit<AuditRow, 'prev_hash' | 'hash'>,
  chainHash: (prevHash: string, event: Omit<AuditRow, 'prev_hash' | 'hash'>) => string,
): Promise<void> {
  const chain = event.account_id ?? '';
  if (dialect === 'postgres') {
    await sql`select pg_advisory_xact_lock(hashtext(${`audit:${chain}`}))`.execute(db);
  }
  const last = await db
    .selectFrom('audit_events')
    .select('hash')
    .where(event.account_id === null ? sql<boolean>`account_id is null` : sql<boolean>`account_id = ${chain}`)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const prevHash = last?.hash ?? '';
  await db
    .insertInto('audit_events')
    .values({ ...event, prev_hash: prevHash, hash: chainHash(prevHash, event) })
    .execute();
}

export interface AuditQuery {
  accountId: string;
  targetId?: string;
  eventName?: string;
  limit: number;
}

export async function listAuditEvents(db: Db, query: AuditQuery) {
  let q = db.selectFrom('audit_events').selectAll().where('account_id', '=', query.accountId);
  if (query.targetId) q = q.where('target_id', '=', query.targetId);
  if (query.eventName) q = q.where('event_name', '=', query.eventName);
  return q.orderBy('seq', 'desc').limit(query.limit).execute();
}

/**
 * When each of these principals last signed in with their password (a successful
 * `ConsoleLogin`), for GetUser/ListUsers `PasswordLastUsed`; absent for those who never did.
 */
export async function lastPasswordSignIns(
  db: Db,
  accountId: string,
  principalIds: readonly string[],
): Promise<Map<string, string>> {
  if (principalIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('audit_events')
    .select(['actor_id', sql<string>`max(time)`.as('last')])
    .where('account_id', '=', accountId)
    .where('actor_id', 'in', principalIds)
    .where('event_name', '=', 'ConsoleLogin')
    .where('outcome', '=', 'Success')
    .groupBy('actor_id')
    .execute();
  return new Map(rows.map((r) => [r.actor_id!, r.last]));
}
