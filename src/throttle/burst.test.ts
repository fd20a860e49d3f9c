import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, PRODUCTION_THROTTLE, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, USER_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { TEST_REDIS_URL, redisAnswers } from '../../test/support/redis.ts';
import { rootIdentifier } from './unlock.service.ts';

/** An address in its own /24, so each guess comes from a fresh network and no source bucket runs dry. */
const fresh = (i: number) => `10.${Math.floor(i / 250) + 20}.${i % 250}.9`;
const OWNER_IP = '192.0.2.44';

type Target = { url: string; fields: Record<string, string>; accountId: string };

async function guess(app: FastifyInstance, target: Target, csrf: string, cookie: string, password: string, ip: string) {
  return app.inject({
    method: 'POST',
    url: target.url,
    payload: new URLSearchParams({ _csrf: csrf, ...target.fields, password }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, 'x-forwarded-for': ip },
  });
}

/** Passwords actually compared with the stored hash: every other refusal is recorded as `Throttled`. */
async function compared(t: TestContext, accountId: string): Promise<number> {
  const rows = await t.deps.db
    .selectFrom('audit_events')
    .select('reason')
    .where('account_id', '=', accountId)
    .where('event_name', '=', 'ConsoleLogin')
    .where('outcome', '=', 'Failure')
    .execute();
  return rows.filter((r) => r.reason === 'WrongPassword').length;
}

async function burst(t: TestContext, target: Target, size: number, offset: number) {
  const browser = new Browser(t.app);
  const csrf = await browser.csrf();
  const responses = await Promise.all(
    Array.from({ length: size }, (_, i) =>
      guess(t.app, target, csrf, browser.cookieHeader(), `wrong guess ${i}`, fresh(offset + i)),
    ),
  );
  expect(responses.every((r) => r.statusCode === 401)).toBe(true);
  return compared(t, target.accountId);
}

const settings: Array<{ name: string; env: Record<string, string>; bound: number }> = [
  // Back-off alone: the check is out of the way, so THROTTLE_FREE_FAILURES is the bound.
  { name: 'back-off', env: { SECURITY_CHECK_AFTER_FAILURES: '1000', THROTTLE_HARD_STOP: '50' }, bound: 5 },
  // The defaults: the security check is asked for after 3 failures, before the back-off starts.
  { name: 'defaults', env: {}, bound: 3 },
];

const redisUp = await redisAnswers();
const stores = [
  ...DIALECTS.map((dialect) => ({ dialect, redis: false })),
  ...(redisUp ? [{ dialect: 'sqlite' as const, redis: true }] : []),
];

describe.each(stores)('a parallel burst of wrong passwords on $dialect (Redis: $redis)', ({ dialect, redis }) => {
  describe.each(settings)('with $name', ({ env, bound }) => {
    let t: TestContext;
    beforeAll(async () => {
      t = await createTestContext(dialect, {
        ...PRODUCTION_THROTTLE,
        TRUST_PROXY: '127.0.0.1',
        ...env,
        ...(redis ? { REDIS_URL: TEST_REDIS_URL } : {}),
      });
    });
    afterAll(() => t.close());

    it(`compares exactly ${bound} of 40 parallel guesses at an IAM user, and the owner on a trusted device still signs in`, async () => {
      const account = await makeAccount(t.deps);
      await makeUser(t.deps, account.id, 'carol');
      const target: Target = { url: `/signin/${account.id}`, fields: { userName: 'carol' }, accountId: account.id };
      const owner = new Browser(t.app);
      const first = await owner.post(
        target.url,
        { userName: 'carol', password: USER_PASSWORD },
        { headers: { 'x-forwarded-for': OWNER_IP } },
      );
      expect(first.statusCode).toBe(303);

      const during = owner
        .csrf()
        .then((csrf) => guess(t.app, target, csrf, owner.cookieHeader(), USER_PASSWORD, OWNER_IP));
      expect(await burst(t, target, 40, 0)).toBe(bound);
      expect((await during).statusCode).toBe(303);
      const after = await guess(t.app, target, await owner.csrf(), owner.cookieHeader(), USER_PASSWORD, OWNER_IP);
      expect(after.statusCode).toBe(303);
    });

    it(`compares exactly ${bound} of 100 parallel guesses at a root email, and a second burst adds none while the back-off lasts`, async () => {
      const account = await makeAccount(t.deps);
      const target: Target = { url: '/signin/root/password', fields: { email: account.email }, accountId: account.id };
      expect(await burst(t, target, 100, 100)).toBe(bound);
      expect(await burst(t, target, 100, 200)).toBe(bound);
      // Nothing came near the hard stop.
      const state = await t.deps.guard.throttle.state(
        { identifier: rootIdentifier(account.email), deviceId: null },
        'password',
        t.clock.now(),
      );
      expect(state.stopped).toBe(false);
      expect(state.failures).toBeLessThanOrEqual(bound);
      // The right password is refused like any other guess until the back-off ends (or, with the check, until it is solved).
      const owner = new Browser(t.app);
      expect(
        (
          await owner.post(
            target.url,
            { email: account.email, password: ROOT_PASSWORD },
            { headers: { 'x-forwarded-for': OWNER_IP } },
          )
        ).statusCode,
      ).toBe(401);
    });
  });
});
