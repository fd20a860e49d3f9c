import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from './config/config.ts';
import { type DatabaseHandle, openDatabase } from './db/database.ts';
import { PasswordHasher } from './passwords/password-hasher.ts';
import { PolicyCache } from './policy-engine/compile.ts';
import { SigningKeyCache } from './sigv4/sigv4.ts';
import { createGuard } from './guard/guard.ts';
import { InvalidationFeed } from './caches/invalidation-feed.ts';
import { SessionCache } from './caches/session-cache.ts';
import { PrincipalCache } from './caches/principal-cache.ts';
import { AccountCache } from './caches/account-cache.ts';
import { type Clock, HOUR, MINUTE, systemClock } from './shared/clock.ts';
import type { Deps, RelyingParty } from './deps.ts';
import { Keyring } from './shared/keyring.ts';
import { IssuerKeyCache } from './caches/issuer-key-cache.ts';
import { DecisionCounts } from './decision-counts/decision-counts.ts';

export interface Runtime {
  deps: Deps;
  database: DatabaseHandle;
  /** Loud warnings about insecure defaults, printed once at start-up. */
  warnings: string[];
  /** Closes what the runtime opened: the throttle store (a Redis connection, when set) and the database. */
  close(): Promise<void>;
}

/** Opens the database and builds the services' dependencies from the configuration. */
export function createRuntime(config: Config, options: { clock?: Clock; schema?: string } = {}): Runtime {
  const warnings: string[] = [];
  const database = openDatabase(config.databaseUrl, options.schema ? { schema: options.schema } : {});
  let secretKey = config.secretKey;
  if (!secretKey) {
    const keyFile = join(dataDirectory(config.databaseUrl), 'secret.key');
    secretKey = loadOrCreateKey(keyFile);
    warnings.push(
      `SECRET_KEY is not set: using the generated key in ${keyFile}. Set SECRET_KEY (32 bytes, hex or base64) in production, the same on every instance.`,
    );
  }
  if (
    config.publicUrl.protocol !== 'https:' &&
    !['127.0.0.1', 'localhost', '[::1]'].includes(config.publicUrl.hostname)
  ) {
    warnings.push(
      `PUBLIC_URL is ${config.publicUrl.origin}: cookies are not marked Secure. Serve Gatehouse over https.`,
    );
  }
  if (config.throttle.hardStop > 100) {
    warnings.push(
      `THROTTLE_HARD_STOP is ${config.throttle.hardStop}: guessing may go on past 100 consecutive failures (NIST's ceiling).`,
    );
  }
  const deps = buildDeps(config, database, secretKey, options.clock ?? systemClock);
  return {
    database,
    warnings,
    async close() {
      await deps.guard.close();
      await database.close();
    },
    deps,
  };
}

/** The services' dependencies on an open database (the tests build theirs with this too, on a frozen clock). */
export function buildDeps(
  config: Config,
  database: Pick<DatabaseHandle, 'db' | 'dialect'>,
  secretKey: Buffer,
  clock: Clock,
): Deps {
  const keyring = new Keyring(secretKey, config.previousSecretKeys);
  const invalidations = new InvalidationFeed(database.db, clock);
  return {
    db: database.db,
    dialect: database.dialect,
    clock,
    hasher: new PasswordHasher(config.argon2, {
      concurrency: config.hashConcurrency,
      queueLimit: config.hashQueueLimit,
    }),
    guard: createGuard(config, database.db, keyring, clock),
    sessionIdleMs: config.sessionIdleMinutes * MINUTE,
    sessionMaxMs: config.sessionMaxHours * HOUR,
    delivery: { mailFrom: config.mailFrom, smtpUrl: config.smtpUrl, phoneGatewayUrl: config.phoneGatewayUrl },
    ...publicUrlDeps(config.publicUrl.origin),
    keyring,
    invalidations,
    caches: {
      policies: new PolicyCache(),
      signingKeys: new SigningKeyCache(),
      sessions: new SessionCache(invalidations),
      decisionBases: new PrincipalCache(invalidations),
      loginProfiles: new PrincipalCache(invalidations),
      accounts: new AccountCache(invalidations),
      issuerKeys: new IssuerKeyCache(clock, config.webIdentityTimeoutMs),
    },
    decisionCounts: new DecisionCounts(database.db),
  };
}

/**
 * The deps with links and the WebAuthn relying party on `origin` instead: the command line uses
 * the origin `serve` recorded when its own environment has no PUBLIC_URL.
 */
export function withPublicUrl(deps: Deps, origin: string): Deps {
  return { ...deps, ...publicUrlDeps(origin) };
}

function publicUrlDeps(origin: string): { publicUrl: string; relyingParty: RelyingParty } {
  const url = new URL(origin);
  return { publicUrl: url.origin, relyingParty: { id: url.hostname, origin: url.origin, name: 'Gatehouse' } };
}

function dataDirectory(databaseUrl: string): string {
  if (databaseUrl.startsWith('sqlite:') && databaseUrl !== 'sqlite::memory:')
    return dirname(databaseUrl.slice('sqlite:'.length));
  return 'data';
}

function loadOrCreateKey(file: string): Buffer {
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
    if (key.length === 32) return key;
  }
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}
