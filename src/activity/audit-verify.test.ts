import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { CLI_ACTOR, SYSTEM_META, recordAudit } from '../audit/audit.service.ts';
import { verifyAuditChains } from './audit-verify.ts';

describe.each(DIALECTS)('audit chain verification on %s', (dialect) => {
  let t: TestContext;
  let accountId: string;
  let otherId: string;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    accountId = (await makeAccount(t.deps)).id;
    otherId = (await makeAccount(t.deps)).id;
    for (const name of ['ann', 'ben', 'cat']) await makeUser(t.deps, accountId, name);
    await makeUser(t.deps, otherId, 'dan');
  });
  afterAll(() => t.close());

  async function rowsOf(id: string) {
    return t.deps.db.selectFrom('audit_events').selectAll().where('account_id', '=', id).orderBy('seq').execute();
  }

  it('finds every chain intact', async () => {
    const result = await verifyAuditChains(t.deps.db);
    expect(result.broken).toEqual([]);
    expect(result.chains).toBeGreaterThanOrEqual(2);
    expect(result.events).toBeGreaterThan(5);
  });

  it('keeps a chain whole when events are recorded at once without a transaction of the caller', async () => {
    const busy = (await makeAccount(t.deps)).id;
    // Each call reads the chain's last hash and appends after it: that must be one step, even when the caller gave no transaction.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        recordAudit(t.deps.db, t.deps, SYSTEM_META, {
          accountId: busy,
          actor: CLI_ACTOR,
          eventName: 'OidcToken',
          target: { id: `client-${i}`, name: null },
        }),
      ),
    );
    expect(await rowsOf(busy)).toHaveLength(21);
    expect((await verifyAuditChains(t.deps.db)).broken.filter((b) => b.accountId === busy)).toEqual([]);
  });

  it('detects an edited row as the first broken link of its chain only', async () => {
    const rows = await rowsOf(accountId);
    const victim = rows[2]!;
    await t.deps.db.updateTable('audit_events').set({ source_ip: '192.0.2.66' }).where('id', '=', victim.id).execute();
    const result = await verifyAuditChains(t.deps.db);
    expect(result.broken).toEqual([{ accountId, seq: Number(victim.seq), eventId: victim.id, problem: 'edited' }]);
    await t.deps.db
      .updateTable('audit_events')
      .set({ source_ip: victim.source_ip })
      .where('id', '=', victim.id)
      .execute();
    expect((await verifyAuditChains(t.deps.db)).broken).toEqual([]);
  });

  it('detects a deleted row at the row after it', async () => {
    const rows = await rowsOf(otherId);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    await t.deps.db.deleteFrom('audit_events').where('id', '=', rows[1]!.id).execute();
    const result = await verifyAuditChains(t.deps.db);
    expect(result.broken).toEqual([
      { accountId: otherId, seq: Number(rows[2]!.seq), eventId: rows[2]!.id, problem: 'unlinked' },
    ]);
  });
});
