import { createHash, randomBytes } from 'node:crypto';
import { CLI_ACTOR, SYSTEM_META } from '../src/audit/audit.service.ts';
import type { Deps } from '../src/deps.ts';
import { createClient } from '../src/oidc/oidc-client.service.ts';
import { createOidcProvider } from '../src/oidc/oidc-provider.ts';
import { providerUrls } from '../src/oidc/oidc-issuer.ts';
import { putInlinePolicy } from '../src/policies/inline-policy.service.ts';
import { findUserByName } from '../src/identities/user.repository.ts';

/** The redirect URI of the benchmark's application: never visited, only matched at the token endpoint. */
export const OIDC_BENCH_REDIRECT_URI = 'https://app.example/callback';

/** Authorization codes waiting at the token endpoint, and what exchanging them needs (crosses to the load process). */
export interface OidcCodes {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** The PKCE verifier of every code (S256 challenge). */
  codeVerifier: string;
  codes: string[];
}

/** Grants made for one batch of codes: one per this many codes, as a sign-in makes one per authorization. */
const CODES_PER_GRANT = 64;

/**
 * Registers a confidential client in `accountId`, lets `userName` sign in to it, and writes
 * `count` authorization codes for that user, as the provider's sign-in would leave them (the
 * provider's own models, in the database every instance reads), each living `ttlSeconds`
 * (longer than a real code's 60 s, so a long run does not outlive its codes). Codes share
 * grants and one PKCE verifier: the token endpoint checks each, and each is used once.
 */
export async function seedAuthorizationCodes(
  deps: Deps,
  publicUrl: URL,
  accountId: string,
  userName: string,
  count: number,
  ttlSeconds: number,
): Promise<OidcCodes> {
  const { client, clientSecret } = await createClient(
    deps,
    accountId,
    { name: `bench-${userName}`, redirectUris: [OIDC_BENCH_REDIRECT_URI], public: false, firstParty: true },
    CLI_ACTOR,
    SYSTEM_META,
  );
  await putInlinePolicy(
    deps,
    accountId,
    'user',
    userName,
    'sign-in-to-bench-app',
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'gatehouse:SignInToClient', Resource: client.arn }],
    }),
    CLI_ACTOR,
    SYSTEM_META,
  );
  const user = await findUserByName(deps.db, accountId, userName);
  if (!user) throw new Error(`no user ${userName}`);
  const provider = await createOidcProvider(deps, providerUrls(publicUrl.origin).issuer, MINTING_ONLY);
  const codeVerifier = randomBytes(32).toString('base64url');
  const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
  const scope = 'openid profile email';
  const authTime = Math.floor(Date.now() / 1000);
  const codes: string[] = [];
  for (let first = 0; first < count; first += CODES_PER_GRANT) {
    const grant = new provider.Grant({ accountId: user.id, clientId: client.clientId });
    grant.addOIDCScope(scope);
    const grantId = await grant.save();
    const batch = Array.from({ length: Math.min(CODES_PER_GRANT, count - first) }, () =>
      new provider.AuthorizationCode({
        accountId: user.id,
        clientId: client.clientId,
        grantId,
        scope,
        redirectUri: OIDC_BENCH_REDIRECT_URI,
        codeChallenge,
        codeChallengeMethod: 'S256',
        acr: 'pwd',
        amr: ['pwd'],
        authTime,
        expiresIn: ttlSeconds,
      }).save(),
    );
    codes.push(...(await Promise.all(batch)));
  }
  return {
    clientId: client.clientId,
    clientSecret: clientSecret!,
    redirectUri: OIDC_BENCH_REDIRECT_URI,
    codeVerifier,
    codes,
  };
}

/** This provider instance only writes records; browsers never reach it. */
const MINTING_ONLY = {
  interactionPath: () => '/',
  logoutPage: () => '',
  loggedOutPage: () => '',
  errorPage: () => '',
  signOut: async () => {},
  metaOf: () => SYSTEM_META,
};
