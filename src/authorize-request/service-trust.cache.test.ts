import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount } from '../../test/support/fixtures.ts';
import type { TestContext } from '../../test/support/harness.ts';
import { type Instance, twoInstances } from '../../test/support/instances.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { addServiceTrust, mayJudge, removeServiceTrust } from './service-trust.service.ts';

/**
 * An account's service trusts are kept by every instance: a change applies at once on the
 * instance that made it and after one poll of the invalidation feed on another (B).
 */
describe.each(DIALECTS)('service trusts kept per account on %s', (dialect) => {
  let t: TestContext;
  let b: Instance;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ t, b, close } = await twoInstances(dialect));
  });
  afterAll(() => close());

  it('a trust added and removed reaches the other instance at its next poll', async () => {
    const home = await makeAccount(t.deps);
    const other = await makeAccount(t.deps);
    const change = { accountId: home.id, trustedAccountId: other.id, service: 'notes' };
    const judges = async () => [
      await mayJudge(t.deps, home.id, other.id, 'notes'),
      await mayJudge(b.deps, home.id, other.id, 'notes'),
    ];
    await b.deps.invalidations.pollNow();
    expect(await judges()).toEqual([false, false]);

    await addServiceTrust(t.deps, change, CLI_ACTOR, SYSTEM_META);
    expect(await judges()).toEqual([true, false]);
    await b.deps.invalidations.pollNow();
    expect(await judges()).toEqual([true, true]);

    await removeServiceTrust(t.deps, change, CLI_ACTOR, SYSTEM_META);
    expect(await judges()).toEqual([false, true]);
    await b.deps.invalidations.pollNow();
    expect(await judges()).toEqual([false, false]);
    // The account's own services judge its keys while it lists no names.
    expect(await mayJudge(b.deps, home.id, home.id, 'notes')).toBe(true);
  });
});
