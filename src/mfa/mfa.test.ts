import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPrincipal, type Principal } from '../identities/principal.ts';
import { actorOf } from '../identities/principal.ts';
import { SYSTEM_META } from '../audit/audit.service.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { MINUTE } from '../shared/clock.ts';
import { GatehouseError } from '../shared/errors.ts';
import { listOutboxMail } from '../mail/outbox.service.ts';
import { FREE_FAILURES } from './mfa-throttle.ts';
import { findDevice, findDeviceBySerial, listDevicesOf, listVirtualDevices } from './mfa.repository.ts';
import type { Deps } from '../deps.ts';
import {
  MAX_DEVICES_PER_PRINCIPAL,
  createVirtualDevice,
  deactivateDevice,
  deleteVirtualDevice,
  enableVirtualDevice,
  resyncVirtualDevice,
  verifyTotpCode,
} from './mfa.service.ts';
import { createRecoveryCodes, recoveryCodeStatus, spendRecoveryCode } from './recovery-codes.service.ts';
import { codeAt, consecutiveSteps, newTotpSecret, stepAt } from './totp.ts';

describe('TOTP codes', () => {
  it('makes 160-bit secrets and six-digit codes that match RFC 6238 (SHA-1) test vectors', () => {
    expect(newTotpSecret()).toMatch(/^[A-Z2-7]{32}$/);
    // RFC 6238 appendix B: secret "12345678901234567890", T = 59 s → 94287082 (8 digits); six digits → 287082.
    const rfcSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    expect(codeAt(rfcSecret, Math.floor(59 / 30))).toBe('287082');
    expect(codeAt(rfcSecret, Math.floor(1111111109 / 30))).toBe('081804');
  });

  it('finds two consecutive codes only in order', () => {
    const secret = newTotpSecret();
    const now = 1000;
    expect(consecutiveSteps(secret, codeAt(secret, now - 1), codeAt(secret, now), now, 1)).toBe(now - 1);
    expect(consecutiveSteps(secret, codeAt(secret, now), codeAt(secret, now - 1), now, 1)).toBeNull();
    expect(consecutiveSteps(secret, codeAt(secret, now - 2), codeAt(secret, now), now, 1)).toBeNull();
  });
});

