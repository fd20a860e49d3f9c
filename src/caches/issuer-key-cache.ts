import { type JWTVerifyGetKey, createRemoteJWKSet } from 'jose';
import { HOUR, type Clock } from '../shared/clock.ts';
import { GatehouseError } from '../shared/errors.ts';

/** How long an issuer's discovery document is believed before it is read again (jose keeps the keys themselves 10 minutes). */
const DISCOVERY_MAX_AGE_MS = HOUR;
/** After a failed discovery, the issuer is not asked again for this long: callers are told at once. */
const FAILURE_COOLDOWN_MS = 10_000;
const ISSUERS_KEPT = 1000;

export function unreachable(issuer: string, why: string): GatehouseError {
  return new GatehouseError(
    'IDPCommunicationError',
    `The keys of the identity provider ${issuer} could not be fetched (${why}); try again later.`,
  );
}

/** Why a fetch that failed without a GatehouseError of its own failed. */
function reasonOf(error: unknown): string {
  if ((error as Error | null)?.name === 'TimeoutError') return 'no answer in time';
  return 'it could not be reached';
}

/**
 * Where an issuer's signing keys are: its discovery document
 * (`ISSUER/.well-known/openid-configuration`) names its `jwks_uri`, which must be `https://`
 * (or, for an `http://` issuer of a development instance, on the issuer's own origin).
 */
async function discoverJwksUri(issuer: string, timeoutMs: number): Promise<URL> {
  const response = await fetch(`${issuer}/.well-known/openid-configuration`, {
    signal: AbortSignal.timeout(timeoutMs),
    redirect: 'manual',
    headers: { accept: 'application/json' },
  });
  if (response.status !== 200) throw unreachable(issuer, `its discovery document answered HTTP ${response.status}`);
  const document = (await response.json().catch(() => null)) as { issuer?: unknown; jwks_uri?: unknown } | null;
  const named = typeof document?.issuer === 'string' ? document.issuer.replace(/\/+$/, '') : null;
  if (named !== issuer) throw unreachable(issuer, 'its discovery document names another issuer');
  const jwksUri = typeof document?.jwks_uri === 'string' ? URL.parse(document.jwks_uri) : null;
  if (
    !jwksUri ||
    !(jwksUri.protocol === 'https:' || (jwksUri.protocol === 'http:' && jwksUri.origin === new URL(issuer).origin))
  )
    throw unreachable(issuer, 'its discovery document names no https:// jwks_uri');
  return jwksUri;
}

/**
 * The signing keys of the OpenID Connect issuers Gatehouse trusts beyond itself, fetched over
 * the network: each issuer's discovery document once an hour, its key set as jose keeps it
 * (10 minutes, again at once for an unknown `kid` at most every 30 seconds). Every fetch gives up
 * after `timeoutMs`; callers that ask at the same time share one fetch, and after a failure
 * they are told at once for a few seconds rather than each waiting for the issuer again.
 */
export class IssuerKeyCache {
  readonly #discovered = new Map<string, { keys: JWTVerifyGetKey; at: number }>();
  readonly #pending = new Map<string, Promise<JWTVerifyGetKey>>();
  readonly #failedAt = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    readonly timeoutMs: number,
  ) {}

  /** The key set of `issuer` (an issuer URL without a trailing `/`); IDPCommunicationError when it cannot be had. */
  keysOf(issuer: string): Promise<JWTVerifyGetKey> {
    const now = this.clock.now().getTime();
    const kept = this.#discovered.get(issuer);
    if (kept && now - kept.at < DISCOVERY_MAX_AGE_MS) return Promise.resolve(kept.keys);
    const failedAt = this.#failedAt.get(issuer);
    if (failedAt !== undefined && now - failedAt < FAILURE_COOLDOWN_MS)
      return Promise.reject(unreachable(issuer, 'it failed moments ago'));
    let pending = this.#pending.get(issuer);
    if (!pending) {
      pending = this.#discover(issuer, now).finally(() => this.#pending.delete(issuer));
      this.#pending.set(issuer, pending);
    }
    return pending;
  }

  async #discover(issuer: string, now: number): Promise<JWTVerifyGetKey> {
    let jwksUri: URL;
    try {
      jwksUri = await discoverJwksUri(issuer, this.timeoutMs);
    } catch (error) {
      this.#failedAt.set(issuer, now);
      throw error instanceof GatehouseError ? error : unreachable(issuer, reasonOf(error));
    }
    this.#failedAt.delete(issuer);
    const keys = createRemoteJWKSet(jwksUri, { timeoutDuration: this.timeoutMs });
    if (this.#discovered.size >= ISSUERS_KEPT) this.#discovered.delete(this.#discovered.keys().next().value!);
    this.#discovered.set(issuer, { keys, at: now });
    return keys;
  }
}
