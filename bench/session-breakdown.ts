/**
 * Where a session check (GET /console) spends its time, piece by piece, in one process
 * and without sockets: `npx tsx bench/session-breakdown.ts [--iterations 20000] [--rounds 20]`.
 * Each piece runs sequentially after a warm-up; the table shows the median round's CPU µs
 * per call (this process's CPU time, so other processes on the machine matter less) and wall µs.
 */
import { parseArgs } from 'node:util';
import cookie from '@fastify/cookie';
import SQLite from 'better-sqlite3';
import Fastify, { type FastifyInstance } from 'fastify';
import { loadPrincipal } from '../src/identities/principal.ts';
import { loadConsoleNotices } from '../src/activity/activity.service.ts';
import { consoleAbilities } from '../src/authz/console-abilities.ts';
import { loadMfaNudge } from '../src/mfa/mfa-console.service.ts';
import { mfaRequiredFor } from '../src/mfa/mfa-signin.service.ts';
import { getOwnPasswordStatus } from '../src/password-policy/password-policy.service.ts';
import { checkSession, checkSessionWithPrincipal } from '../src/sessions/session.service.ts';
import { hmac, parseToken, sha256 } from '../src/shared/secrets.ts';
import { addSecurityHeaders } from '../src/web/security-headers.ts';
import { HttpConnection, cookieHeader, cookiesFrom, formBody } from './http-client.ts';
import { startServer } from './server.ts';
import { type Piece, printBreakdown } from './breakdown.ts';

async function bareApp(options: { cookies: boolean; securityHeaders: boolean }): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  if (options.securityHeaders) addSecurityHeaders(app, { https: false });
  if (options.cookies) await app.register(cookie);
  app.get('/page', async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
  await app.ready();
  return app;
}

/** Roughly the size of the console page. */
const PAGE = `<!doctype html>${'<p>Gatehouse console</p>'.repeat(80)}`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { iterations: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '20' } },
  });
  const iterations = Number(values.iterations);
  const rounds = Number(values.rounds);
  const server = await startServer();
  try {
    const { target, runtime, app } = server;
    const [userName] = await target.createUsers('breakdown', 1, 'bench password for sign-in 1');
    const connection = new HttpConnection(target.baseUrl);
    const signInPage = await connection.send({ method: 'GET', path: `/signin/${target.accountRef}` });
    const csrf = /name="_csrf" value="([0-9a-f]{64})"/.exec(signInPage.body)?.[1] ?? '';
    const jar = cookiesFrom(signInPage);
    const signedIn = await connection.send({
      method: 'POST',
      path: `/signin/${target.accountRef}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(jar) },
      body: formBody({ _csrf: csrf, userName: userName!, password: 'bench password for sign-in 1' }),
    });
    connection.close();
    for (const [name, value] of cookiesFrom(signedIn)) jar.set(name, value);
    const cookies = cookieHeader(jar);
    const token = [...jar].find(([name]) => name.endsWith('gh_session'))?.[1];
    const session = await checkSession(runtime.deps, token);
    if (!session) throw new Error('sign-in did not give a session');

    const principal = (await loadPrincipal(runtime.deps.db, session.accountId, session.principalId))!;
    const dbFile = server.config.databaseUrl.slice('sqlite:'.length);
    const raw = new SQLite(dbFile, { readonly: true });
    const prepared = raw.prepare('select * from "sessions" where "id" = ?');
    const id = parseToken(token)!.id;
    const plain = await bareApp({ cookies: false, securityHeaders: false });
    const withCookies = await bareApp({ cookies: true, securityHeaders: false });
    const withHeaders = await bareApp({ cookies: false, securityHeaders: true });
    const key = Buffer.alloc(32, 1);
    const who = {
      principal,
      context: { 'aws:SourceIp': '127.0.0.1', 'aws:SecureTransport': 'false', 'aws:MultiFactorAuthPresent': 'false' },
    };

    const pieces: Piece[] = [
      {
        name: 'app.inject GET /console (whole request, no socket)',
        run: () => app.inject({ method: 'GET', url: '/console', headers: { cookie: cookies } }),
      },
      {
        name: 'app.inject GET /healthz, same cookies (framework + global hooks)',
        run: () => app.inject({ method: 'GET', url: '/healthz', headers: { cookie: cookies } }),
      },
      {
        name: 'checkSession (1 SELECT through Kysely + SHA-256 compare)',
        run: () => checkSession(runtime.deps, token),
      },
      {
        name: 'loadPrincipal (account + user SELECTs through Kysely)',
        run: () => loadPrincipal(runtime.deps.db, session.accountId, session.principalId),
      },
      {
        name: 'checkSessionWithPrincipal (what signed-in pages use: one joined SELECT)',
        run: () => checkSessionWithPrincipal(runtime.deps, token),
      },
      { name: 'consoleAbilities (policy decisions for the nav links)', run: () => consoleAbilities(runtime.deps, who) },
      { name: 'mfaRequiredFor (guard: MFA owed?)', run: () => mfaRequiredFor(runtime.deps.db, principal.id) },
      {
        name: 'getOwnPasswordStatus (console: expiry warning)',
        run: () => getOwnPasswordStatus(runtime.deps, principal),
      },
      { name: 'loadMfaNudge (console: add MFA?)', run: () => loadMfaNudge(runtime.deps, principal, false) },
      {
        name: 'loadConsoleNotices (console: failures since last sign-in)',
        run: () => loadConsoleNotices(runtime.deps, principal, false),
      },
      {
        name: 'Kysely: SELECT session by id',
        run: () => runtime.deps.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst(),
      },
      {
        name: 'Kysely: compile that SELECT only',
        run: () => runtime.deps.db.selectFrom('sessions').selectAll().where('id', '=', id).compile(),
      },
      {
        name: 'better-sqlite3: prepare + get (what Kysely does each query)',
        run: () => raw.prepare('select * from "sessions" where "id" = ?').get(id),
      },
      { name: 'better-sqlite3: get on a statement prepared once', run: () => prepared.get(id) },
      {
        name: 'CSRF token (HMAC-SHA-256) + session compare (SHA-256)',
        run: () => [hmac(key, 'nonce-nonce-nonce-nonce-nonce-no'), sha256('secret')],
      },
      { name: 'bare Fastify, same page, no plugins', run: () => plain.inject({ method: 'GET', url: '/page' }) },
      {
        name: 'bare Fastify + @fastify/cookie parsing these cookies',
        run: () => withCookies.inject({ method: 'GET', url: '/page', headers: { cookie: cookies } }),
      },
      { name: 'bare Fastify + security headers hook', run: () => withHeaders.inject({ method: 'GET', url: '/page' }) },
    ];
    await printBreakdown(pieces, iterations, rounds);
    raw.close();
    await Promise.all([plain.close(), withCookies.close(), withHeaders.close()]);
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
