import type { Kysely } from 'kysely';
import type { DialectName } from './db/database.ts';
import type { Database } from './db/schema.ts';
import type { PasswordHasher } from './passwords/password-hasher.ts';
import type { PolicyCache } from './policy-engine/compile.ts';
import type { SigningKeyCache } from './sigv4/sigv4.ts';
import type { Guard } from './guard/guard.ts';
import type { InvalidationFeed } from './caches/invalidation-feed.ts';
import type { SessionCache } from './caches/session-cache.ts';
import type { PrincipalCache } from './caches/principal-cache.ts';
import type { AccountCache } from './caches/account-cache.ts';
import type { DecisionBasis } from './policy-engine/evaluate.ts';
import type { LoginProfileState } from './identities/user.repository.ts';
import type { Clock } from './shared/clock.ts';
import type { Keyring } from './shared/keyring.ts';
import type { IssuerKeyCache } from './caches/issuer-key-cache.ts';
import type { DecisionCounts } from './decision-counts/decision-counts.ts';

/**
 * What services need from the outside world, built once by `buildDeps` (`src/runtime.ts`) for
 * the server and the command line alike, and handed down unchanged: no service reads the
 * configuration, and nothing is reached by a cast.
 */
export interface Deps {
  db: Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
  hasher: PasswordHasher;
  /** Throttles, the security check and their metrics (counters in the database or Redis). */
  guard: Guard;
  /** Sign-out after this long without a request. */
  sessionIdleMs: number;
  /** Sign-out this long after sign-in. */
  sessionMaxMs: number;
  delivery: DeliverySettings;
  /** `PUBLIC_URL`'s origin, e.g. `https://signin.example.com` (no trailing slash): links in mail lead here. */
  publicUrl: string;
  /** Where WebAuthn credentials are bound: the host and origin of `publicUrl`. */
  relyingParty: RelyingParty;
  /** `SECRET_KEY` and the keys it replaced: CSRF tokens, sealed secrets and mail bodies, device cookies. */
  keyring: Keyring;
  /**
   * How in-process caches hear of changes made anywhere (`record` in the changing transaction;
   * polled by every process); the app starts its polling.
   */
  invalidations: InvalidationFeed;
  caches: Caches;
  /** The authorization API's decision counts, held briefly and written in batches; the app starts its writing. */
  decisionCounts: DecisionCounts;
}

/** Where queued messages go: read by the senders `serve` runs, not by the services that queue them. */
export interface DeliverySettings {
  /** `MAIL_FROM`. */
  mailFrom: string;
  /** `SMTP_URL`; unset: mail stays in the outbox. */
  smtpUrl: string | undefined;
  /** `PHONE_GATEWAY_URL`; unset: phone messages stay in theirs. */
  phoneGatewayUrl: string | undefined;
}

export interface RelyingParty {
  id: string;
  origin: string;
  name: string;
}

/** What is worth keeping between requests, for as long as these deps live. */
export interface Caches {
  /** Compiled policies, by a key that changes whenever the document does. */
  policies: PolicyCache;
  /** Derived SigV4 signing keys, by access key, date, region and service. */
  signingKeys: SigningKeyCache;
  /** Sessions with their principals, while `invalidations` vouches for them. */
  sessions: SessionCache;
  /** IAM users' compiled policies, boundaries and tags, by principal, while `invalidations` vouches for them. */
  decisionBases: PrincipalCache<DecisionBasis>;
  /** IAM users' console password state (reset required, last change; no hash), while `invalidations` vouches for it. */
  loginProfiles: PrincipalCache<LoginProfileState | null>;
  /** Account-wide settings (the password policy), while `invalidations` vouches for them. */
  accounts: AccountCache;
  /** External OpenID Connect issuers' key sets (AssumeRoleWithWebIdentity), fetched with a timeout. */
  issuerKeys: IssuerKeyCache;
}
