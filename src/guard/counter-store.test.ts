import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../../test/support/databases.ts';
import { TEST_REDIS_URL, redisAnswers } from '../../test/support/redis.ts';
import type { CounterStore } from './counter-store.ts';
import { DatabaseCounterStore } from './counter.repository.ts';
import { RedisCounterStore } from './redis-counter-store.ts';

const REDIS_URL = TEST_REDIS_URL;
const HAS_REDIS = await redisAnswers();
if (!HAS_REDIS)
  process.stdout.write(
    `\n[gatehouse tests] no Redis at ${REDIS_URL}: the Redis counter suite is SKIPPED; CI always runs it.\n\n`,
  );

type Setup = { name: string; open(): Promise<{ stores: [CounterStore, CounterStore]; close(): Promise<void> }> };

const setups: Setup[] = DIALECTS.map((dialect) => ({
  name: `database (${dialect})`,
  async open() {
    const database: TestDatabase = await createTestDatabase(dialect);
    // Two handles on one database: two server instances sharing it (SQLite in-memory is one process, one handle).
    if (dialect === 'postgres') {
      const { openDatabase } = await import('../db/database.ts');
      const second = openDatabase(database.url, { schema: database.schema! });
      return {
        stores: [new DatabaseCounterStore(database.handle.db), new DatabaseCounterStore(second.db)],
        close: async () => {
          await second.close();
          await database.close();
        },
      };
    }
    const store = new DatabaseCounterStore(database.handle.db);
    return { stores: [store, store], close: () => database.close() };
  },
}));
if (HAS_REDIS) {
  setups.push({
    name: 'redis',
    async open() {
      const prefix = `gh-test-${randomBytes(4).toString('hex')}:`;
      const a = new RedisCounterStore(REDIS_URL, { prefix });
      const b = new RedisCounterStore(REDIS_URL, { prefix });
      return {
        stores: [a, b],
        close: async () => {
          await a.close();
          await b.close();
        },
      };
    },
  });
}

describe.each(setups)('counter store: $name', (setup) => {
  let stores: [CounterStore, CounterStore];
  let close: () => Promise<void>;
  beforeAll(async () => ({ stores, close } = await setup.open()));
  afterAll(() => close());
  const now = Date.parse('2026-11-29T12:00:00Z');

  it('counts 50 parallel failures against one key exactly, from two instances', async () => {
    const counts = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        stores[i % 2]!.addFailure('id:password:root:victim@example.com', new Date(now).toISOString()),
      ),
    );
    expect((await stores[0].failures('id:password:root:victim@example.com'))?.failures).toBe(50);
    // Every increment returned a distinct count: no two requests saw the same value.
    expect(new Set(counts).size).toBe(50);
    await stores[1].clearFailures('id:password:root:victim@example.com');
    expect(await stores[0].failures('id:password:root:victim@example.com')).toBeNull();
  });

  it('lets exactly one of 50 racing compare-and-sets add a failure, and a refund puts the count and its time back', async () => {
    const key = 'id:password:root:race@example.com';
    const at = (s: number) => new Date(now + s * 1000).toISOString();
    const first = await Promise.all(Array.from({ length: 50 }, (_, i) => stores[i % 2]!.addFailureIf(key, 0, at(1))));
    expect(first.filter(Boolean)).toHaveLength(1);
    const second = await Promise.all(Array.from({ length: 50 }, (_, i) => stores[i % 2]!.addFailureIf(key, 1, at(2))));
    expect(second.filter(Boolean)).toHaveLength(1);
    expect(await stores[0].addFailureIf(key, 1, at(3))).toBe(false);
    expect(await stores[0].failures(key)).toEqual({ failures: 2, lastFailureAt: at(2) });
    await stores[1].removeFailure(key, { failures: 2, lastFailureAt: at(2) }, at(1));
    expect(await stores[0].failures(key)).toEqual({ failures: 1, lastFailureAt: at(1) });
    // Someone counted another failure since: the count goes down, the newer time stays.
    expect(await stores[0].addFailureIf(key, 1, at(4))).toBe(true);
    await stores[1].removeFailure(key, { failures: 1, lastFailureAt: at(1) }, null);
    expect(await stores[0].failures(key)).toEqual({ failures: 1, lastFailureAt: at(4) });
    await stores[0].clearFailures(key);
  });

  it("lets exactly a bucket's burst through when 50 requests race for it, then refills with time", async () => {
    const rule = { burst: 10, intervalMs: 6_000 };
    const taken = await Promise.all(
      Array.from({ length: 50 }, (_, i) => stores[i % 2]!.take('ip:203.0.113.9', rule, now)),
    );
    expect(taken.filter(Boolean)).toHaveLength(10);
    expect(await stores[0].level('ip:203.0.113.9', rule, now)).toBe(0);
    expect(await stores[0].take('ip:203.0.113.9', rule, now + 5_999)).toBe(false);
    expect(await stores[1].take('ip:203.0.113.9', rule, now + 6_000)).toBe(true);
    expect(await stores[0].level('ip:203.0.113.9', rule, now + 120_000)).toBe(10);
  });

  it('claims a single-use marker once, however many race for it, and again only after it expires', async () => {
    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, i) => stores[i % 2]!.claimOnce('check:abc', now + 600_000, now)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await stores[0].claimOnce('check:abc', now + 600_000, now + 599_000)).toBe(false);
  });
});
