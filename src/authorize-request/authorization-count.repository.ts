import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

/** One decision of the authorization API, as its minute's count keeps it. */
export interface CountedDecision {
  accountId: string;
  /** `YYYY-MM-DDTHH:MM`, UTC. */
  minute: string;
  serviceArn: string;
  action: string;
  decision: 'Allow' | 'Deny';
}

/** `YYYY-MM-DDTHH:MM` (UTC): the minute a count belongs to. */
export function minuteOf(time: Date): string {
  return time.toISOString().slice(0, 16);
}

/** Deletes the counts of minutes before `minute` (`YYYY-MM-DDTHH:MM`); how many rows went. */
export async function deleteCountsBefore(db: Db, minute: string): Promise<number> {
  const result = await db.deleteFrom('authorization_counts').where('minute', '<', minute).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Adds one to the decision's count for its minute: one statement, the row made when it is the minute's first. */
export async function countDecision(db: Db, d: CountedDecision): Promise<void> {
  await db
    .insertInto('authorization_counts')
    .values({
      account_id: d.accountId,
      minute: d.minute,
      service_arn: d.serviceArn,
      action: d.action,
      decision: d.decision,
      count: 1,
    })
    .onConflict((oc) =>
      oc
        .columns(['account_id', 'minute', 'service_arn', 'action', 'decision'])
        .doUpdateSet({ count: sql<number>`authorization_counts.count + 1` }),
    )
    .execute();
}
