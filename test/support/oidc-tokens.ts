import * as client from 'openid-client';
import { CLI_ACTOR, SYSTEM_META } from '../../src/audit/audit.service.ts';
import { createClient } from '../../src/oidc/oidc-client.service.ts';
import type { Browser, TestContext } from './harness.ts';

const CALLBACK = 'https://app.example/callback';

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
    { name: 'Deploy tool', redirectUris: [CALLBACK], postLogoutRedirectUris: [], public: true, firstParty: true },
    CLI_ACTOR,
    SYSTEM_META,
  );
  const config = await client.discovery(new URL(issuer), registered.clientId, undefined, client.None(), {
    execute: [client.allowInsecureRequests],
  });
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  let location = client.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: 'openid',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  }).href;
  const origin = new URL(issuer).origin;
  // Redirects, and the page that refreshes back to the application, until the callback.
  while (!location.startsWith(CALLBACK)) {
    const response = await browser.get(location.startsWith(origin) ? location.slice(origin.length) : location);
    const refresh = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(response.body);
    if (refresh) location = refresh[1]!.replaceAll('&amp;', '&');
    else if (response.statusCode === 302 || response.statusCode === 303) location = String(response.headers.location);
    else throw new Error(`the sign-in stopped at ${location} (HTTP ${response.statusCode})`);
  }
  const tokens = await client.authorizationCodeGrant(config, new URL(location), {
    pkceCodeVerifier: verifier,
    expectedState: state,
  });
  return { idToken: tokens.id_token!, clientId: registered.clientId };
}
