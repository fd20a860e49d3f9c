import { type Selectable, sql } from 'kysely';
import type { Db, DialectName } from '../db/database.ts';
import { prepared, sqlLimit } from '../db/prepared.ts';
import type { AuditEventsTable } from '../db/schema.ts';

/** What an event says: every field its chain hash covers. */
export interface AuditEventFields {
  id: string;
  time: string;
  accountId: string | null;
  actorType: string;
  actorId: string | null;
  actorName: string | null;
  eventName: string;
  outcome: string | null;
  reason: string | null;
  targetId: string | null;
  targetName: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  requestId: string | null;
  details: string | null;
}

/** An audit event as stored: what it says, its place in the table, and its link in its account's chain. */
export interface AuditEventRecord extends AuditEventFields {
  seq: number;
  prevHash: string;
  hash: string;
}

export function toAuditEvent(row: Selectable<AuditEventsTable>): AuditEventRecord {
  return {
    seq: Number(row.seq),
    id: row.id,
    time: row.time,
    accountId: row.account_id,
    actorType: row.actor_type,
    actorId: row.actor_id,
    actorName: row.actor_name,
    eventName: row.event_name,
    outcome: row.outcome,
    reason: row.reason,
    targetId: row.target_id,
    targetName: row.target_name,
    sourceIp: row.source_ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** The hash of the last event in an account's chain, and in the chain of events of no account. */
const lastHashOf = prepared((db, accountId: string) =>
  db
    .selectFrom('audit_events')
    .select('hash')
    .where('account_id', '=', accountId)
    .orderBy('seq', 'desc')
    .limit(sqlLimit(1)),
);
const lastHashOfNoAccount = prepared((db) =>
  db
    .selectFrom('audit_events')
    .select('hash')
    .where('account_id', 'is', null)
    .orderBy('seq', 'desc')
    .limit(sqlLimit(1)),
);
const insertEvent = prepared(
  (
    db,
    id: string,
    time: string,
    accountId: string | null,
    actorType: string,
    actorId: string | null,
    actorName: string | null,
    eventName: string,
    outcome: string | null,
    reason: string | null,
    targetId: string | null,
    targetName: string | null,
    sourceIp: string | null,
    userAgent: string | null,
    requestId: string | null,
    details: string | null,
    prevHash: string,
    hash: string,
  ) =>
    db.insertInto('audit_events').values({
      id,
      time,
      account_id: accountId,
      actor_type: actorType,
      actor_id: actorId,
      actor_name: actorName,
      event_name: eventName,
      outcome,
      reason,
      target_id: targetId,
      target_name: targetName,
      source_ip: sourceIp,
      user_agent: userAgent,
      request_id: requestId,
      details,
      prev_hash: prevHash,
      hash,
    }),
);

/**
 * Appends an event to its account's hash chain, inside a transaction (`recordAudit` sees to it:
 * two appends interleaved outside one would both link to the same event). On PostgreSQL an
 * advisory lock per chain, held until the transaction ends, keeps concurrent writers from
 * forking it; SQLite has one writer already.
 */
export async function appendAuditEvent(
  db: Db,
  dialect: DialectName,
  event: AuditEventFields,
  chainHash: (prevHash: string, event: AuditEventFields) => string,
): Promise<void> {
  const chain = event.accountId ?? '';
  if (dialect === 'postgres') {
    await sql`select pg_advisory_xact_lock(hashtext(${`audit:${chain}`}))`.execute(db);
  }
  const last = event.accountId === null ? await lastHashOfNoAccount(db) : await lastHashOf(db, event.accountId);
  const prevHash = last.rows[0]?.hash ?? '';
  const e = event;
  await insertEvent(
    db,
    e.id,
    e.time,
    e.accountId,
    e.actorType,
    e.actorId,
    e.actorName,
    e.eventName,
    e.outcome,
    e.reason,
    e.targetId,
    e.targetName,
    e.sourceIp,
    e.userAgent,
    e.requestId,
    e.details,
    prevHash,
    chainHash(prevHash, event),
  );
}

export interface AuditQuery {
  accountId: string;
  targetId?: string;
  eventName?: string;
  limit: number;
}

export async function listAuditEvents(db: Db, query: AuditQuery): Promise<AuditEventRecord[]> {
  let q = db.selectFrom('audit_events').selectAll().where('account_id', '=', query.accountId);
  if (query.targetId) q = q.where('target_id', '=', query.targetId);
  if (query.eventName) q = q.where('event_name', '=', query.eventName);
  return (await q.orderBy('seq', 'desc').limit(query.limit).execute()).map(toAuditEvent);
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
