import type { Db } from '../db/database.ts';

/**
 * The reason AssumeRole recorded for refusing the request `requestId` in the caller's account:
 * STS tells the caller one sentence whatever the reason, and writes the reason to the audit
 * trail, which is where a refused Switch role reads it from. Null when there is none.
 */
export async function assumeRefusalReason(db: Db, accountId: string, requestId: string): Promise<string | null> {
  if (!requestId) return null;
  const row = await db
    .selectFrom('audit_events')
    .select('reason')
    .where('account_id', '=', accountId)
    .where('request_id', '=', requestId)
    .where('event_name', '=', 'AssumeRole')
    .where('outcome', '=', 'Failure')
    .orderBy('seq', 'desc')
    .executeTakeFirst();
  return row?.reason ?? null;
}
