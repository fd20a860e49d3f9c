import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_PASSWORD, makeAccount, makeUser } from '../support/fixtures.ts';
import { Browser, createTestContext, type TestContext } from '../support/harness.ts';

/**
 * A failed sign-in must take as long for an unknown user as for a known user with a wrong
 * password, or the response time tells an attacker which names exist. Statistical, not a
 * time budget: many interleaved attempts of each kind, then their medians must agree
 * within 5 %.
 *
 * The medians compared are of the CPU time the process spends on each request (all its
 * threads, so the argon2 work on libuv's pool counts). On a quiet server that is the
 * response time; on a busy test machine wall-clock times also carry however long the
 * process waited for a core, noise that swamps a 5 % comparison. Wall-clock medians are
 * printed beside them.
 */
const ROUNDS = 200;
const WARM_UP = 20;
const TOLERANCE = 0.05;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

describe('sign-in timing', () => {
  let t: TestContext;
  let account: Awaited<ReturnType<typeof makeAccount>>;
  let browser: Browser;
  let csrf: string;

  beforeAll(async () => {
    // One hash at a time, so two attempts never share the thread pool unevenly.
    t = await createTestContext('sqlite', { HASH_CONCURRENCY: '1' }, { productionHasher: true });
    account = await makeAccount(t.deps);
    await makeUser(t.deps, account.id, 'alice');
    browser = new Browser(t.app);
    csrf = await browser.csrf();
  });
  afterAll(() => t.close());

  interface Timing {
    cpuMs: number;
    wallMs: number;
  }

  async function timed(url: string, fields: Record<string, string>): Promise<Timing> {
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    const response = await browser.post(url, fields, { csrf });
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    const used = process.cpuUsage(cpu);
    expect(response.statusCode).toBe(401);
    return { cpuMs: (used.user + used.system) / 1000, wallMs };
  }

  /** Runs the two kinds of attempt alternately (ABAB…, then BABA…) and compares their medians. */
  async function compare(label: string, a: () => Promise<Timing>, b: () => Promise<Timing>): Promise<void> {
    for (let i = 0; i < WARM_UP; i++) {
      await a();
      await b();
    }
    const timesA: Timing[] = [];
    const timesB: Timing[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      if (i % 2 === 0) {
        timesA.push(await a());
        timesB.push(await b());
      } else {
        timesB.push(await b());
        timesA.push(await a());
      }
    }
    const apart = (x: number, y: number) => Math.abs(x - y) / Math.min(x, y);
    const [cpuA, cpuB] = [median(timesA.map((t) => t.cpuMs)), median(timesB.map((t) => t.cpuMs))];
    const [wallA, wallB] = [median(timesA.map((t) => t.wallMs)), median(timesB.map((t) => t.wallMs))];
    console.log(
      `${label} (${ROUNDS} each): CPU median ${cpuA.toFixed(2)} vs ${cpuB.toFixed(2)} ms, ${(apart(cpuA, cpuB) * 100).toFixed(1)} % apart; ` +
        `wall-clock median ${wallA.toFixed(2)} vs ${wallB.toFixed(2)} ms, ${(apart(wallA, wallB) * 100).toFixed(1)} % apart`,
    );
    expect(apart(cpuA, cpuB)).toBeLessThanOrEqual(TOLERANCE);
  }

  it('takes the same time for an unknown IAM user as for a known one with a wrong password', async () => {
    const url = `/signin/${account.id}`;
    await compare(
      'IAM sign-in, unknown user vs wrong password',
      () => timed(url, { userName: 'nobody-at-all', password: 'wrong password 1' }),
      () => timed(url, { userName: 'alice', password: 'wrong password 1' }),
    );
  }, 300_000);

  it('takes the same time for an unknown root email as for a known one with a wrong password', async () => {
    await compare(
      'root sign-in, unknown email vs wrong password',
      () => timed('/signin/root/password', { email: 'nobody-at-all@example.com', password: 'wrong password 1' }),
      () => timed('/signin/root/password', { email: account.email, password: 'wrong password 1' }),
    );
    expect(ROOT_PASSWORD).not.toBe('wrong password 1');
  }, 300_000);
});
