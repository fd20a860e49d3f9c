import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { type TestContext, createTestContext } from '../../test/support/harness.ts';
import { makeAccount } from '../../test/support/fixtures.ts';
import { twoInstances } from '../../test/support/instances.ts';
import { type CountedDecision, minuteOf } from './authorization-count.repository.ts';
import { COUNT_FLUSH_MS, DecisionCounts } from './decision-counts.ts';

describe.each(DIALECTS)('decision counts (%s)', (dialect) => {
  let t: TestContext;
  let decision: CountedDecision;
  beforeEach(async () => {
    t = await createTestContext(dialect);
    const account = await makeAccount(t.deps);
    decision = {
      accountId: account.id,
      minute: minuteOf(t.clock.now()),
      serviceArn: `arn:aws:iam::${account.id}:user/notes-service`,
      action: 'notes:GetNote',
      decision: 'Allow',
    };
  });
  afterEach(async () => {
    await t.close();
  });

  async function counted(): Promise<Array<[string, string, number]>> {
    const rows = await t.deps.db
      .selectFrom('authorization_counts')
      .select(['action', 'decision', 'count'])
      .orderBy('action')
      .orderBy('decision')
      .execute();
    return rows.map((r) => [r.action, r.decision, Number(r.count)]);
  }

  it('sums decisions in memory, adds them to the rows already written, and keeps them when a write fails', async () => {
    const counts = new DecisionCounts(t.deps.db);
    for (let i = 0; i < 3; i++) counts.add(decision);
    counts.add({ ...decision, decision: 'Deny' });
    expect(await counted()).toEqual([]);
    await counts.flush();
    expect(await counted()).toEqual([
      ['notes:GetNote', 'Allow', 3],
      ['notes:GetNote', 'Deny', 1],
    ]);

    // The table is out of reach for one pass: nothing is lost, the next pass writes it all.
    counts.add(decision);
    await sql`alter table authorization_counts rename to authorization_counts_away`.execute(t.deps.db);
    await expect(counts.flush()).rejects.toThrow();
    counts.add(decision);
    await sql`alter table authorization_counts_away rename to authorization_counts`.execute(t.deps.db);
    await counts.flush();
    expect(await counted()).toEqual([
      ['notes:GetNote', 'Allow', 5],
      ['notes:GetNote', 'Deny', 1],
    ]);
  });

  it('writes the counts of a running server within COUNT_FLUSH_MS unasked, and what it holds when it closes', async () => {
    // The harness's app is ready: its writing has started.
    t.deps.decisionCounts.add(decision);
    const since = Date.now();
    while ((await counted()).length === 0) {
      // A generous margin over the bound for a busy machine; a server that never writes fails here.
      if (Date.now() - since > 10 * COUNT_FLUSH_MS) throw new Error('the count was not written');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await counted()).toEqual([['notes:GetNote', 'Allow', 1]]);

    t.deps.decisionCounts.add(decision);
    t.deps.decisionCounts.add({ ...decision, action: 'notes:PutNote' });
    await t.app.close();
    expect(await counted()).toEqual([
      ['notes:GetNote', 'Allow', 2],
      ['notes:PutNote', 'Allow', 1],
    ]);
  });

  // PostgreSQL locks rows, so two writers can wait on each other; SQLite has one writer at a time (and two
  // instances in one process cannot both wait for it: its busy wait blocks the event loop the other needs).
  it.runIf(dialect === 'postgres')(
    'lets two instances add to the same rows at once: they wait for each other, never deadlock',
    async () => {
      const { t: a, b, close } = await twoInstances(dialect);
      try {
        const shared = (await makeAccount(a.deps)).id;
        const row = (k: number): CountedDecision => ({ ...decision, accountId: shared, action: `notes:Action${k}` });
        for (let round = 0; round < 50; round++) {
          const one = new DecisionCounts(a.deps.db);
          const two = new DecisionCounts(b.deps.db);
          // Each process met the rows in the opposite order.
          for (let k = 0; k < 20; k++) one.add(row(k));
          for (let k = 19; k >= 0; k--) two.add(row(k));
          await Promise.all([one.flush(), two.flush()]);
        }
        const rows = await a.deps.db
          .selectFrom('authorization_counts')
          .select('count')
          .where('account_id', '=', shared)
          .execute();
        expect(rows.map((r) => Number(r.count))).toEqual(Array(20).fill(100));
      } finally {
        await close();
      }
    },
  );
});
