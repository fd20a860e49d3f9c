import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { SYSTEM_META } from '../audit/audit.service.ts';
import { DAY } from '../shared/clock.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount } from '../../test/support/fixtures.ts';
import {
  mintUnlockLink,
  onHardStop,
  refuseUnlockLink,
  rootIdentifier,
  unlockLinkUsable,
  unlockWithLink,
} from './unlock.service.ts';

describe.each(DIALECTS)('unlock links on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(() => t.close());

  async function unlockToken(email: string): Promise<string> {
    const link = await t.deps.db.transaction().execute((tx) => mintUnlockLink(tx, t.deps, rootIdentifier(email)));
    return new URL(link).searchParams.get('token')!;
  }

  it('lifts the stop for exactly one of two concurrent clicks of one link', async () => {
    const account = await makeAccount(t.deps);
    const token = await unlockToken(account.email);
    const outcomes = await Promise.all([
      unlockWithLink(t.deps, token, SYSTEM_META),
      unlockWithLink(t.deps, token, SYSTEM_META),
    ]);
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect(
      await listAuditEvents(t.deps.db, { accountId: account.id, eventName: 'SignInUnlocked', limit: 5 }),
    ).toHaveLength(1);
    expect(await unlockLinkUsable(t.deps, token)).toBe(false);
  });

  it('stops working a day after it was mailed', async () => {
    const account = await makeAccount(t.deps);
    const token = await unlockToken(account.email);
    t.clock.advance(DAY);
    expect(await unlockLinkUsable(t.deps, token)).toBe(false);
    expect(await unlockWithLink(t.deps, token, SYSTEM_META)).toBe(false);
    await refuseUnlockLink(t.deps, token, { ...SYSTEM_META, ip: '192.0.2.44' });
    const [refused] = await listAuditEvents(t.deps.db, {
      accountId: account.id,
      eventName: 'SignInUnlockFailed',
      limit: 5,
    });
    expect(refused?.reason).toBe('LinkExpired');
  });

  it("audits an IAM user's hard stop in the account its ID or alias names, and nowhere for an unknown reference", async () => {
    const account = await makeAccount(t.deps, { alias: `stopped-${dialect}` });
    const stopped = (accountKey: string, userNameKey: string) =>
      onHardStop(t.deps, { kind: 'user', accountKey, userNameKey }, `user:${accountKey}:${userNameKey}`, SYSTEM_META);
    await stopped(account.id, 'by-id');
    await stopped(account.alias!, 'by-alias');
    await stopped('000000000000', 'nobody');
    const events = await listAuditEvents(t.deps.db, { accountId: account.id, eventName: 'SignInStopped', limit: 5 });
    expect(events.map((e) => e.targetName).sort()).toEqual(['by-alias', 'by-id']);
    expect(
      await listAuditEvents(t.deps.db, { accountId: '000000000000', eventName: 'SignInStopped', limit: 5 }),
    ).toEqual([]);
  });
});
