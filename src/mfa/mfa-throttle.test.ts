import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, loadPrincipal, type Principal } from '../identities/principal.ts';
import { SYSTEM_META } from '../audit/audit.service.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { findDevice, findThrottle } from './mfa.repository.ts';
import { FREE_FAILURES, spendCodeTry } from './mfa-throttle.ts';
import type { Deps } from '../deps.ts';
import { createVirtualDevice, enableVirtualDevice, verifyTotpCode } from './mfa.service.ts';
import { createRecoveryCodes, spendRecoveryCode } from './recovery-codes.service.ts';
import { codeAt, stepAt } from './totp.ts';

describe.each(DIALECTS)('MFA code tries on %s', (dialect) => {
  let t: TestContext;
  let deps: Deps;
  beforeAll(async () => {
    t = await createTestContext(dialect);
    deps = t.deps;
  });
  afterAll(() => t.close());

  async function principalWithDevice(name: string): Promise<{ owner: Principal; deviceId: string; secret: string }> {
    const account = await makeAccount(t.deps);
    const user = await makeUser(t.deps, account.id, name);
    const owner = (await loadPrincipal(t.deps.db, account.id, user.id))!;
    const { device, secret } = await createVirtualDevice(deps, owner.accountId, { name }, actorOf(owner), SYSTEM_META);
    const now = stepAt(t.clock.now());
    await enableVirtualDevice(
      deps,
      owner,
      device.serial,
      codeAt(secret, now - 1),
      codeAt(secret, now),
      actorOf(owner),
      SYSTEM_META,
    );
    t.clock.advance(60_000);
    return { owner, deviceId: device.id, secret };
  }

  it('spends 30 simultaneous tries exactly up to the free ones, then pauses codes', async () => {
    const spent = await Promise.all(
      Array.from({ length: 30 }, () => spendCodeTry(t.deps.db, t.deps, 'AIDAEXAMPLEPRINCIPAL1')),
    );
    expect(spent.filter(Boolean)).toHaveLength(FREE_FAILURES);
    const state = await findThrottle(t.deps.db, 'AIDAEXAMPLEPRINCIPAL1');
    expect(state).toEqual({
      failures: FREE_FAILURES,
      blockedUntil: new Date(t.clock.now().getTime() + 30_000).toISOString(),
    });
    expect(await spendCodeTry(t.deps.db, t.deps, 'AIDAEXAMPLEPRINCIPAL1')).toBe(false);
  });

  for (const size of [40, 100]) {
    it(`compares at most ${FREE_FAILURES} of ${size} parallel wrong TOTP codes, and the right code works once the pause is over`, async () => {
      const { owner, deviceId, secret } = await principalWithDevice(`totp${size}`);
      const device = (await findDevice(t.deps.db, owner.accountId, deviceId))!;
      const results = await Promise.all(
        Array.from({ length: size }, (_, i) => verifyTotpCode(deps, owner.id, device, String(100000 + i))),
      );
      const compared = results.filter((r) => !r.ok && r.reason === 'WrongCode');
      expect(compared).toHaveLength(FREE_FAILURES);
      expect(results.filter((r) => !r.ok && r.reason === 'MfaThrottled')).toHaveLength(size - FREE_FAILURES);
      const right = () => codeAt(secret, stepAt(t.clock.now()));
      expect(await verifyTotpCode(deps, owner.id, device, right())).toEqual({ ok: false, reason: 'MfaThrottled' });
      t.clock.advance(31_000);
      expect(
        await verifyTotpCode(deps, owner.id, (await findDevice(t.deps.db, owner.accountId, deviceId))!, right()),
      ).toEqual({ ok: true });
      expect(await findThrottle(t.deps.db, owner.id)).toBeNull();
    });
  }

  it(`compares at most ${FREE_FAILURES} of 40 parallel wrong recovery codes`, async () => {
    const { owner } = await principalWithDevice('codes');
    await createRecoveryCodes(deps, owner, actorOf(owner), SYSTEM_META);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        t.deps.db.transaction().execute((tx) => spendRecoveryCode(tx, t.deps, SYSTEM_META, owner, `wrong-code-${i}`)),
      ),
    );
    expect(results.filter((r) => !r.ok && r.reason === 'WrongCode')).toHaveLength(FREE_FAILURES);
  });
});
