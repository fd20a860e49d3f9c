import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateRootPasswordHash } from '../identities/account.repository.ts';
import { linksIn } from '../mail/outbox.format.ts';
import { listOutboxMail } from '../mail/outbox.service.ts';
import { settleAfterResponse } from '../web/after-response.ts';
import { HOUR, MINUTE } from '../shared/clock.ts';
import {
  Browser,
  PRODUCTION_THROTTLE,
  createTestContext,
  solvePayload,
  type TestContext,
} from '../../test/support/harness.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, USER_PASSWORD, makeAccount, makeUser, uniqueEmail } from '../../test/support/fixtures.ts';
import { DEVICE_COOKIE } from './device-cookie.ts';
import { lookUpReference } from '../support-references/support-reference.service.ts';
import { maskReference, referenceIn } from '../../test/support/references.ts';
import { mintUnlockLink, rootIdentifier } from './unlock.service.ts';

/** An address in its own /24, so each attacker request comes from a fresh network. */
const attacker = (i: number) => `10.${Math.floor(i / 250) + 1}.${i % 250}.7`;
const OWNER_IP = '192.0.2.10';

/** Everything a response shows, less what is random per response (request ID, date, CSRF cookie, support reference). */
/** A failure page with what differs by design masked: the reference, the CSRF token, and the email as typed. */
function comparable(r: LightMyRequestResponse, typed: string) {
  const { 'x-request-id': _id, date: _date, 'set-cookie': _cookie, 'content-length': _length, ...headers } = r.headers;
  return {
    status: r.statusCode,
    headers,
    body: maskReference(r.body)
      .replace(/value="[0-9a-f]{64}"/g, 'value="csrf"')
      .replaceAll(typed, 'EMAIL')
      .replaceAll(encodeURIComponent(typed), 'EMAIL'),
  };
}

