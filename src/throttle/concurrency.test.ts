import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { openDatabase } from '../db/database.ts';
import { PasswordHasher } from '../passwords/password-hasher.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount } from '../../test/support/fixtures.ts';
import { TEST_REDIS_URL, redisAnswers } from '../../test/support/redis.ts';
import { createGuard } from '../guard/guard.ts';
import { rootIdentifier } from './unlock.service.ts';

async function wrongGuess(app: FastifyInstance, browser: Browser, csrf: string, email: string, i: number) {
  return app.inject({
    method: 'POST',
    url: '/signin/root/password',
    payload: new URLSearchParams({ _csrf: csrf, email, password: `guess ${i}` }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: browser.cookieHeader() },
  });
}

async function failuresOf(t: TestContext, email: string): Promise<number> {
  return (
    await t.deps.guard.throttle.state({ identifier: rootIdentifier(email), deviceId: null }, 'password', t.clock.now())
  ).failures;
}

describe.each(DIALECTS)('failure counting under concurrency on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => (t = await createTestContext(dialect)));
  afterAll(() => t.close());

  it('counts 50 parallel wrong guesses against one identifier, none lost', async () => {
    const account = await makeAccount(t.deps);
    const browser = new Browser(t.app);
    const csrf = await browser.csrf();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => wrongGuess(t.app, browser, csrf, account.email, i)),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(50).fill(401));
    expect(await failuresOf(t, account.email)).toBe(50);
  });
});

describe.skipIf(!DIALECTS.includes('postgres'))('failure counting across two instances sharing one PostgreSQL', () => {
  let t: TestContext;
  let second: FastifyInstance;
  let secondDb: ReturnType<typeof openDatabase>;
  beforeAll(async () => {
    t = await createTestContext('postgres');
    secondDb = openDatabase(t.database.url, { schema: t.database.schema! });
    const hasher = new PasswordHasher(t.config.argon2, {
      concurrency: t.config.hashConcurrency,
      queueLimit: t.config.hashQueueLimit,
    });
    second = await buildApp(
      t.config,
      { ...t.deps, db: secondDb.db, hasher, guard: createGuard(t.config, secondDb.db, t.deps.keyring, t.clock) },
      { logger: false },
    );
    await second.ready();
  });
  afterAll(async () => {
    await second.close();
    await secondDb.close();
    await t.close();
  });

  it('counts 50 parallel wrong guesses split over both instances, none lost', async () => {
    const account = await makeAccount(t.deps);
    const browser = new Browser(t.app);
    const csrf = await browser.csrf();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => wrongGuess(i % 2 ? second : t.app, browser, csrf, account.email, i)),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(50).fill(401));
    expect(await failuresOf(t, account.email)).toBe(50);
  });
});

describe('hash queue overload', () => {
  let t: TestContext;
  // Hashes at the configured cost, so a full queue is what refuses requests and stalls are measured against real work.
  beforeAll(async () => {
    t = await createTestContext('sqlite', { HASH_CONCURRENCY: '1', HASH_QUEUE_LIMIT: '2' }, { productionHasher: true });
  });
  afterAll(() => t.close());

  it('answers 503 with Retry-After at once when the queue is full, and the event loop keeps turning', async () => {
    const account = await makeAccount(t.deps);
    const browser = new Browser(t.app);
    const csrf = await browser.csrf();
    await wrongGuess(t.app, browser, csrf, 'warm-up@example.com', 0);
    const lag = monitorEventLoopDelay({ resolution: 5 });
    lag.enable();
    const timed = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const started = performance.now();
        const response = await wrongGuess(t.app, browser, csrf, i % 2 ? account.email : `nobody-${i}@example.com`, i);
        return {
          status: response.statusCode,
          retryAfter: response.headers['retry-after'],
          ms: performance.now() - started,
        };
      }),
    );
    lag.disable();
    const busy = timed.filter((r) => r.status === 503);
    const checked = timed.filter((r) => r.status === 401);
    expect(busy.length).toBeGreaterThan(20);
    expect(checked.length).toBeGreaterThanOrEqual(1);
    expect(busy.every((r) => r.retryAfter === '1')).toBe(true);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    // Refused requests finish well before those that waited for a hash…
    expect(median(busy.map((r) => r.ms))).toBeLessThan(median(checked.map((r) => r.ms)));
    // …and no single stall of the event loop came near the time one checked attempt took.
    expect(lag.max / 1e6).toBeLessThan(Math.max(...checked.map((r) => r.ms)));
  });
});

const REDIS_URL = TEST_REDIS_URL;
const redisUp = await redisAnswers();

describe.skipIf(!redisUp)('failure counting with REDIS_URL set', () => {
  let t: TestContext;
  beforeAll(async () => (t = await createTestContext('sqlite', { REDIS_URL })));
  afterAll(() => t.close());

  it('keeps the counters in Redis and counts 50 parallel wrong guesses exactly', async () => {
    const account = await makeAccount(t.deps);
    const browser = new Browser(t.app);
    const csrf = await browser.csrf();
    await Promise.all(Array.from({ length: 50 }, (_, i) => wrongGuess(t.app, browser, csrf, account.email, i)));
    expect(await failuresOf(t, account.email)).toBe(50);
    expect(t.deps.guard.throttle.store.constructor.name).toBe('RedisCounterStore');
    const rows = await t.deps.db.selectFrom('throttle_failures').selectAll().execute();
    expect(rows).toEqual([]);
  });
});
