import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRootUser } from '../identities/account.repository.ts';
import { SYSTEM_META } from '../audit/audit.service.ts';
import { signInRoot, signInUser } from '../signin/signin.service.ts';
import { GatehouseError } from '../shared/errors.ts';
import { findLoginProfile, findUserByName } from '../identities/user.repository.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, USER_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { type Argon2Params, PasswordHasher } from './password-hasher.ts';

const FLOOR: Argon2Params = { memoryCost: 19456, timeCost: 2, parallelism: 1 };
const STRONGER: Argon2Params = { memoryCost: 24576, timeCost: 2, parallelism: 1 };
const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

function paramsOf(phc: string): Argon2Params {
  const match = PHC.exec(phc);
  if (!match) throw new Error(`not an argon2id PHC string: ${phc}`);
  return { memoryCost: Number(match[1]), timeCost: Number(match[2]), parallelism: Number(match[3]) };
}

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher(FLOOR, { concurrency: 2, queueLimit: 16 });

  it('makes argon2id PHC strings at or above the OWASP floor, salted afresh each time', async () => {
    const a = await hasher.hash('a long passphrase');
    const b = await hasher.hash('a long passphrase');
    const params = paramsOf(a);
    expect(params.memoryCost).toBeGreaterThanOrEqual(19456);
    expect(params.timeCost).toBeGreaterThanOrEqual(2);
    expect(params.parallelism).toBe(1);
    expect(a).not.toBe(b);
    expect(a).not.toContain('a long passphrase');
  });

  it('verifies the right password and refuses a wrong one or a broken hash, without throwing', async () => {
    const stored = await hasher.hash('a long passphrase');
    expect(await hasher.verify(stored, 'a long passphrase')).toBe(true);
    expect(await hasher.verify(stored, 'a long passphrasE')).toBe(false);
    expect(await hasher.verify(stored, '')).toBe(false);
    expect(await hasher.verify('not a hash', 'a long passphrase')).toBe(false);
    expect(await hasher.verify(stored.slice(0, -4), 'a long passphrase')).toBe(false);
    expect(await hasher.verifyDummy('a long passphrase')).toBe(false);
  });

  it('normalises to NFKC: a password typed composed verifies when typed decomposed, and the reverse', async () => {
    const composed = 'caf\u00e9 cr\u00e8me br\u00fbl\u00e9e';
    const decomposed = 'cafe\u0301 cre\u0300me bru\u0302le\u0301e';
    expect(composed).not.toBe(decomposed);
    expect(await hasher.verify(await hasher.hash(composed), decomposed)).toBe(true);
    expect(await hasher.verify(await hasher.hash(decomposed), composed)).toBe(true);
    // Compatibility forms too: full-width letters are the same password as ASCII ones.
    expect(await hasher.verify(await hasher.hash('\uff50\uff41\uff53\uff53 phrase'), 'pass phrase')).toBe(true);
  });

  it('says a hash needs rehashing when the configured parameters rise, and not otherwise', async () => {
    const atFloor = await hasher.hash('a long passphrase');
    const stronger = new PasswordHasher(STRONGER, { concurrency: 1, queueLimit: 4 });
    expect(hasher.needsRehash(atFloor)).toBe(false);
    expect(stronger.needsRehash(atFloor)).toBe(true);
    const rehashed = await stronger.hash('a long passphrase');
    expect(paramsOf(rehashed).memoryCost).toBe(24576);
    expect(stronger.needsRehash(rehashed)).toBe(false);
    // Lowering the parameters never downgrades stored hashes.
    expect(hasher.needsRehash(rehashed)).toBe(false);
    expect(new PasswordHasher({ ...FLOOR, timeCost: 3 }, { concurrency: 1, queueLimit: 1 }).needsRehash(atFloor)).toBe(
      true,
    );
    expect(hasher.needsRehash('$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g')).toBe(true);
    expect(hasher.needsRehash('$2b$12$abcdefghijklmnopqrstuv')).toBe(true);
  });

  it('with concurrency 1 and a queue of 2, ten hashes at once give 3 results and 7 immediate Overloaded errors', async () => {
    const small = new PasswordHasher(FLOOR, { concurrency: 1, queueLimit: 2 });
    const settled: Array<{ index: number; ok: boolean; error?: unknown }> = [];
    const calls = Array.from({ length: 10 }, (_, index) =>
      small.hash(`password ${index}`).then(
        () => void settled.push({ index, ok: true }),
        (error: unknown) => void settled.push({ index, ok: false, error }),
      ),
    );
    // One running, two waiting, the rest refused synchronously: their rejections settle
    // on the next microtask turns, long before the first hash (tens of ms) is done.
    expect(small.active).toBe(1);
    expect(small.queued).toBe(2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled.map((s) => s.index)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(small.active).toBe(1);
    for (const s of settled) {
      expect(s.error).toBeInstanceOf(GatehouseError);
      expect((s.error as GatehouseError).code).toBe('Overloaded');
      expect((s.error as GatehouseError).status).toBe(503);
    }

    await Promise.all(calls);
    expect(settled.filter((s) => s.ok).map((s) => s.index)).toEqual([0, 1, 2]);
    expect(small.active).toBe(0);
    expect(small.queued).toBe(0);
    // The slots are free again once the queue drains.
    await expect(small.hash('after the burst')).resolves.toMatch(PHC);
  });

  it('hands a finished slot to the next waiter: never more than `concurrency` hashes at once', async () => {
    const two = new PasswordHasher(FLOOR, { concurrency: 2, queueLimit: 100 });
    let peak = 0;
    const watch = setInterval(() => (peak = Math.max(peak, two.active)), 1);
    await Promise.all(Array.from({ length: 8 }, (_, i) => two.hash(`p${i}`)));
    clearInterval(watch);
    expect(peak).toBeLessThanOrEqual(2);
    expect(two.active).toBe(0);
  });

  it('does not block the event loop while hashing', async () => {
    // Heavier than the floor so one hash is long enough to stand clear of timer noise.
    const heavy = new PasswordHasher(
      { memoryCost: 65536, timeCost: 3, parallelism: 1 },
      { concurrency: 2, queueLimit: 100 },
    );
    await heavy.hash('warm-up');
    const durations: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      await heavy.hash(`one ${i}`);
      durations.push(performance.now() - start);
    }
    const oneHashMs = durations.sort((a, b) => a - b)[2]!;

    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    await Promise.all(Array.from({ length: 20 }, (_, i) => heavy.hash(`concurrent ${i}`)));
    delay.disable();
    const p99Ms = delay.percentile(99) / 1e6;
    console.log(
      `one hash ${oneHashMs.toFixed(1)} ms; event-loop delay p99 ${p99Ms.toFixed(2)} ms over ${delay.count} samples`,
    );
    // Hashing on the event loop would delay it by a whole hash at a time.
    expect(p99Ms).toBeLessThan(oneHashMs / 3);
  }, 60_000);
});

