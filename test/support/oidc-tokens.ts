import type { LightMyRequestResponse } from 'fastify';
import * as client from 'openid-client';
import { CLI_ACTOR, SYSTEM_META } from '../../src/audit/audit.service.ts';
import { createClient } from '../../src/oidc/oidc-client.service.ts';
import type { Browser, TestContext } from './harness.ts';

/** Where the test applications live, and where their sign-ins come back to. */
const APPLICATION = 'https://app.example/';
export const APP_CALLBACK = `${APPLICATION}callback`;

/**
 * An authorization request for code + PKCE (S256) back to APP_CALLBACK, with a state and a
 * nonce (scope `openid` unless `params` says otherwise), and the checks its code's exchange needs.
 */
export async function authorizationRequest(config: client.Configuration, params: Record<string, string> = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: APP_CALLBACK,
    scope: 'openid',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...params,
  });
  return { url: url.href, checks: { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce } };
}

/**
 * Follows redirects in `browser` (a browser of the Gatehouse at `origin`) from `start`, and the
 * page that refreshes back to the application (src/oidc/oidc.pages.ts), until it leaves for the
 * application (`page` null) or stops at a page (`location` its path).
 */
export async function followToApplication(
  browser: Browser,
  origin: string,
  start: string,
): Promise<{ location: string; page: LightMyRequestResponse | null }> {
  let location = start;
  for (let hop = 0; hop < 12; hop++) {
    if (location.startsWith(APPLICATION)) return { location, page: null };
    const url = location.startsWith(origin) ? location.slice(origin.length) : location;
    const response = await browser.get(url);
    const refresh = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(response.body);
    if (response.statusCode === 200 && refresh) {
      location = refresh[1]!.replaceAll('&amp;', '&');
      continue;
    }
    if (response.statusCode !== 302 && response.statusCode !== 303) return { location: url, page: response };
    location = String(response.headers.location);
  }
  throw new Error('too many redirects');
}

/**
 * A Gatehouse ID token got the way an application gets one: a first-party public client of
 * `accountId` is registered, and the signed-in `browser` goes through code + PKCE at `issuer`
 * (Gatehouse listening at its PUBLIC_URL); openid-client exchanges the code. The person must be
 * allowed `gatehouse:SignInToClient` on the client.
 */
export async function gatehouseIdToken(
  t: TestContext,
  issuer: string,
  accountId: string,
  browser: Browser,
): Promise<{ idToken: string; clientId: string }> {
  const { client: registered } = await createClient(
    t.deps,
    accountId,
    { name: 'Deploy tool', redirectUris: [APP_CALLBACK], postLogoutRedirectUris: [], public: true, firstParty: true },
    CLI_ACTOR,
    SYSTEM_META,
  );
  const config = await client.discovery(new URL(issuer), registered.clientId, undefined, client.None(), {
    execute: [client.allowInsecureRequests],
  });
  const request = await authorizationRequest(config);
  const ended = await followToApplication(browser, new URL(issuer).origin, request.url);
  if (ended.page) throw new Error(`the sign-in stopped at ${ended.location} (HTTP ${ended.page.statusCode})`);
  const tokens = await client.authorizationCodeGrant(config, new URL(ended.location), request.checks);
  return { idToken: tokens.id_token!, clientId: registered.clientId };
}
