import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Browser,
  PRODUCTION_THROTTLE,
  createTestContext,
  solvePayload,
  type TestContext,
} from '../../test/support/harness.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, makeAccount } from '../../test/support/fixtures.ts';

const CLEAN_IP = '198.51.100.77';
/** Addresses of one /24 whose failures raise the network's risk. */
const risky = (i: number) => `203.0.113.${i + 1}`;
const elsewhere = (i: number) => `10.${i + 40}.0.9`;

describe.each(DIALECTS)('the security check is as hard as the risk at the moment of the attempt, on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => (t = await createTestContext(dialect, { ...PRODUCTION_THROTTLE, TRUST_PROXY: '127.0.0.1' })));
  afterAll(() => t.close());

  async function challenge(browser: Browser, ip: string, query = '') {
    const response = await browser.get(`/security-check/challenge${query}`, { 'x-forwarded-for': ip });
    expect(response.statusCode).toBe(200);
    const parsed = JSON.parse(response.body);
    return { level: parsed.parameters.data.level as number, payload: await solvePayload(parsed) };
  }

  async function attempt(browser: Browser, email: string, password: string, ip: string, altcha?: string) {
    const csrf = await browser.csrf();
    return browser.post(
      '/signin/root/password',
      { email, password, ...(altcha ? { altcha } : {}) },
      { csrf, headers: { 'x-forwarded-for': ip } },
    );
  }

  it('refuses a solution issued at a lower level than the attempt needs, and accepts one at the level the page asks for', async () => {
    const account = await makeAccount(t.deps);
    const browser = new Browser(t.app);
    // The identifier is at risk (3 failures from elsewhere), and so is the network the attempt comes from.
    for (let i = 0; i < 3; i++)
      expect((await attempt(browser, account.email, 'wrong', elsewhere(i))).statusCode).toBe(401);
    for (let i = 0; i < 9; i++) {
      const other = await makeAccount(t.deps);
      expect((await attempt(browser, other.email, 'wrong', risky(i))).statusCode).toBe(401);
    }

    const cheap = await challenge(browser, CLEAN_IP);
    expect(cheap.level).toBe(1);
    const refused = await attempt(browser, account.email, ROOT_PASSWORD, risky(21), cheap.payload);
    expect(refused.statusCode).toBe(401);
    expect(refused.body).toContain('the security check asks for more work');
    expect(refused.body).toContain('<altcha-widget challenge="/security-check/challenge?level=2"');

    const asked = await attempt(browser, account.email, ROOT_PASSWORD, risky(20));
    expect(asked.statusCode).toBe(401);
    expect(asked.body).toContain('<altcha-widget challenge="/security-check/challenge?level=2"');

    const asPageSays = await challenge(browser, CLEAN_IP, '?level=2');
    expect(asPageSays.level).toBe(2);
    expect((await attempt(browser, account.email, ROOT_PASSWORD, risky(23), asPageSays.payload)).statusCode).toBe(303);
  });

  it('issues the level a page asks for, and the lowest for anything else', async () => {
    const browser = new Browser(t.app);
    expect((await challenge(browser, CLEAN_IP)).level).toBe(1);
    expect((await challenge(browser, CLEAN_IP, '?level=3')).level).toBe(3);
    expect((await challenge(browser, CLEAN_IP, '?level=__proto__')).level).toBe(1);
    expect((await challenge(browser, CLEAN_IP, '?level=9')).level).toBe(1);
  });
});