describe.each(DIALECTS)('rehash on sign-in on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect, {}, { productionHasher: true });
  });
  afterAll(() => t.close());

  it('rehashes a root password made with weaker parameters at the next successful sign-in', async () => {
    const account = await makeAccount(t.deps);
    const before = (await findRootUser(t.deps.db, account.id))!;
    expect(paramsOf(before.passwordHash).memoryCost).toBe(19456);

    const stronger = { ...t.deps, hasher: new PasswordHasher(STRONGER, { concurrency: 1, queueLimit: 8 }) };
    const failed = await signInRoot(stronger, account.email, 'not the password', SYSTEM_META);
    expect(failed.ok).toBe(false);
    expect((await findRootUser(t.deps.db, account.id))!.passwordHash).toBe(before.passwordHash);

    const result = await signInRoot(stronger, account.email, ROOT_PASSWORD, SYSTEM_META);
    expect(result.ok).toBe(true);
    const after = (await findRootUser(t.deps.db, account.id))!;
    expect(after.passwordHash).not.toBe(before.passwordHash);
    expect(paramsOf(after.passwordHash).memoryCost).toBe(24576);
    // The same password, not a new one: the change date stays and it still signs in.
    expect(after.passwordChangedAt).toBe(before.passwordChangedAt);
    expect((await signInRoot(stronger, account.email, ROOT_PASSWORD, SYSTEM_META)).ok).toBe(true);
    expect((await findRootUser(t.deps.db, account.id))!.passwordHash).toBe(after.passwordHash);
  });

  it('rehashes an IAM user password the same way', async () => {
    const account = await makeAccount(t.deps);
    const user = await makeUser(t.deps, account.id, 'rehash-me');
    const before = (await findLoginProfile(t.deps.db, user.id))!;
    const stronger = { ...t.deps, hasher: new PasswordHasher(STRONGER, { concurrency: 1, queueLimit: 8 }) };
    expect((await signInUser(stronger, account.id, 'rehash-me', USER_PASSWORD, SYSTEM_META)).ok).toBe(true);
    const after = (await findLoginProfile(t.deps.db, user.id))!;
    expect(paramsOf(after.passwordHash).memoryCost).toBe(24576);
    expect(after.passwordChangedAt).toBe(before.passwordChangedAt);
    expect((await findUserByName(t.deps.db, account.id, 'rehash-me'))!.id).toBe(user.id);
  });
});
