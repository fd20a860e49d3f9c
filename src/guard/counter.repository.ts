import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { prepared } from '../db/prepared.ts';
import { type BucketRule, type CounterStore, type FailureCount, gcraLevel } from './counter-store.ts';

/** GCRA: the bucket's time when full again moves on by one interval, unless that would overfill it. */
const takeToken = prepared((db, key: string, firstTat: number, nowMs: number, intervalMs: number, span: number) => {
  const now = sql<number>`cast(${nowMs} as double precision)`;
  const base = sql<number>`(case when throttle_buckets.tat_ms > ${now} then throttle_buckets.tat_ms else ${now} end)`;
  return db
    .insertInto('throttle_buckets')
    .values({ key, tat_ms: firstTat })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet({ tat_ms: sql<number>`${base} + ${intervalMs}` })
        .where(sql<boolean>`${base} + ${intervalMs} - ${now} <= ${span}`),
    )
    .returning('key');
});
const bucketTat = prepared((db, key: string) =>
  db.selectFrom('throttle_buckets').select('tat_ms').where('key', '=', key),
);
const firstFailure = prepared((db, key: string, nowIso: string) =>
  db
    .insertInto('throttle_failures')
    .values({ key, failures: 1, last_failure_at: nowIso })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet({ failures: 1, last_failure_at: (eb) => eb.ref('excluded.last_failure_at') })
        .where('throttle_failures.failures', '=', 0),
    )
    .returning('key'),
);
const nextFailure = prepared((db, key: string, expected: number, next: number, nowIso: string) =>
  db
    .updateTable('throttle_failures')
    .set({ failures: next, last_failure_at: nowIso })
    .where('key', '=', key)
    .where('failures', '=', expected),
);
const failureCount = prepared((db, key: string) =>
  db.selectFrom('throttle_failures').select(['failures', 'last_failure_at']).where('key', '=', key),
);
const clearFailureCount = prepared((db, key: string) => db.deleteFrom('throttle_failures').where('key', '=', key));

/**
 * Counters in the database. Each change is a single `INSERT … ON CONFLICT DO UPDATE`,
 * which SQLite and PostgreSQL both apply atomically: no read-then-write, no lost update.
 */
export class DatabaseCounterStore implements CounterStore {
  readonly kind = 'database';
  #claims = 0;
  constructor(private readonly db: Db) {}

  within(db: Db): CounterStore {
    return new DatabaseCounterStore(db);
  }

  async take(key: string, rule: BucketRule, nowMs: number): Promise<boolean> {
    const { intervalMs } = rule;
    const taken = await takeToken(this.db, key, nowMs + intervalMs, nowMs, intervalMs, rule.burst * intervalMs);
    return taken.rows.length > 0;
  }

  async level(key: string, rule: BucketRule, nowMs: number): Promise<number> {
    const row = (await bucketTat(this.db, key)).rows[0];
    return gcraLevel(row ? Number(row.tat_ms) : 0, rule, nowMs);
  }

  async addFailure(key: string, nowIso: string): Promise<number> {
    const row = await this.db
      .insertInto('throttle_failures')
      .values({ key, failures: 1, last_failure_at: nowIso })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          failures: sql<number>`throttle_failures.failures + 1`,
          last_failure_at: (eb) => eb.ref('excluded.last_failure_at'),
        }),
      )
      .returning('failures')
      .executeTakeFirstOrThrow();
    return Number(row.failures);
  }

  async addFailureIf(key: string, expected: number, nowIso: string): Promise<boolean> {
    if (expected === 0) return (await firstFailure(this.db, key, nowIso)).rows.length > 0;
    return Number((await nextFailure(this.db, key, expected, expected + 1, nowIso)).numAffectedRows) === 1;
  }

  async removeFailure(key: string, added: FailureCount, previousAt: string | null): Promise<void> {
    const untouched = sql<boolean>`failures = ${added.failures} and last_failure_at = ${added.lastFailureAt}`;
    await this.db
      .updateTable('throttle_failures')
      .set({
        failures: sql<number>`failures - 1`,
        ...(previousAt
          ? { last_failure_at: sql<string>`case when ${untouched} then ${previousAt} else last_failure_at end` }
          : {}),
      })
      .where('key', '=', key)
      .where('failures', '>', 0)
      .execute();
  }

  async failures(key: string): Promise<FailureCount | null> {
    const row = (await failureCount(this.db, key)).rows[0];
    return row ? { failures: Number(row.failures), lastFailureAt: row.last_failure_at } : null;
  }

  async clearFailures(key: string): Promise<void> {
    await clearFailureCount(this.db, key);
  }

  async claimOnce(key: string, expiresMs: number, nowMs: number): Promise<boolean> {
    // Now and then, forget markers whose challenges can no longer be presented anyway.
    if (++this.#claims % 100 === 0) await this.db.deleteFrom('throttle_once').where('expires_ms', '<', nowMs).execute();
    const row = await this.db
      .insertInto('throttle_once')
      .values({ key, expires_ms: expiresMs })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet({ expires_ms: (eb) => eb.ref('excluded.expires_ms') })
          .where(sql<boolean>`throttle_once.expires_ms < cast(${nowMs} as double precision)`),
      )
      .returning('key')
      .executeTakeFirst();
    return row !== undefined;
  }

  async close(): Promise<void> {}
}
