import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { type TestContext, createTestContext } from '../../test/support/harness.ts';
import type { SessionWithPrincipal } from '../sessions/session.repository.ts';
import { InvalidationFeed } from './invalidation-feed.ts';
import { SessionCache } from './session-cache.ts';

describe.each(DIALECTS)('the session cache on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(() => t.close());

  /** A session of user `name` as the database would answer it, last seen `lastSeenAt`. */
  function reading(name: string, lastSeenAt: string): SessionWithPrincipal {
    return {
      session: {
        id: 'sessioncacheidxx',
        secretHash: 'hash',
        accountId: '123456789012',
        principalId: 'AIDACACHEDUSER',
        createdAt: lastSeenAt,
        lastSeenAt,
        expiresAt: '2999-01-01T00:00:00.000Z',
        mfaAt: null,
        mfaMethod: null,
        restriction: null,
        sourceIp: '127.0.0.1',
        userAgent: 'test',
        roleCredentialId: null,
      },
      principal: {
        type: 'user',
        accountId: '123456789012',
        accountAlias: null,
        accountName: 'cached',
        id: 'AIDACACHEDUSER',
        name,
        path: '/',
        isAdmin: false,
        permissionsBoundary: null,
        arn: `arn:aws:iam::123456789012:user/${name}`,
      },
      mfaEnabled: false,
    };
  }

  it('records activity on the session it served, and never over a newer reading kept meanwhile (a change in between)', async () => {
    const feed = new InvalidationFeed(t.deps.db, t.clock);
    const cache = new SessionCache(feed);
    await feed.pollNow();
    const now = t.clock.now();
    const id = 'sessioncacheidxx';

    await cache.load(now, async () => reading('before', '2026-01-01T00:00:00.000Z'));
    const served = cache.get(id, now)!;
    expect(served.principal?.name).toBe('before');
    cache.update(served, { ...served, session: { ...served.session, lastSeenAt: '2026-01-01T00:01:00.000Z' } });
    expect(cache.get(id, now)?.session.lastSeenAt).toBe('2026-01-01T00:01:00.000Z');

    // A request reads the kept session and goes to record its activity; meanwhile the user is
    // renamed, the feed settles the change and another request keeps the new reading.
    const stale = cache.get(id, now)!;
    await t.deps.db.transaction().execute((tx) => feed.record(tx, { topic: 'principal', key: 'AIDACACHEDUSER' }));
    expect(cache.get(id, now)).toBeUndefined();
    await feed.pollNow();
    await cache.load(now, async () => reading('after', '2026-01-01T00:01:00.000Z'));
    expect(cache.get(id, now)?.principal?.name).toBe('after');

    // The first request's activity, made from what it read before the rename, changes nothing kept.
    cache.update(stale, { ...stale, session: { ...stale.session, lastSeenAt: '2026-01-01T00:02:00.000Z' } });
    expect(cache.get(id, now)?.principal?.name).toBe('after');
    expect(cache.get(id, now)?.session.lastSeenAt).toBe('2026-01-01T00:01:00.000Z');
  });
});
