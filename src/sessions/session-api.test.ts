import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { giveAuthenticator, signInUser } from '../../test/support/console.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { type Instance, twoInstances } from '../../test/support/instances.ts';
import { ROOT_PASSWORD, USER_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { Browser, type TestContext } from '../../test/support/harness.ts';
import { StatementRecorder } from '../../test/support/statements.ts';
import { buildApp } from '../app.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import type { Deps } from '../deps.ts';
import { HOUR, MINUTE } from '../shared/clock.ts';
import { updateUser } from '../users/user-admin.service.ts';
import { setUserPassword } from '../users/user.service.ts';

/**
 * `GET /console/api/session` and the session cache behind it, on two app instances sharing
 * one database (a SQLite file, or PostgreSQL) as two processes would: A is the test context's
 * own deps (its app records every statement), B has a database connection, feed and caches of
 * its own. Neither polls in the background: each test polls when it says so, so what a cache
 * may serve at each step is known (no timing).
 */
describe.each(DIALECTS)('the session API on %s', (dialect) => {
  let t: TestContext;
  let a: Instance;
  let b: Instance;
  let closeAll: () => Promise<void>;
  let recorder: StatementRecorder;
  let account: Awaited<ReturnType<typeof makeAccount>>;

  beforeAll(async () => {
    const instances = await twoInstances(dialect);
    ({ t, b } = instances);
    recorder = new StatementRecorder();
    // A serves through an app of its own on the context's deps, whose every statement is recorded.
    const depsA: Deps = { ...t.deps, db: t.deps.db.withPlugin(recorder) };
    const appA = await buildApp(t.config, depsA, { logger: false });
    await appA.ready();
    await t.deps.invalidations.stop();
    a = { app: appA, deps: depsA, close: () => appA.close() };
    closeAll = async () => {
      await a.close();
      await instances.close();
    };
    account = await makeAccount(t.deps, { alias: `session-api-${dialect}` });
  });
  afterAll(() => closeAll());

  const pollBoth = async () => {
    await t.deps.invalidations.pollNow();
    await b.deps.invalidations.pollNow();
  };
  /** Time passing with both instances polling all along, as their background polling does. */
  async function passTime(ms: number): Promise<void> {
    const step = t.deps.invalidations.settings.freshForMs;
    for (let passed = 0; passed < ms; passed += step) {
      t.clock.advance(Math.min(step, ms - passed));
      await pollBoth();
    }
  }
  const ask = (browser: Browser, app = a.app) =>
    app.inject({ method: 'GET', url: '/console/api/session', headers: { cookie: browser.cookieHeader() } });
  /** The same browser's cookies, sent to instance B (as a load balancer would). */
  const onB = (browser: Browser) => {
    const other = new Browser(b.app);
    for (const [name, value] of browser.cookies) other.cookies.set(name, value);
    return other;
  };
  const iso = (offsetMs = 0) => new Date(t.clock.now().getTime() + offsetMs).toISOString();
  const lastSeenAt = async (browser: Browser) => {
    const id = browser.cookies.get('gh_session')!.split('.')[0]!;
    return (await t.deps.db.selectFrom('sessions').select('last_seen_at').where('id', '=', id).executeTakeFirst())
      ?.last_seen_at;
  };
  async function signedInUser(name: string): Promise<Browser> {
    await makeUser(t.deps, account.id, name);
    return signInUser({ ...t, app: a.app }, account.id, name);
  }

  it('answers 401 with a JSON error for no session, a malformed or unknown token, or a wrong secret', async () => {
    const browser = await signedInUser('nobody-else');
    const [id, secret] = browser.cookies.get('gh_session')!.split('.') as [string, string];
    const wrong = `${id}.${secret.slice(0, -1)}${secret.endsWith('a') ? 'b' : 'a'}`;
    for (const cookie of [undefined, 'gh_session=', 'gh_session=nonsense', `gh_session=${wrong}`]) {
      const response = await a.app.inject({
        method: 'GET',
        url: '/console/api/session',
        headers: cookie ? { cookie } : {},
      });
      expect(response.statusCode, String(cookie)).toBe(401);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.json()).toEqual({ error: { code: 'NotSignedIn', message: 'There is no valid session.' } });
      expect(response.headers['cache-control']).toBe('no-store');
    }
    expect((await ask(browser)).statusCode).toBe(200);
  });

  it("tells an IAM user's session: principal, MFA, expiry, restriction", async () => {
    const browser = await signedInUser('alice');
    const user = (await t.deps.db.selectFrom('users').select('id').where('name', '=', 'alice').executeTakeFirst())!;
    const response = await ask(browser);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      principal: {
        type: 'user',
        arn: `arn:aws:iam::${account.id}:user/alice`,
        accountId: account.id,
        userId: user.id,
        userName: 'alice',
      },
      mfa: { present: false, authenticatedAt: null },
      expiresAt: iso(t.deps.sessionMaxMs),
      idleExpiresAt: iso(t.deps.sessionIdleMs),
      restriction: null,
    });
  });

  it("tells the root user's session", async () => {
    const browser = new Browser(a.app);
    await browser.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD });
    expect((await ask(browser)).json()).toMatchObject({
      principal: { type: 'root', arn: `arn:aws:iam::${account.id}:root`, accountId: account.id },
      restriction: null,
    });
    expect(Object.keys((await ask(browser)).json().principal).sort()).toEqual(['accountId', 'arn', 'type']);
  });

  it('tells what a session still owes, and when MFA was proved', async () => {
    await makeUser(t.deps, account.id, 'must-change', { passwordResetRequired: true });
    const changing = new Browser(a.app);
    await changing.post(`/signin/${account.id}`, { userName: 'must-change', password: USER_PASSWORD });
    expect((await ask(changing)).json()).toMatchObject({ restriction: 'password_change_required' });

    const user = await makeUser(t.deps, account.id, 'with-mfa');
    const device = await giveAuthenticator(t, account.id, user.id, 'phone');
    const waiting = new Browser(a.app);
    await waiting.post(`/signin/${account.id}`, { userName: 'with-mfa', password: USER_PASSWORD });
    expect((await ask(waiting)).json()).toMatchObject({
      restriction: 'mfa_required',
      mfa: { present: false, authenticatedAt: null },
    });
    const proved = await signInUser({ ...t, app: a.app }, account.id, 'with-mfa', { mfa: device });
    const body = (await ask(proved)).json();
    expect(body).toMatchObject({ restriction: null, mfa: { present: true } });
    expect(Date.parse(body.mfa.authenticatedAt)).toBeLessThanOrEqual(t.clock.now().getTime());
  });

  it('answers from the cache without a query while the feed vouches for it, and records activity at most once a minute', async () => {
    const browser = await signedInUser('regular');
    const signedInAt = await lastSeenAt(browser);
    await passTime(30_000);
    recorder.start();
    expect((await ask(browser)).statusCode).toBe(200);
    expect(recorder.stop().length).toBeGreaterThan(0);
    expect((await ask(onB(browser), b.app)).statusCode).toBe(200);
    recorder.start();
    expect((await ask(browser)).json().idleExpiresAt).toBe(
      new Date(Date.parse(signedInAt!) + t.deps.sessionIdleMs).toISOString(),
    );
    expect(recorder.stop()).toEqual([]);
    expect(await lastSeenAt(browser)).toBe(signedInAt);

    // A minute after the last recorded activity, one write.
    await passTime(30_000);
    recorder.start();
    expect((await ask(browser)).json().idleExpiresAt).toBe(iso(t.deps.sessionIdleMs));
    expect(recorder.stop()).toEqual(['UpdateQueryNode(sessions)']);
    const touchedAt = await lastSeenAt(browser);
    expect(touchedAt).toBe(iso());
    recorder.start();
    expect((await ask(browser)).statusCode).toBe(200);
    expect(recorder.stop()).toEqual([]);

    // B kept the session before A recorded activity; its own turn comes a second later and writes nothing over A's.
    await passTime(1_000);
    expect((await ask(onB(browser), b.app)).statusCode).toBe(200);
    expect(await lastSeenAt(browser)).toBe(touchedAt);
  });

  it('serves nothing a sign-out ended: at once on the instance that signed out, after one poll on another', async () => {
    const browser = await signedInUser('leaving');
    const token = browser.cookies.get('gh_session')!;
    const withToken = (app: FastifyInstance) =>
      app.inject({ method: 'GET', url: '/console/api/session', headers: { cookie: `gh_session=${token}` } });
    await pollBoth();
    expect((await withToken(a.app)).statusCode).toBe(200);
    expect((await withToken(b.app)).statusCode).toBe(200);
    recorder.start();
    expect((await withToken(a.app)).statusCode).toBe(200);
    expect(recorder.stop()).toEqual([]);

    expect((await browser.post('/signout', {}, { csrfFrom: '/console' })).statusCode).toBe(303);
    expect((await withToken(a.app)).statusCode).toBe(401);
    // B has not polled: it may serve what it kept, within the bound.
    expect((await withToken(b.app)).statusCode).toBe(200);
    await b.deps.invalidations.pollNow();
    expect((await withToken(b.app)).statusCode).toBe(401);
  });

  it('stops serving from a cache whose feed has not polled within freshForMs, whatever it holds', async () => {
    const browser = await signedInUser('unpolled');
    const token = browser.cookies.get('gh_session')!;
    const onBOnly = () =>
      b.app.inject({ method: 'GET', url: '/console/api/session', headers: { cookie: `gh_session=${token}` } });
    await pollBoth();
    expect((await onBOnly()).statusCode).toBe(200);
    // The user's password is reset on A: every session of the user ends. B does not poll.
    await setUserPassword(t.deps, account.id, 'unpolled', 'a brand new password 77', false, CLI_ACTOR, SYSTEM_META);
    expect((await onBOnly()).statusCode).toBe(200);
    t.clock.advance(b.deps.invalidations.settings.freshForMs);
    expect((await onBOnly()).statusCode).toBe(200);
    t.clock.advance(1);
    expect((await onBOnly()).statusCode).toBe(401);
  });

  it('shows a rename made on another instance after one poll', async () => {
    const browser = await signedInUser('before-rename');
    await pollBoth();
    expect((await ask(onB(browser), b.app)).json().principal.userName).toBe('before-rename');
    await updateUser(t.deps, account.id, 'before-rename', { newName: 'after-rename' }, CLI_ACTOR, SYSTEM_META);
    expect((await ask(browser)).json().principal.userName).toBe('after-rename');
    await b.deps.invalidations.pollNow();
    expect((await ask(onB(browser), b.app)).json().principal).toMatchObject({
      userName: 'after-rename',
      arn: `arn:aws:iam::${account.id}:user/after-rename`,
    });
  });

  it('ends sessions that are idle or past their lifetime, cached or not', async () => {
    const idle = await signedInUser('idle');
    const old = await signedInUser('old');
    await pollBoth();
    expect((await ask(idle)).statusCode).toBe(200);
    for (let elapsed = 0; elapsed < t.deps.sessionMaxMs; elapsed += 30 * MINUTE) {
      t.clock.advance(30 * MINUTE);
      await pollBoth();
      expect((await ask(old)).statusCode, `after ${elapsed / HOUR + 0.5} h`).toBe(
        elapsed + 30 * MINUTE < t.deps.sessionMaxMs ? 200 : 401,
      );
    }
    expect((await ask(idle)).statusCode).toBe(401);
    expect((await ask(old, b.app)).statusCode).toBe(401);
  });
});