describe.each(DIALECTS)('sign-in throttling on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect, { ...PRODUCTION_THROTTLE, TRUST_PROXY: '127.0.0.1' });
  });
  afterAll(() => t.close());

  async function check(browser: Browser, ip: string): Promise<string> {
    const response = await browser.get('/security-check/challenge', { 'x-forwarded-for': ip });
    expect(response.statusCode).toBe(200);
    return solvePayload(JSON.parse(response.body));
  }

  async function rootAttempt(
    browser: Browser,
    email: string,
    password: string,
    ip: string,
    options: { solve?: boolean; altcha?: string } = {},
  ) {
    const altcha = options.altcha ?? (options.solve === false ? undefined : await check(browser, ip));
    const csrf = await browser.csrf();
    return browser.post(
      '/signin/root/password',
      { email, password, ...(altcha ? { altcha } : {}) },
      { csrf, headers: { 'x-forwarded-for': ip } },
    );
  }

  it('backs off an identifier after a few failures, the same for known and unknown emails, and lets the owner in once it is over', async () => {
    const account = await makeAccount(t.deps);
    const unknown = uniqueEmail('nobody');
    const browser = new Browser(t.app);
    for (let i = 0; i < 5; i++) {
      const known = await rootAttempt(browser, account.email, 'wrong password', attacker(i));
      const other = await rootAttempt(browser, unknown, 'wrong password', attacker(100 + i));
      expect(known.statusCode).toBe(401);
      expect(comparable(known, account.email)).toEqual(comparable(other, unknown));
    }
    const throttledBefore = t.deps.guard.metrics.signIns.get('throttled') ?? 0;
    // Backing off: even the right password gets the generic failure, unchecked.
    const held = await rootAttempt(browser, account.email, ROOT_PASSWORD, attacker(6));
    const heldUnknown = await rootAttempt(browser, unknown, ROOT_PASSWORD, attacker(106));
    expect(held.statusCode).toBe(401);
    expect(held.body).toContain('Your sign-in details are incorrect');
    expect(comparable(held, account.email)).toEqual(comparable(heldUnknown, unknown));
    expect(t.deps.guard.metrics.signIns.get('throttled')).toBe(throttledBefore + 2);
    t.clock.advance(31_000);
    expect((await rootAttempt(browser, account.email, ROOT_PASSWORD, attacker(7))).statusCode).toBe(303);
  });

  it('asks for the security check once failures mount, and refuses one that is replayed or expired', async () => {
    const account = await makeAccount(t.deps);
    const browser = new Browser(t.app);
    for (let i = 0; i < 3; i++)
      expect((await rootAttempt(browser, account.email, 'wrong', attacker(200 + i), { solve: false })).statusCode).toBe(
        401,
      );
    const asked = await rootAttempt(browser, account.email, ROOT_PASSWORD, attacker(210), { solve: false });
    expect(asked.statusCode).toBe(401);
    expect(asked.body).toContain('<altcha-widget challenge="/security-check/challenge"');
    expect(asked.body).toContain('Complete the security check, then send the form again.');
    expect(asked.body).toContain('Your attempt was not checked yet: nothing you typed was compared.');
    expect(asked.body).toContain('works without it');

    const solved = await check(browser, attacker(211));
    const first = await rootAttempt(browser, account.email, 'still wrong', attacker(211), { altcha: solved });
    expect(first.body).toContain('Your sign-in details are incorrect');
    const replayed = await rootAttempt(browser, account.email, ROOT_PASSWORD, attacker(212), { altcha: solved });
    expect(replayed.body).toContain('That security check was already used — it has been refreshed; try again.');

    const stale = await check(browser, attacker(213));
    t.clock.advance(10 * MINUTE + 1_000);
    const expired = await rootAttempt(browser, account.email, ROOT_PASSWORD, attacker(213), { altcha: stale });
    expect(expired.body).toContain('The security check expired — it has been refreshed; try again.');
    expect((await rootAttempt(browser, account.email, ROOT_PASSWORD, attacker(214))).statusCode).toBe(303);
  });

  it('records refused links only while their source has tokens left, and answers every one the same', async () => {
    const account = await makeAccount(t.deps);
    const link = await t.deps.db
      .transaction()
      .execute((tx) => mintUnlockLink(tx, t.deps, rootIdentifier(account.email)));
    const token = new URL(link).searchParams.get('token')!;
    const tampered = `${token.slice(0, -2)}${token.endsWith('aa') ? 'bb' : 'aa'}`;
    const browser = new Browser(t.app);
    const pages = [];
    for (let i = 0; i < 40; i++)
      pages.push(await browser.get(`/signin/unlock?token=${tampered}`, { 'x-forwarded-for': '100.64.9.77' }));
    for (const page of pages) {
      expect(page.statusCode).toBe(400);
      expect(maskReference(page.body)).toBe(maskReference(pages[0]!.body));
    }
    const stored = await t.deps.db
      .selectFrom('support_references')
      .select('reference')
      .where('account_id', '=', account.id)
      .where('flow', '=', 'unlock')
      .execute();
    expect(stored).toHaveLength(t.config.throttle.ipBurst);
  });

  it('admits a trusted browser by its own bucket while a flood from its very address is refused', async () => {
    const account = await makeAccount(t.deps);
    const own = await makeAccount(t.deps);
    const shared = '198.51.100.20';
    const owner = new Browser(t.app);
    expect((await rootAttempt(owner, account.email, ROOT_PASSWORD, shared)).statusCode).toBe(303);
    // Someone else signs in to their own account elsewhere: their browser is trusted for that account only.
    const intruder = new Browser(t.app);
    expect((await rootAttempt(intruder, own.email, ROOT_PASSWORD, '203.0.113.50')).statusCode).toBe(303);

    const refusedBefore = t.deps.guard.metrics.throttled.get('source') ?? 0;
    const flood = new Browser(t.app);
    for (let i = 0; i < 40; i++) await rootAttempt(flood, uniqueEmail('flood'), 'guess', shared, { solve: false });
    expect(t.deps.guard.metrics.throttled.get('source') ?? 0).toBeGreaterThan(refusedBefore);

    const newcomer = await rootAttempt(new Browser(t.app), account.email, ROOT_PASSWORD, shared);
    expect(newcomer.statusCode).toBe(401);
    expect((await rootAttempt(intruder, account.email, ROOT_PASSWORD, shared)).statusCode).toBe(401);
    expect((await rootAttempt(owner, account.email, ROOT_PASSWORD, shared)).statusCode).toBe(303);
    // Past its own allowance, a trusted browser still has what any browser has: its source's.
    for (let i = 0; i < t.config.throttle.ipBurst + 5; i++) {
      expect((await rootAttempt(owner, account.email, ROOT_PASSWORD, attacker(600 + i))).statusCode).toBe(303);
    }
  });

  it('keeps the owner on a trusted device signing in through an attack and past the hard stop; the emailed link lifts the stop', async () => {
    const account = await makeAccount(t.deps);
    const unknown = uniqueEmail('nobody');
    const owner = new Browser(t.app);
    expect((await rootAttempt(owner, account.email, ROOT_PASSWORD, OWNER_IP)).statusCode).toBe(303);
    expect(owner.cookies.has(DEVICE_COOKIE)).toBe(true);

    const thief = new Browser(t.app);
    for (let i = 0; i < 100; i++) {
      t.clock.advance(HOUR + 1_000);
      const known = await rootAttempt(thief, account.email, `guess ${i}`, attacker(300 + i));
      const other = await rootAttempt(thief, unknown, `guess ${i}`, attacker(300 + i));
      expect(comparable(known, account.email)).toEqual(comparable(other, unknown));
      expect(known.statusCode).toBe(401);
      if (i === 50) expect((await rootAttempt(owner, account.email, ROOT_PASSWORD, OWNER_IP)).statusCode).toBe(303);
    }
    expect(
      (
        await t.deps.guard.throttle.state(
          { identifier: rootIdentifier(account.email), deviceId: null },
          'password',
          t.clock.now(),
        )
      ).stopped,
    ).toBe(true);

    // Stopped: the right password from anywhere new fails as any other attempt, known or not.
    t.clock.advance(2 * HOUR);
    const stopped = await rootAttempt(thief, account.email, ROOT_PASSWORD, attacker(500));
    expect(comparable(stopped, account.email)).toEqual(
      comparable(await rootAttempt(thief, unknown, ROOT_PASSWORD, attacker(501)), unknown),
    );
    expect(stopped.statusCode).toBe(401);
    // The owner's browser has its own budget.
    expect((await rootAttempt(owner, account.email, ROOT_PASSWORD, OWNER_IP)).statusCode).toBe(303);

    await settleAfterResponse(t.deps);
    const mail = (await listOutboxMail(t.deps, { limit: 20, recipient: account.email })).find(
      (m) => m.template === 'sign-in-unlock',
    );
    expect(mail?.text).toContain('Your password stays as it is');
    const link = linksIn(mail!.text).find((l) => l.includes('/signin/unlock'))!;
    const path = link.slice(t.deps.publicUrl.length);
    const opened = await thief.get(path);
    expect(opened.statusCode).toBe(200);
    const token = new URL(link).searchParams.get('token')!;
    const lifted = await thief.post('/signin/unlock', { token }, { csrfFrom: path });
    expect(lifted.body).toContain('Sign-in stop lifted');
    const spent = await thief.post('/signin/unlock', { token }, { csrfFrom: '/signin?choose=1' });
    expect(spent.statusCode).toBe(400);
    // The refusal carries a reference the root user can look up: it says the link was used.
    expect(await lookUpReference(t.deps, account.id, referenceIn(spent.body))).toMatchObject([
      { flow: 'unlock', reason: 'LinkAlreadyUsed', targetName: 'root' },
    ]);
    const tampered = await thief.get(`/signin/unlock?token=${token.slice(0, -2)}${token.endsWith('aa') ? 'bb' : 'aa'}`);
    expect(tampered.statusCode).toBe(400);
    expect(await lookUpReference(t.deps, account.id, referenceIn(tampered.body))).toMatchObject([
      { reason: 'WrongSecret' },
    ]);
    expect((await rootAttempt(new Browser(t.app), account.email, ROOT_PASSWORD, attacker(502))).statusCode).toBe(303);
  }, 120_000);

  it("shows administrators a user's failures, lock and networks, and lets them unlock sign-in", async () => {
    const account = await makeAccount(t.deps);
    await makeUser(t.deps, account.id, 'alice');
    const admin = new Browser(t.app);
    expect((await rootAttempt(admin, account.email, ROOT_PASSWORD, OWNER_IP)).statusCode).toBe(303);
    const thief = new Browser(t.app);
    for (let i = 0; i < 6; i++) {
      const altcha = await check(thief, attacker(600 + i));
      const csrf = await thief.csrf();
      const r = await thief.post(
        `/signin/${account.id}`,
        { userName: 'alice', password: `guess ${i}`, altcha },
        { csrf, headers: { 'x-forwarded-for': attacker(600 + i) } },
      );
      expect(r.statusCode).toBe(401);
    }
    const panel = await admin.get('/console/users/alice');
    expect(panel.body).toContain('Sign-in attempts');
    expect(panel.body).toContain('Backing off after 5 failures in a row: locked until');
    expect(panel.body).toContain('10.3.100.0/24');
    const unlocked = await admin.post('/console/users/alice/unlock-sign-in', {}, { csrfFrom: '/console/users/alice' });
    expect(unlocked.headers.location).toBe('/console/users/alice?done=sign-in-unlocked');
    expect((await admin.get('/console/users/alice')).body).toContain(
      'No failed attempts since the last successful sign-in',
    );
    const csrf = await thief.csrf();
    const alice = await thief.post(
      `/signin/${account.id}`,
      { userName: 'alice', password: USER_PASSWORD },
      { csrf, headers: { 'x-forwarded-for': '192.0.2.99' } },
    );
    expect(alice.statusCode).toBe(303);
  });

  it('refuses a flood from one address before any hashing', async () => {
    const browser = new Browser(t.app);
    const before = t.deps.guard.metrics.throttled.get('source') ?? 0;
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++)
      statuses.push(
        (await rootAttempt(browser, uniqueEmail('flood'), 'x', '203.0.113.50', { solve: false })).statusCode,
      );
    expect(statuses.every((s) => s === 401)).toBe(true);
    expect(t.deps.guard.metrics.throttled.get('source')).toBe(before + 1);
  });

  it('requires a change after sign-in when the password turns out to be on the blocklist', async () => {
    const account = await makeAccount(t.deps);
    await updateRootPasswordHash(t.deps.db, account.id, await t.deps.hasher.hash('password123'), null);
    const response = await rootAttempt(new Browser(t.app), account.email, 'password123', '192.0.2.77');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/console/change-password');
  });

  it('always asks for the check on recovery forms and says what was wrong with it', async () => {
    const browser = new Browser(t.app);
    const page = await browser.get('/signin/forgot');
    expect(page.body).toContain('<altcha-widget');
    const missing = await browser.post(
      '/signin/forgot',
      { email: uniqueEmail() },
      { securityCheck: false, csrfFrom: '/signin/forgot' },
    );
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('Complete the security check');
    const stale = await browser.solveSecurityCheck();
    t.clock.advance(11 * MINUTE);
    const expired = await browser.post(
      '/signin/find-account',
      { email: uniqueEmail(), altcha: stale },
      { csrfFrom: '/signin/find-account' },
    );
    expect(expired.body).toContain('The security check expired — it has been refreshed; try again.');
    expect(
      (await browser.post('/signin/find-account', { email: uniqueEmail() }, { csrfFrom: '/signin/find-account' }))
        .statusCode,
    ).toBe(200);
    const help = await browser.get('/signin/help');
    expect(help.body).toContain('id="security-check"');
  });

  it('slows a flood of recovery requests from one address, with a plain message and no hint about any account', async () => {
    const browser = new Browser(t.app);
    const csrf = await browser.csrf('/signin/forgot');
    const statuses: number[] = [];
    let last = '';
    for (let i = 0; i < 31; i++) {
      const r = await browser.post(
        '/signin/forgot',
        { email: uniqueEmail() },
        { csrf, headers: { 'x-forwarded-for': '198.51.100.20' } },
      );
      statuses.push(r.statusCode);
      last = r.body;
    }
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses[30]).toBe(429);
    expect(last).toContain('Too many requests came from your network. Wait a minute, then try again.');
  });

  it('reports sign-ins by outcome, throttles, checks and the hash queue at /metrics', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.headers['content-type']).toContain('text/plain; version=0.0.4');
    for (const line of [
      /^gatehouse_signins_total\{outcome="success"\} [1-9]/m,
      /^gatehouse_signins_total\{outcome="throttled"\} [1-9]/m,
      /^gatehouse_throttled_total\{layer="source"\} [1-9]/m,
      /^gatehouse_security_checks_issued_total [1-9]/m,
      /^gatehouse_security_checks_solved_total [1-9]/m,
      /^gatehouse_hash_queue_depth 0$/m,
      /^gatehouse_hash_active 0$/m,
    ])
      expect(response.body).toMatch(line);
  });
});
