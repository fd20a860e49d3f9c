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

/** Rows written by one statement: six parameters each, well under both databases' limits. */
const ROWS_PER_STATEMENT = 500;

/** The order rows are written in, the same in every process. */
function rowOrder(a: CountedDecision, b: CountedDecision): number {
  for (const field of ['accountId', 'minute', 'serviceArn', 'action', 'decision'] as const) {
    if (a[field] !== b[field]) return a[field] < b[field] ? -1 : 1;
  }
  return 0;
}

/**
 * Adds each decision's `count` to its minute's row, the row made when it is the minute's first.
 * The decisions must name distinct rows (PostgreSQL refuses one statement updating a row twice).
 * Rows are written in one order everywhere: two processes adding to the same rows at once then
 * wait for each other instead of deadlocking on PostgreSQL's row locks.
 */
export async function addToCounts(
  db: Db,
  unordered: ReadonlyArray<CountedDecision & { count: number }>,
): Promise<void> {
  const decisions = [...unordered].sort(rowOrder);
  for (let i = 0; i < decisions.length; i += ROWS_PER_STATEMENT) {
    await db
      .insertInto('authorization_counts')
      .values(
        decisions.slice(i, i + ROWS_PER_STATEMENT).map((d) => ({
          account_id: d.accountId,
          minute: d.minute,
          service_arn: d.serviceArn,
          action: d.action,
          decision: d.decision,
          count: d.count,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(['account_id', 'minute', 'service_arn', 'action', 'decision'])
          .doUpdateSet({ count: sql<number>`authorization_counts.count + excluded.count` }),
      )
      .execute();
  }
}