describe.each(DIALECTS)('MFA devices on %s', (dialect) => {
  let t: TestContext;
  let deps: Deps;
  let root: Principal;
  let alice: Principal;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    deps = t.deps;
    const account = await makeAccount(t.deps);
    const user = await makeUser(t.deps, account.id, 'alice');
    root = (await loadPrincipal(t.deps.db, account.id, account.id))!;
    alice = (await loadPrincipal(t.deps.db, account.id, user.id))!;
  });
  afterAll(() => t.close());

  async function enrolled(owner: Principal, name: string) {
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
    t.clock.advance(30_000);
    return { device: (await findDevice(t.deps.db, owner.accountId, device.id))!, secret };
  }

  async function codeError(promise: Promise<unknown>): Promise<string> {
    try {
      await promise;
    } catch (error) {
      if (error instanceof GatehouseError) return error.code;
      throw error;
    }
    return 'no error';
  }

  it('enables a virtual device with two consecutive codes, and stores the secret sealed', async () => {
    const { device, secret } = await createVirtualDevice(
      deps,
      root.accountId,
      { name: 'root-phone' },
      actorOf(root),
      SYSTEM_META,
    );
    expect(device.serial).toBe(`arn:aws:iam::${root.accountId}:mfa/root-phone`);
    expect(device.totpSecretSealed).not.toContain(secret);
    const now = stepAt(t.clock.now());
    expect(
      await codeError(
        enableVirtualDevice(
          deps,
          root,
          device.serial,
          codeAt(secret, now),
          codeAt(secret, now - 1),
          actorOf(root),
          SYSTEM_META,
        ),
      ),
    ).toBe('InvalidAuthenticationCode');
    expect(
      await codeError(
        enableVirtualDevice(
          deps,
          root,
          device.serial,
          codeAt(secret, now - 3),
          codeAt(secret, now - 2),
          actorOf(root),
          SYSTEM_META,
        ),
      ),
    ).toBe('InvalidAuthenticationCode');
    expect(
      await codeError(enableVirtualDevice(deps, root, device.serial, '12345', '123456', actorOf(root), SYSTEM_META)),
    ).toBe('ValidationError');
    await enableVirtualDevice(
      deps,
      root,
      device.serial,
      codeAt(secret, now - 1),
      codeAt(secret, now),
      actorOf(root),
      SYSTEM_META,
    );
    const stored = await findDeviceBySerial(t.deps.db, device.serial);
    expect(stored?.principalId).toBe(root.id);
    expect(stored?.enabledAt).not.toBeNull();
    expect(
      await codeError(
        enableVirtualDevice(
          deps,
          alice,
          device.serial,
          codeAt(secret, now),
          codeAt(secret, now + 1),
          actorOf(alice),
          SYSTEM_META,
        ),
      ),
    ).toBe('EntityAlreadyExists');
    const events = await listAuditEvents(t.deps.db, {
      accountId: root.accountId,
      eventName: 'EnableMFADevice',
      limit: 5,
    });
    expect(events[0]?.targetId).toBe(root.id);
    const mail = await listOutboxMail(t.deps, { limit: 5, recipient: root.type === 'root' ? root.email : '' });
    expect(mail.some((m) => m.template === 'mfa-device-added')).toBe(true);
    expect(
      await codeError(createVirtualDevice(deps, root.accountId, { name: 'root-phone' }, actorOf(root), SYSTEM_META)),
    ).toBe('EntityAlreadyExists');
  });

  it('refuses a code replayed within its step, or for a step already used', async () => {
    const { device, secret } = await enrolled(alice, 'alice-replay');
    const now = stepAt(t.clock.now());
    expect(await verifyTotpCode(deps, alice.id, device, codeAt(secret, now))).toEqual({ ok: true });
    const again = (await findDevice(t.deps.db, alice.accountId, device.id))!;
    expect(await verifyTotpCode(deps, alice.id, again, codeAt(secret, now))).toEqual({
      ok: false,
      reason: 'ReplayedCode',
    });
    // The code of the step before is also spent once a later step was accepted.
    expect(await verifyTotpCode(deps, alice.id, again, codeAt(secret, now - 1))).toEqual({
      ok: false,
      reason: 'ReplayedCode',
    });
    t.clock.advance(30_000);
    const later = (await findDevice(t.deps.db, alice.accountId, device.id))!;
    expect(await verifyTotpCode(deps, alice.id, later, codeAt(secret, now + 1))).toEqual({ ok: true });
    await deactivateDevice(deps, alice, { serial: device.serial }, actorOf(alice), SYSTEM_META);
  });

  it('accepts codes one step either side of now and refuses two steps away', async () => {
    const { device, secret } = await enrolled(alice, 'alice-drift');
    t.clock.advance(5 * 30_000);
    const now = stepAt(t.clock.now());
    const fresh = async () => (await findDevice(t.deps.db, alice.accountId, device.id))!;
    expect((await verifyTotpCode(deps, alice.id, await fresh(), codeAt(secret, now + 2))).ok).toBe(false);
    expect((await verifyTotpCode(deps, alice.id, await fresh(), codeAt(secret, now - 2))).ok).toBe(false);
    expect((await verifyTotpCode(deps, alice.id, await fresh(), codeAt(secret, now - 1))).ok).toBe(true);
    expect((await verifyTotpCode(deps, alice.id, await fresh(), codeAt(secret, now + 1))).ok).toBe(true);
    await deactivateDevice(deps, alice, { serial: device.serial }, actorOf(alice), SYSTEM_META);
  });

  it('resyncs a device whose clock drifted, with two consecutive codes', async () => {
    const { device, secret } = await enrolled(alice, 'alice-resync');
    const now = stepAt(t.clock.now());
    const drift = 6;
    const fresh = async () => (await findDevice(t.deps.db, alice.accountId, device.id))!;
    expect((await verifyTotpCode(deps, alice.id, await fresh(), codeAt(secret, now + drift))).ok).toBe(false);
    await resyncVirtualDevice(
      deps,
      alice,
      device.serial,
      codeAt(secret, now + drift - 1),
      codeAt(secret, now + drift),
      actorOf(alice),
      SYSTEM_META,
    );
    t.clock.advance(30_000);
    expect((await verifyTotpCode(deps, alice.id, await fresh(), codeAt(secret, now + drift + 1))).ok).toBe(true);
    expect(
      await codeError(
        resyncVirtualDevice(
          deps,
          alice,
          device.serial,
          codeAt(secret, now + 40),
          codeAt(secret, now + 41),
          actorOf(alice),
          SYSTEM_META,
        ),
      ),
    ).toBe('InvalidAuthenticationCode');
    await deactivateDevice(deps, alice, { serial: device.serial }, actorOf(alice), SYSTEM_META);
  });

  it('throttles after repeated wrong codes, counted apart from passwords, and lifts the pause with time', async () => {
    const { device, secret } = await enrolled(alice, 'alice-throttle');
    const fresh = async () => (await findDevice(t.deps.db, alice.accountId, device.id))!;
    const wrong = (code: string) => (code === '000000' ? '000001' : '000000');
    for (let i = 0; i < FREE_FAILURES; i++) {
      const now = stepAt(t.clock.now());
      expect((await verifyTotpCode(deps, alice.id, await fresh(), wrong(codeAt(secret, now)))).ok).toBe(false);
    }
    const blocked = await verifyTotpCode(deps, alice.id, await fresh(), codeAt(secret, stepAt(t.clock.now())));
    expect(blocked).toEqual({ ok: false, reason: 'MfaThrottled' });
    t.clock.advance(MINUTE);
    expect((await verifyTotpCode(deps, alice.id, await fresh(), codeAt(secret, stepAt(t.clock.now())))).ok).toBe(true);
    // Success clears the count: the next failure is free again.
    t.clock.advance(30_000);
    expect(await verifyTotpCode(deps, alice.id, await fresh(), wrong(codeAt(secret, stepAt(t.clock.now()))))).toEqual({
      ok: false,
      reason: 'WrongCode',
    });
    expect((await verifyTotpCode(deps, alice.id, await fresh(), codeAt(secret, stepAt(t.clock.now())))).ok).toBe(true);
    await deactivateDevice(deps, alice, { serial: device.serial }, actorOf(alice), SYSTEM_META);
  });

  it('keeps a deactivated virtual device as unassigned until deleted, as AWS', async () => {
    const { device } = await enrolled(alice, 'alice-lost');
    expect(await codeError(deleteVirtualDevice(deps, alice.accountId, device.serial, actorOf(root), SYSTEM_META))).toBe(
      'DeleteConflict',
    );
    await deactivateDevice(deps, alice, { serial: device.serial }, actorOf(root), SYSTEM_META);
    expect((await listVirtualDevices(t.deps.db, alice.accountId, false)).map((d) => d.serial)).toContain(device.serial);
    await deleteVirtualDevice(deps, alice.accountId, device.serial, actorOf(root), SYSTEM_META);
    expect(await findDeviceBySerial(t.deps.db, device.serial)).toBeNull();
    expect(await codeError(deactivateDevice(deps, alice, { serial: device.serial }, actorOf(root), SYSTEM_META))).toBe(
      'NoSuchEntity',
    );
  });

  it(`allows at most ${MAX_DEVICES_PER_PRINCIPAL} devices per principal`, async () => {
    const bob = (await loadPrincipal(t.deps.db, alice.accountId, (await makeUser(t.deps, alice.accountId, 'bob')).id))!;
    for (let i = 0; i < MAX_DEVICES_PER_PRINCIPAL; i++) await enrolled(bob, `bob-${i}`);
    expect(await listDevicesOf(t.deps.db, bob.id)).toHaveLength(MAX_DEVICES_PER_PRINCIPAL);
    expect(await codeError(enrolled(bob, 'bob-too-many'))).toBe('LimitExceeded');
  });

  it('accepts each recovery code once, and counts what is left', async () => {
    const codes = await createRecoveryCodes(t.deps, root, actorOf(root), SYSTEM_META);
    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
    expect(new Set(codes).size).toBe(10);
    const spend = (code: string) =>
      t.deps.db.transaction().execute((tx) => spendRecoveryCode(tx, t.deps, SYSTEM_META, root, code));
    expect(await spend(codes[0]!.toUpperCase().replaceAll('-', ' '))).toEqual({ ok: true, left: 9 });
    expect(await spend(codes[0]!)).toEqual({ ok: false, reason: 'WrongCode' });
    expect(await spend(codes[1]!)).toEqual({ ok: true, left: 8 });
    expect(await recoveryCodeStatus(t.deps.db, root.id)).toEqual({ total: 10, unused: 8 });
    const mail = await listOutboxMail(t.deps, { limit: 20, recipient: root.type === 'root' ? root.email : '' });
    expect(mail.filter((m) => m.template === 'mfa-recovery-code-used')).toHaveLength(2);
    const renewed = await createRecoveryCodes(t.deps, root, actorOf(root), SYSTEM_META);
    expect(await spend(codes[2]!)).toEqual({ ok: false, reason: 'WrongCode' });
    expect((await spend(renewed[2]!)).ok).toBe(true);
  });
});
