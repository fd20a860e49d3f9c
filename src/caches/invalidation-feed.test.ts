import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { HOUR } from '../shared/clock.ts';
import { purgeExpired } from '../maintenance/purge.service.ts';
import { type Invalidation, InvalidationFeed, type InvalidationListener } from './invalidation-feed.ts';

/** A listener that writes down what it hears. */
class Heard implements InvalidationListener {
  changes: Invalidation[] = [];
  clears = 0;
  invalidate(change: Invalidation): void {
    this.changes.push(change);
  }
  clear(): void {
    this.clears++;
  }
  take(): Invalidation[] {
    const taken = this.changes;
    this.changes = [];
    return taken;
  }
}

describe.each(DIALECTS)('the invalidation feed on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(() => t.close());

  /** A feed of its own (as another process would have), never polling unless told. */
  async function feed(): Promise<{ feed: InvalidationFeed; heard: Heard }> {
    const made = new InvalidationFeed(t.deps.db, t.clock);
    const heard = new Heard();
    made.subscribe(heard);
    await made.pollNow();
    heard.take();
    return { feed: made, heard };
  }

  const lastSeq = async () =>
    Number(
      (
        await t.deps.db
          .selectFrom('cache_invalidations')
          .select('seq')
          .orderBy('seq', 'desc')
          .limit(1)
          .executeTakeFirstOrThrow()
      ).seq,
    );

  /** A row as a transaction that drew `seq` long ago would commit it now. */
  async function insertAt(seq: number, key: string): Promise<void> {
    await t.deps.db
      .insertInto('cache_invalidations')
      .values({ seq, topic: 'session', key, created_at: t.clock.now().toISOString() })
      .execute();
    // PostgreSQL's sequence goes past the numbers taken by hand, as SQLite's AUTOINCREMENT does by itself.
    if (dialect === 'postgres')
      await sql`select setval(pg_get_serial_sequence('cache_invalidations', 'seq'), (select max(seq) from cache_invalidations))`.execute(
        t.deps.db,
      );
  }

  it('tells its own process at once, and other processes once they poll', async () => {
    const here = await feed();
    const there = await feed();
    await t.deps.db.transaction().execute((tx) => here.feed.record(tx, { topic: 'principal', key: 'AIDAONE' }));
    expect(here.heard.take()).toEqual([{ topic: 'principal', key: 'AIDAONE' }]);
    // Until a poll has read the row, this process keeps nothing it names.
    expect(here.feed.isPending('principal', 'AIDAONE')).toBe(true);
    expect(there.heard.take()).toEqual([]);
    await there.feed.pollNow();
    expect(there.heard.take()).toEqual([{ topic: 'principal', key: 'AIDAONE' }]);
    await here.feed.pollNow();
    expect(here.feed.isPending('principal', 'AIDAONE')).toBe(false);
  });

  it('writes nothing for a change whose transaction rolls back', async () => {
    const here = await feed();
    const there = await feed();
    await expect(
      t.deps.db.transaction().execute(async (tx) => {
        await here.feed.record(tx, { topic: 'account', key: '111122223333' });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await there.feed.pollNow();
    expect(there.heard.take()).toEqual([]);
  });

  it('vouches for caches only within freshForMs of the start of its last poll', async () => {
    const { feed: made } = await feed();
    const { freshForMs } = made.settings;
    expect(freshForMs).toBeLessThanOrEqual(1_000);
    expect(made.isFresh(t.clock.now())).toBe(true);
    t.clock.advance(freshForMs);
    expect(made.isFresh(t.clock.now())).toBe(true);
    t.clock.advance(1);
    expect(made.isFresh(t.clock.now())).toBe(false);
    expect(new InvalidationFeed(t.deps.db, t.clock).isFresh(t.clock.now())).toBe(false);
  });

  it('empties every cache when it polls again after a lapse, since changes may have gone unread', async () => {
    const { feed: made, heard } = await feed();
    const clears = heard.clears;
    await made.pollNow();
    expect(heard.clears).toBe(clears);
    t.clock.advance(made.settings.freshForMs + 1);
    await made.pollNow();
    expect(heard.clears).toBe(clears + 1);
  });

  it('applies a row that commits after rows with larger numbers (PostgreSQL draws numbers before commit)', async () => {
    const { feed: made, heard } = await feed();
    const base = await lastSeq();
    // Numbers base+1 and base+2 are drawn; base+2 commits first.
    await insertAt(base + 2, 'second');
    await made.pollNow();
    expect(heard.take()).toEqual([{ topic: 'session', key: 'second' }]);
    await insertAt(base + 1, 'first');
    await made.pollNow();
    expect(heard.take()).toEqual([{ topic: 'session', key: 'first' }]);
    // Read once only.
    await made.pollNow();
    expect(heard.take()).toEqual([]);
  });

  it('gives up on a skipped number after gapGraceMs (its transaction rolled back)', async () => {
    const { feed: made, heard } = await feed();
    const base = await lastSeq();
    await insertAt(base + 2, 'after-the-gap');
    await made.pollNow();
    expect(heard.take()).toEqual([{ topic: 'session', key: 'after-the-gap' }]);
    t.clock.advance(made.settings.gapGraceMs + 1);
    await made.pollNow();
    // A number given up on is not read again even if a row turned up with it.
    await insertAt(base + 1, 'too-late');
    await made.pollNow();
    expect(heard.take()).toEqual([]);
  });

  it('reads, when it starts, the newest rows a transaction still open could slot in between', async () => {
    const base = (await lastSeq()) + 10;
    await insertAt(base + 2, 'committed-before-start');
    const { feed: made, heard } = await feed();
    await insertAt(base + 1, 'committed-after-start');
    await made.pollNow();
    expect(heard.take()).toEqual([{ topic: 'session', key: 'committed-after-start' }]);
  });

  it('polls in the background once started, until stopped', async () => {
    const made = new InvalidationFeed(t.deps.db, t.clock, { pollMs: 1, freshForMs: 1_000, gapGraceMs: 30_000 });
    const heard = new Heard();
    made.subscribe(heard);
    made.start();
    await t.deps.db.transaction().execute((tx) => t.deps.invalidations.record(tx, { topic: 'session', key: 'bg' }));
    await expect.poll(() => heard.changes.some((c) => c.key === 'bg')).toBe(true);
    expect(made.isFresh(t.clock.now())).toBe(true);
    await made.stop();
    expect(made.isFresh(t.clock.now())).toBe(false);
  });

  it('is purged of rows older than an hour', async () => {
    await t.deps.db.transaction().execute((tx) => t.deps.invalidations.record(tx, { topic: 'session', key: 'old' }));
    t.clock.advance(HOUR + 1);
    const report = await purgeExpired(t.deps);
    expect(report.cacheInvalidations).toBeGreaterThanOrEqual(1);
    const left = await t.deps.db.selectFrom('cache_invalidations').select('key').where('key', '=', 'old').execute();
    expect(left).toEqual([]);
  });
});
