import { type Server, createServer } from 'node:http';
import { type CryptoKey, type JWTPayload, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { listenHttp } from './listen.ts';

export interface TestIssuer {
  /** `http://127.0.0.1:PORT/PATH`. */
  issuer: string;
  /** Paths asked for, in order. */
  requests: string[];
  /** An ID token of this issuer (iss set; iat and exp from `now`, an hour) signed with its published key. */
  sign(claims: JWTPayload, now: Date): Promise<string>;
  /** The same, signed by a key it does not publish (under its own kid). */
  signWithUnpublishedKey(claims: JWTPayload, now: Date): Promise<string>;
  close(): Promise<void>;
}

/**
 * A small OpenID Connect issuer on 127.0.0.1 (node:http): a discovery document and an ES256 key
 * set, for web identity tests. `answers`: `everything`; `discovery` (the key set never answers);
 * `nothing` (no request is ever answered).
 */
export async function startTestIssuer(
  options: { path?: string; answers?: 'everything' | 'discovery' | 'nothing' } = {},
): Promise<TestIssuer> {
  const answers = options.answers ?? 'everything';
  const published = await generateKeyPair('ES256');
  const unpublished = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(published.publicKey)), kid: 'published', alg: 'ES256', use: 'sig' };
  const requests: string[] = [];
  let issuer = '';
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    requests.push(path);
    if (answers === 'nothing') return;
    response.setHeader('content-type', 'application/json');
    if (path === `${options.path ?? ''}/.well-known/openid-configuration`) {
      response.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    } else if (path === `${options.path ?? ''}/jwks`) {
      if (answers === 'everything') response.end(JSON.stringify({ keys: [jwk] }));
    } else {
      response.statusCode = 404;
      response.end('{}');
    }
  });
  issuer = `${await listenHttp(server)}${options.path ?? ''}`;
  const signWith = (key: CryptoKey, kid: string) => (claims: JWTPayload, now: Date) => {
    const iat = Math.floor(now.getTime() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuer(issuer)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 3600)
      .sign(key);
  };
  return {
    issuer,
    requests,
    sign: signWith(published.privateKey, 'published'),
    signWithUnpublishedKey: signWith(unpublished.privateKey, 'unpublished'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
