import { type JWTPayload, type JWTVerifyGetKey, createLocalJWKSet, decodeJwt, errors, jwtVerify } from 'jose';
import type { Deps } from '../deps.ts';
import { publicSigningKeys } from '../oidc/oidc-keys.service.ts';
import { GatehouseError } from '../shared/errors.ts';
import { unreachable } from '../caches/issuer-key-cache.ts';
import type { OpenIdProviderRecord } from './openid-provider.repository.ts';
import { ownIssuer } from './provider-url.ts';

/** The algorithms AWS takes for web identity tokens: RSA and ECDSA signatures. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'];

/** Who a verified ID token says signed in, and for which application. */
export interface WebIdentity {
  /** `sub`. */
  subject: string;
  /** The token's audience that is one of the provider's client IDs. */
  audience: string;
  /** `amr` when the token has one (how the person signed in). */
  amr: string[] | null;
}

/** A JWT's claims as decoded, not yet verified: it names an issuer. */
export type UnverifiedClaims = JWTPayload & { iss: string };

export function invalidToken(message: string): GatehouseError {
  return new GatehouseError('InvalidIdentityToken', message);
}

/** The claims of a JWT before its signature is checked: only to find its issuer and audience. InvalidIdentityToken when it is none. */
export function unverifiedClaims(token: string): UnverifiedClaims {
  let claims: JWTPayload;
  try {
    claims = decodeJwt(token);
  } catch {
    throw invalidToken('The web identity token is not a well-formed JWT.');
  }
  if (typeof claims.iss !== 'string' || claims.iss === '')
    throw invalidToken('The web identity token has no issuer (iss).');
  return claims as UnverifiedClaims;
}

/**
 * Gatehouse's own issuer's public keys, read from the signing-key table (the keys its provider
 * signs with, newest three generations): no network, and a key rotated in by any instance is
 * known at once.
 */
async function ownKeys(deps: Deps): Promise<JWTVerifyGetKey> {
  return createLocalJWKSet({ keys: (await publicSigningKeys(deps)) as never });
}

/** What the caller is told when checking the token failed: the AWS error for each of jose's reasons. */
function refusal(error: unknown, issuer: string, now: Date): GatehouseError {
  if (error instanceof GatehouseError) return error;
  if (error instanceof errors.JWTExpired) {
    const exp = typeof error.payload.exp === 'number' ? new Date(error.payload.exp * 1000).toISOString() : 'unknown';
    return new GatehouseError(
      'ExpiredTokenException',
      `Token expired: current date/time ${now.toISOString()} must be before the expiration date/time ${exp}`,
    );
  }
  if (error instanceof errors.JWKSTimeout) return unreachable(issuer, 'no answer in time');
  // jose's plain JOSEError is a key set it could not fetch or read; a TypeError, a failed fetch.
  if (error instanceof errors.JWKSInvalid || (error as errors.JOSEError).code === 'ERR_JOSE_GENERIC')
    return unreachable(issuer, 'its key set could not be read');
  if (error instanceof TypeError) return unreachable(issuer, 'it could not be reached');
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWSSignatureVerificationFailed)
    return invalidToken('The web identity token is not signed by a key of its issuer.');
  if (error instanceof errors.JWTClaimValidationFailed)
    return invalidToken(`The web identity token's ${error.claim} claim is not valid: ${error.reason}.`);
  if (error instanceof errors.JOSEError)
    return invalidToken(`The web identity token cannot be verified: ${error.message}`);
  throw error;
}

/**
 * Checks an ID token of `provider` (`claimed`: its claims as `unverifiedClaims` decoded them) as
 * AWS does: one of its audiences (`aud`) is a client ID of the provider; it is signed
 * (RS256/384/512 or ES256/384/512) by a key of its issuer — Gatehouse's own from the database,
 * another's from its published key set; `exp` has not passed and `nbf` has (by the app's
 * clock); it names a subject. Returns the identity, or throws InvalidIdentityToken, ExpiredTokenException, IDPRejectedClaim or IDPCommunicationError.
 */
export async function verifyWebIdentityToken(
  deps: Deps,
  token: string,
  claimed: UnverifiedClaims,
  provider: OpenIdProviderRecord,
): Promise<WebIdentity> {
  const audiences = typeof claimed.aud === 'string' ? [claimed.aud] : (claimed.aud ?? []);
  const audience = audiences.find((aud) => provider.clientIds.includes(aud));
  if (audience === undefined) throw invalidToken('Incorrect token audience');

  const now = deps.clock.now();
  let claims: JWTPayload;
  try {
    const keys =
      provider.issuer === ownIssuer(deps.publicUrl)
        ? await ownKeys(deps)
        : await deps.caches.issuerKeys.keysOf(provider.issuer);
    ({ payload: claims } = await jwtVerify(token, keys, {
      issuer: claimed.iss,
      algorithms: ALGORITHMS,
      currentDate: now,
      requiredClaims: ['exp'],
    }));
  } catch (error) {
    throw refusal(error, provider.issuer, now);
  }
  if (typeof claims.sub !== 'string' || claims.sub === '' || claims.sub.length > 255)
    throw new GatehouseError(
      'IDPRejectedClaim',
      'The web identity token names no subject (sub) of 1 to 255 characters.',
    );
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((m): m is string => typeof m === 'string') : null;
  return { subject: claims.sub, audience, amr };
}
