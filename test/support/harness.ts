import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { configFrom, type Config } from '../../src/config/config.ts';
import type { DialectName } from '../../src/db/database.ts';
import { type Argon2Params, PasswordHasher } from '../../src/passwords/password-hasher.ts';
import { buildDeps } from '../../src/runtime.ts';
import { FrozenClock } from '../../src/shared/clock.ts';
import type { Deps } from '../../src/deps.ts';
import { childDatabaseUrl, createTestDatabase, type TestDatabase } from './databases.ts';
import { type Challenge, solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';

export const TEST_SECRET_KEY = Buffer.alloc(32, 7);

/**
 * Throttle settings for tests about something else: limits far out of reach and a security
 * check that costs next to nothing, so hundreds of attempts from one address stay ordinary.
 * Tests of throttling pass `PRODUCTION_THROTTLE` (the real defaults) or their own values.
 */
export const LENIENT_THROTTLE: Record<string, string> = {
  THROTTLE_IP_BURST: '1000000',
  THROTTLE_NETWORK_BURST: '1000000',
  THROTTLE_FREE_FAILURES: '1000000',
  THROTTLE_HARD_STOP: '1000000',
  THROTTLE_GLOBAL_FAILURES_PER_MINUTE: '10000000',
  SECURITY_CHECK_AFTER_FAILURES: '1000000',
  SECURITY_CHECK_COST: '1',
  SECURITY_CHECK_WORK: '4',
};

/** The configuration's own throttle defaults (empty values fall back to them), with a cheap check. */
export const PRODUCTION_THROTTLE: Record<string, string> = {
  ...Object.fromEntries(Object.keys(LENIENT_THROTTLE).map((key) => [key, ''])),
  SECURITY_CHECK_COST: '1',
  SECURITY_CHECK_WORK: '4',
};

/**
 * argon2id at the lowest cost the algorithm accepts (8 KiB, one pass, one lane), for tests about
 * something else: a hash costs a fraction of a millisecond instead of tens. Only the harness builds
 * a hasher with these; a deployment's parameters come from its configuration, whose validation
 * keeps them at or above the OWASP floor. Tests of hashing, rehashing and timing ask for
 * `productionHasher`.
 */
export const TEST_ARGON2: Readonly<Argon2Params> = Object.freeze({ memoryCost: 8, timeCost: 1, parallelism: 1 });

/** Forms that always carry the security check; `Browser.post` solves it as a browser with JavaScript would. */
const ALWAYS_CHECKED = new Set([
  '/signin/forgot',
  '/signin/forgot/iam',
  '/signin/find-account',
  '/signin/help/diagnose',
  '/support',
]);

export interface TestContext {
  config: Config;
  deps: Deps;
  clock: FrozenClock;
  database: TestDatabase;
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * A migrated database, services on a frozen clock, and the app built on them (not listening).
 * `sqliteFile` puts the SQLite database in a file, so the real CLI can read it (`cliEnv`).
 * Passwords are hashed with `TEST_ARGON2` (under the configured concurrency and queue limits)
 * unless `productionHasher` asks for the configured parameters, as a deployment hashes.
 */
export async function createTestContext(
  dialect: DialectName,
  env: Record<string, string> = {},
  options: { sqliteFile?: string; productionHasher?: boolean } = {},
): Promise<TestContext> {
  const database = await createTestDatabase(dialect, options);
  const config = configFrom({ PUBLIC_URL: 'http://gatehouse.test', ...LENIENT_THROTTLE, ...env });
  const clock = new FrozenClock();
  const built: Deps = buildDeps(config, { db: database.handle.db, dialect }, TEST_SECRET_KEY, clock);
  const deps: Deps = options.productionHasher
    ? built
    : {
        ...built,
        hasher: new PasswordHasher(TEST_ARGON2, {
          concurrency: config.hashConcurrency,
          queueLimit: config.hashQueueLimit,
        }),
      };
  const app = await buildApp(config, deps, { logger: false });
  await app.ready();
  return {
    config,
    deps,
    clock,
    database,
    app,
    close: async () => {
      await app.close();
      await deps.guard.close();
      await database.close();
    },
  };
}

/** A cookie jar for `inject`: keeps what Set-Cookie says, sends it back. */
export class Browser {
  readonly cookies = new Map<string, string>();
  /** `remoteAddress`: the address requests come from (127.0.0.1 unless given), for `aws:SourceIp`. */
  constructor(
    readonly app: FastifyInstance,
    readonly options: { remoteAddress?: string } = {},
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  remember(response: LightMyRequestResponse): void {
    for (const c of response.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
      const expired =
        c.maxAge === 0 || (c.expires !== undefined && c.expires.getTime() <= Date.now()) || c.value === '';
      if (expired) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({
      method: 'GET',
      url,
      headers: { cookie: this.cookieHeader(), ...headers },
      ...this.from(),
    });
    this.remember(response);
    return response;
  }

  private from(): { remoteAddress?: string } {
    return this.options.remoteAddress ? { remoteAddress: this.options.remoteAddress } : {};
  }

  /** The CSRF token of the form on `url` (fetching the page sets the CSRF cookie). */
  async csrf(url = '/signin?choose=1'): Promise<string> {
    const response = await this.get(url);
    const match = /name="_csrf" value="([0-9a-f]{64})"/.exec(response.body);
    if (!match) throw new Error(`no CSRF token on ${url} (status ${response.statusCode})`);
    return match[1]!;
  }

  /** Posts a form as a browser would: with the page's CSRF token unless one is given. */
  async post(
    url: string,
    fields: Record<string, string>,
    options: { csrfFrom?: string; headers?: Record<string, string>; csrf?: string; securityCheck?: boolean } = {},
  ): Promise<LightMyRequestResponse> {
    const token = options.csrf ?? (await this.csrf(options.csrfFrom));
    const check = options.securityCheck ?? (ALWAYS_CHECKED.has(url.split('?')[0]!) && !('altcha' in fields));
    const solved: Record<string, string> = check ? { altcha: await this.solveSecurityCheck() } : {};
    const body = new URLSearchParams({ _csrf: token, ...solved, ...fields }).toString();
    const response = await this.app.inject({
      method: 'POST',
      url,
      payload: body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.cookieHeader(), ...options.headers },
      ...this.from(),
    });
    this.remember(response);
    return response;
  }

  /** Fetches a security-check challenge and solves it as the widget does; returns the form value. */
  async solveSecurityCheck(): Promise<string> {
    const response = await this.get('/security-check/challenge');
    return solvePayload(JSON.parse(response.body) as Challenge);
  }
}

/** The value the widget puts in the form's `altcha` field for a solved challenge. */
export async function solvePayload(challenge: Challenge): Promise<string> {
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error('security check not solved');
  return Buffer.from(
    JSON.stringify({ challenge: { parameters: challenge.parameters, signature: challenge.signature }, solution }),
  ).toString('base64');
}

/** The environment under which the real CLI (test/support/cli.ts) works on `t`'s database, with its SECRET_KEY. */
export function cliEnv(t: TestContext, env: Record<string, string> = {}): Record<string, string> {
  return { DATABASE_URL: childDatabaseUrl(t.database), SECRET_KEY: TEST_SECRET_KEY.toString('hex'), ...env };
}
