import type { Db } from '../db/database.ts';
import type { SupportReferencesTable } from '../db/schema.ts';

export type SupportReferenceRow = SupportReferencesTable;

export async function insertSupportReference(db: Db, row: SupportReferenceRow): Promise<void> {
  await db.insertInto('support_references').values(row).execute();
}

/** The references with this code that belong to `accountId` and have not expired. */
export async function findReferencesInAccount(db: Db, accountId: string, reference: string, now: string) {
  return db
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
}

/** Failures recorded under a keyed identifier or name since `since`. */
export async function findFailuresByKey(
  db: Db,
  column: 'identifier_key' | 'name_key',
  key: string,
  since: string,
  flow?: string,
) {
  let q = db.selectFrom('support_references').selectAll().where(column, '=', key).where('created_at', '>=', since);
  if (flow) q = q.where('flow', '=', flow);
  return q.orderBy('created_at', 'desc').limit(200).execute();
}

export async function deleteExpiredReferences(db: Db, now: string): Promise<number> {
  const result = await db.deleteFrom('support_references').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
