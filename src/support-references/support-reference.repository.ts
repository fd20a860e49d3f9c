import type { Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { SupportReferencesTable } from '../db/schema.ts';

/** A failed attempt's reference, kept 30 days beside its audit event (see `support_references` in the schema). */
export interface SupportReferenceRecord {
  id: string;
  reference: string;
  accountId: string | null;
  auditEventId: string;
  flow: string;
  reason: string;
  /** Keyed hash (HMAC) of the identifier typed into a sign-in form; never the text. */
  identifierKey: string | null;
  /** Keyed hash (HMAC) of the user name typed into a sign-in form; never the text. */
  nameKey: string | null;
  createdAt: string;
  expiresAt: string;
}

function toSupportReference(row: Selectable<SupportReferencesTable>): SupportReferenceRecord {
  return {
    id: row.id,
    reference: row.reference,
    accountId: row.account_id,
    auditEventId: row.audit_event_id,
    flow: row.flow,
    reason: row.reason,
    identifierKey: row.identifier_key,
    nameKey: row.name_key,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

export async function insertSupportReference(db: Db, ref: SupportReferenceRecord): Promise<void> {
  await db
    .insertInto('support_references')
    .values({
      id: ref.id,
      reference: ref.reference,
      account_id: ref.accountId,
      audit_event_id: ref.auditEventId,
      flow: ref.flow,
      reason: ref.reason,
      identifier_key: ref.identifierKey,
      name_key: ref.nameKey,
      created_at: ref.createdAt,
      expires_at: ref.expiresAt,
    })
    .execute();
}

/** A reference of the account with the audit event it belongs to: who failed, on whom, from where. */
export interface ReferenceInAccount {
  reference: string;
  flow: string;
  reason: string;
  createdAt: string;
  actorName: string | null;
  actorId: string | null;
  targetName: string | null;
  sourceIp: string | null;
  userAgent: string | null;
}

/** The references with this code that belong to `accountId` and have not expired. */
export async function findReferencesInAccount(
  db: Db,
  accountId: string,
  reference: string,
  now: string,
): Promise<ReferenceInAccount[]> {
  const rows = await db
    .selectFrom('support_references')
    .innerJoin('audit_events', 'audit_events.id', 'support_references.audit_event_id')
    .select([
      'support_references.reference',
      'support_references.flow',
      'support_references.reason',
      'support_references.created_at',
      'audit_events.actor_name',
      'audit_events.actor_id',
      'audit_events.target_name',
      'audit_events.source_ip',
      'audit_events.user_agent',
    ])
    .where('support_references.account_id', '=', accountId)
    .where('support_references.reference', '=', reference)
    .where('support_references.expires_at', '>', now)
    .orderBy('support_references.created_at', 'desc')
    .execute();
  return rows.map((r) => ({
    reference: r.reference,
    flow: r.flow,
    reason: r.reason,
    createdAt: r.created_at,
    actorName: r.actor_name,
    actorId: r.actor_id,
    targetName: r.target_name,
    sourceIp: r.source_ip,
    userAgent: r.user_agent,
  }));
}

/** Failures recorded under a keyed identifier or name since `since`. */
export async function findFailuresByKey(
  db: Db,
  by: 'identifierKey' | 'nameKey',
  key: string,
  since: string,
  flow?: string,
): Promise<SupportReferenceRecord[]> {
  let q = db
    .selectFrom('support_references')
    .selectAll()
    .where(by === 'identifierKey' ? 'identifier_key' : 'name_key', '=', key)
    .where('created_at', '>=', since);
  if (flow) q = q.where('flow', '=', flow);
  return (await q.orderBy('created_at', 'desc').limit(200).execute()).map(toSupportReference);
}

export async function deleteExpiredReferences(db: Db, now: string): Promise<number> {
  const result = await db.deleteFrom('support_references').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
