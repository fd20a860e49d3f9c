import { randomBytes } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import * as client from 'openid-client';
import { escapeHtml } from '../../src/shared/html.ts';
import { listenHttp } from './listen.ts';

/**
 * A small web application that signs people in with Gatehouse, as any other application would:
 * a node:http server on 127.0.0.1 using openid-client. `/login` sends the browser to the
 * issuer with PKCE, state and nonce; `/callback` exchanges the code, validates the ID token,
 * calls userinfo and shows both sets of claims as JSON (`#id-token`, `#userinfo`), or the
 * reason it could not (`#error`).
 */
export interface RelyingParty {
  /** `http://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

export interface RelyingPartyClient {
  clientId: string;
  clientSecret: string;
}

const STATE_COOKIE = 'rp_login';

export async function startRelyingParty(options: {
  issuer: string;
  scope: string;
  /** Registers the application with the issuer, once its callback URL is known. */
  register(redirectUri: string): Promise<RelyingPartyClient>;
}): Promise<RelyingParty> {
  // What each browser's login started with, by the random ID its cookie carries.
  const logins = new Map<string, { verifier: string; state: string; nonce: string }>();
  let config: client.Configuration | undefined;
  let redirectUri = '';

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) =>
      send(response, 500, `<pre id="error">${escapeHtml(reasonOf(error))}</pre>`),
    );
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', redirectUri);
    if (!config) throw new Error('the application is not registered yet');
    if (url.pathname === '/login') {
      const login = {
        verifier: client.randomPKCECodeVerifier(),
        state: client.randomState(),
        nonce: client.randomNonce(),
      };
      const id = randomBytes(16).toString('hex');
      logins.set(id, login);
      const target = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: options.scope,
        code_challenge: await client.calculatePKCECodeChallenge(login.verifier),
        code_challenge_method: 'S256',
        state: login.state,
        nonce: login.nonce,
      });
      response.writeHead(302, {
        location: target.href,
        'set-cookie': `${STATE_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax`,
      });
      response.end();
      return;
    }
    if (url.pathname === '/callback') {
      const id = cookieOf(request, STATE_COOKIE);
      const login = id ? logins.get(id) : undefined;
      if (!id || !login) throw new Error('no login was started in this browser');
      logins.delete(id);
      const tokens = await client.authorizationCodeGrant(config, url, {
        pkceCodeVerifier: login.verifier,
        expectedState: login.state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims()!;
      const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      send(
        response,
        200,
        `<h1>Signed in as ${escapeHtml(String(claims.preferred_username ?? claims.sub))}</h1>
<h2>ID token</h2><pre id="id-token">${escapeHtml(JSON.stringify(claims, null, 2))}</pre>
<h2>Userinfo</h2><pre id="userinfo">${escapeHtml(JSON.stringify(userinfo, null, 2))}</pre>`,
      );
      return;
    }
    send(response, 200, '<a href="/login">Sign in with Gatehouse</a>');
  }

  const url = await listenHttp(server);
  redirectUri = `${url}/callback`;
  try {
    const registered = await options.register(redirectUri);
    config = await client.discovery(
      new URL(options.issuer),
      registered.clientId,
      undefined,
      client.ClientSecretBasic(registered.clientSecret),
      { execute: [client.allowInsecureRequests] },
    );
  } catch (error) {
    await close(server);
    throw error;
  }
  return { url, close: () => close(server) };
}

function send(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  response.end(`<!doctype html><html lang="en"><title>Wiki</title><body>${body}</body></html>`);
}

function cookieOf(request: IncomingMessage, name: string): string | undefined {
  for (const pair of (request.headers.cookie ?? '').split(/;\s*/)) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq) === name) return pair.slice(eq + 1);
  }
  return undefined;
}

function reasonOf(error: unknown): string {
  const e = error as { message?: string; error?: string; error_description?: string };
  return [e.message, e.error, e.error_description].filter(Boolean).join(' — ') || String(error);
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
