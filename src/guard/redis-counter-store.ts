import { Redis } from 'ioredis';
import { type BucketRule, type CounterStore, type FailureCount, gcraLevel } from './counter-store.ts';

/** Failure counts are kept this long after the last failure; a success clears them at once. */
const FAILURE_TTL_MS = 30 * 24 * 3600_000;

// GCRA in one script, so the read and the write are a single atomic step in Redis.
const TAKE = `
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local base = math.max(tat, now)
local nextTat = base + interval
if nextTat - now > burst * interval then return 0 end
redis.call('SET', KEYS[1], string.format('%d', nextTat), 'PX', string.format('%d', nextTat - now + 1000))
return 1
`;

const ADD_FAILURE = `
local n = redis.call('HINCRBY', KEYS[1], 'failures', 1)
redis.call('HSET', KEYS[1], 'last', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return n
`;

// Compare-and-set: one more failure only while the count is still the one the caller read.
const ADD_FAILURE_IF = `
local n = tonumber(redis.call('HGET', KEYS[1], 'failures') or '0')
if n ~= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], 'failures', n + 1, 'last', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

const REMOVE_FAILURE = `
local n = tonumber(redis.call('HGET', KEYS[1], 'failures') or '0')
if n <= 0 then return 0 end
local untouched = n == tonumber(ARGV[1]) and redis.call('HGET', KEYS[1], 'last') == ARGV[2]
redis.call('HSET', KEYS[1], 'failures', n - 1)
if untouched and ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'last', ARGV[3]) end
return n
`;

/** Counters in Redis (`REDIS_URL`), for deployments whose database should not take every attempt. */
export class RedisCounterStore implements CounterStore {
  readonly kind = 'redis';
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(url: string, options: { prefix?: string } = {}) {
    this.#redis = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
    this.#prefix = options.prefix ?? 'gatehouse:';
  }

  /** Each step is atomic in Redis on its own: no database transaction changes that. */
  within(): CounterStore {
    return this;
  }

  async take(key: string, rule: BucketRule, nowMs: number): Promise<boolean> {
    const result = await this.#redis.eval(
      TAKE,
      1,
      `${this.#prefix}b:${key}`,
      Math.floor(nowMs),
      rule.intervalMs,
      rule.burst,
    );
    return Number(result) === 1;
  }

  async level(key: string, rule: BucketRule, nowMs: number): Promise<number> {
    return gcraLevel(Number((await this.#redis.get(`${this.#prefix}b:${key}`)) ?? 0), rule, nowMs);
  }

  async addFailure(key: string, nowIso: string): Promise<number> {
    return Number(await this.#redis.eval(ADD_FAILURE, 1, `${this.#prefix}f:${key}`, nowIso, FAILURE_TTL_MS));
  }

  async addFailureIf(key: string, expected: number, nowIso: string): Promise<boolean> {
    return (
      Number(await this.#redis.eval(ADD_FAILURE_IF, 1, `${this.#prefix}f:${key}`, nowIso, FAILURE_TTL_MS, expected)) ===
      1
    );
  }

  async removeFailure(key: string, added: FailureCount, previousAt: string | null): Promise<void> {
    await this.#redis.eval(
      REMOVE_FAILURE,
      1,
      `${this.#prefix}f:${key}`,
      added.failures,
      added.lastFailureAt,
      previousAt ?? '',
    );
  }

  async failures(key: string): Promise<FailureCount | null> {
    const row = await this.#redis.hgetall(`${this.#prefix}f:${key}`);
    if (!row.failures) return null;
    return { failures: Number(row.failures), lastFailureAt: row.last ?? '' };
  }

  async clearFailures(key: string): Promise<void> {
    await this.#redis.del(`${this.#prefix}f:${key}`);
  }

  async claimOnce(key: string, expiresMs: number, nowMs: number): Promise<boolean> {
    const ttl = Math.max(1, Math.ceil(expiresMs - nowMs));
    return (await this.#redis.set(`${this.#prefix}o:${key}`, '1', 'PX', ttl, 'NX')) === 'OK';
  }

  async close(): Promise<void> {
    if (this.#redis.status !== 'end') await this.#redis.quit().catch(() => undefined);
  }
}
