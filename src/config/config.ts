import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';

/**
 * Every setting Gatehouse reads from the environment, read once at start-up,
 * validated and frozen. Nothing else in the code reads `process.env`.
 * The README's configuration table documents each key.
 */
export interface Config {
  /** TCP port to listen on. `PORT`, default 8080. */
  readonly port: number;
  /** Interface to bind. `HOST`, default 127.0.0.1. */
  readonly host: string;
  /** Origin people and SDKs use to reach this server; links in mail and the WebAuthn RP come from it. `PUBLIC_URL`. */
  readonly publicUrl: URL;
  /**
   * True when PUBLIC_URL was given rather than made from HOST and PORT. The command line then
   * builds links from it; otherwise from the URL `serve` recorded in the database.
   */
  readonly publicUrlSet: boolean;
  /** `sqlite:<path>` (embedded default `sqlite:data/gatehouse.db`) or `postgres://…`. `DATABASE_URL`. */
  readonly databaseUrl: string;
  /** SMTP server for outgoing mail; unset keeps mail in the outbox table. `SMTP_URL`. */
  readonly smtpUrl: string | undefined;
  /** Sender address. `MAIL_FROM`, default `no-reply@<PUBLIC_URL host>`. */
  readonly mailFrom: string;
  /** Redis for hot counters; unset keeps them in the database. `REDIS_URL`. */
  readonly redisUrl: string | undefined;
  /**
   * Where SMS and voice one-time codes go: an http(s) URL that receives a JSON POST
   * `{"to","channel":"sms"|"voice","text"}` per message. Unset keeps them in the phone
   * outbox table (`gatehouse outbox` for mail, the `phone_outbox` table for phones). `PHONE_GATEWAY_URL`.
   */
  readonly phoneGatewayUrl: string | undefined;
  /** 32-byte key (hex or base64) for CSRF tokens and encrypted secrets. `SECRET_KEY`; generated into the data folder when unset. */
  readonly secretKey: Buffer | undefined;
  /**
   * Keys SECRET_KEY replaced (`SECRET_KEY_PREVIOUS`, comma-separated): secrets sealed under them
   * still open until `gatehouse secret-key reseal` has sealed them under SECRET_KEY.
   */
  readonly previousSecretKeys: readonly Buffer[];
  /** `production` or `development` (dev-only pages such as `/_dev/outbox`). `GATEHOUSE_ENV`, default production. */
  readonly environment: 'production' | 'development';
  /** pino level. `LOG_LEVEL`, default info. */
  readonly logLevel: string;
  /** Sign-out after this long without a request. `SESSION_IDLE_MINUTES`, default 60. */
  readonly sessionIdleMinutes: number;
  /** Sign-out this long after sign-in, whatever happens. `SESSION_MAX_HOURS`, default 12 (as the AWS console). */
  readonly sessionMaxHours: number;
  /** argon2id parameters; never below OWASP's m=19456 KiB, t=2, p=1. `ARGON2_MEMORY_KIB`, `ARGON2_TIME_COST`, `ARGON2_PARALLELISM`. */
  readonly argon2: Readonly<{ memoryCost: number; timeCost: number; parallelism: number }>;
  /** Password hashes computed at once; the rest wait in a queue. `HASH_CONCURRENCY`, default the number of cores. */
  readonly hashConcurrency: number;
  /** Hashes allowed to wait; beyond it requests get 503 at once. `HASH_QUEUE_LIMIT`, default 64. */
  readonly hashQueueLimit: number;
  /**
   * The proxies in front, whose `X-Forwarded-*` headers are believed: their addresses and
   * CIDR ranges (or proxy-addr's names `loopback`, `linklocal`, `uniquelocal`). A request's
   * address is the right-most one in `X-Forwarded-For` that is not one of them. `TRUST_PROXY`,
   * comma-separated; or a hop count N: the N nearest hops are proxies, whoever they are (for
   * a Gatehouse no client can reach except through them). Default false (the connection's own
   * address). `true` is refused: it would take the address the client wrote.
   */
  readonly trustProxy: false | number | readonly string[];
  /** Throttling of sign-in and recovery attempts; see `ThrottleSettings` for each key. */
  readonly throttle: ThrottleSettings;
  /** The proof-of-work security check; see `SecurityCheckSettings` for each key. */
  readonly securityCheck: SecurityCheckSettings;
  /**
   * How long AssumeRoleWithWebIdentity waits for an external identity provider's discovery
   * document or key set before answering IDPCommunicationError. `WEB_IDENTITY_TIMEOUT_MS`, default 5000.
   */
  readonly webIdentityTimeoutMs: number;
}

export interface ThrottleSettings {
  /** Attempts one IP address may make in a burst on sign-in and recovery forms. `THROTTLE_IP_BURST`, default 30. */
  readonly ipBurst: number;
  /** Attempts per minute one IP address regains after a burst. `THROTTLE_IP_PER_MINUTE`, default 10. */
  readonly ipPerMinute: number;
  /** Attempts a whole network (/24 IPv4, /64 IPv6) may make in a burst. `THROTTLE_NETWORK_BURST`, default 100. */
  readonly networkBurst: number;
  /** Attempts per minute a network regains. `THROTTLE_NETWORK_PER_MINUTE`, default 60. */
  readonly networkPerMinute: number;
  /**
   * Consecutive failures for one identifier (or one trusted device) before back-off starts:
   * 30 s, doubling with each further failure, at most 1 h. `THROTTLE_FREE_FAILURES`, default 5.
   */
  readonly freeFailures: number;
  /**
   * Consecutive failures after which an identifier stops until its owner follows the emailed
   * unlock link or an administrator lifts the stop. `THROTTLE_HARD_STOP`, default 100 (NIST's ceiling;
   * a higher value prints a warning at start-up).
   */
  readonly hardStop: number;
  /** Sign-in failures across the whole service per minute above which every sign-in asks for the security check. `THROTTLE_GLOBAL_FAILURES_PER_MINUTE`, default 300. */
  readonly globalFailuresPerMinute: number;
}

export interface SecurityCheckSettings {
  /** Consecutive failures of one identifier, or recent failures from one network, after which sign-in asks for the check. `SECURITY_CHECK_AFTER_FAILURES`, default 3. */
  readonly afterFailures: number;
  /** PBKDF2-SHA-256 iterations per proof-of-work attempt. `SECURITY_CHECK_COST`, default 1000. */
  readonly cost: number;
  /** Attempts a browser needs on average at the lowest risk; doubled at each higher risk level. `SECURITY_CHECK_WORK`, default 1000. */
  readonly work: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const OWASP_FLOOR = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const problems: string[] = [];
  const port = integer(env, 'PORT', 8080, 0, 65535, problems);
  const host = env.HOST?.trim() || '127.0.0.1';
  const publicUrl = parsePublicUrl(env.PUBLIC_URL, host, port, problems);
  const databaseUrl = env.DATABASE_URL?.trim() || 'sqlite:data/gatehouse.db';
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    problems.push('DATABASE_URL must start with sqlite: or postgres://');
  }
  const smtpUrl = env.SMTP_URL?.trim() || undefined;
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) problems.push('SMTP_URL must start with smtp:// or smtps://');
  const mailFrom = env.MAIL_FROM?.trim() || `no-reply@${publicUrl?.hostname ?? 'localhost'}`;
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(mailFrom)) problems.push('MAIL_FROM must be an email address');
  const redisUrl = env.REDIS_URL?.trim() || undefined;
  const phoneGatewayUrl = env.PHONE_GATEWAY_URL?.trim() || undefined;
  if (phoneGatewayUrl && !/^https?:\/\/\S+$/.test(phoneGatewayUrl))
    problems.push('PHONE_GATEWAY_URL must start with http:// or https://');
  const secretKey = parseSecretKey(env.SECRET_KEY, problems);
  const previousSecretKeys = (env.SECRET_KEY_PREVIOUS ?? '')
    .split(',')
    .filter((text) => text.trim() !== '')
    .map((text) => parseSecretKey(text, problems, 'SECRET_KEY_PREVIOUS'))
    .filter((key): key is Buffer => key !== undefined);
  if (previousSecretKeys.length > 0 && !secretKey)
    problems.push('SECRET_KEY_PREVIOUS needs SECRET_KEY: the key that replaced them');
  if (secretKey && previousSecretKeys.some((key) => key.equals(secretKey)))
    problems.push('SECRET_KEY_PREVIOUS must not repeat SECRET_KEY');
  const environment = env.GATEHOUSE_ENV === 'development' ? 'development' : 'production';
  if (env.GATEHOUSE_ENV && !['development', 'production'].includes(env.GATEHOUSE_ENV)) {
    problems.push('GATEHOUSE_ENV must be development or production');
  }
  const argon2 = {
    memoryCost: integer(env, 'ARGON2_MEMORY_KIB', OWASP_FLOOR.memoryCost, OWASP_FLOOR.memoryCost, 4_194_304, problems),
    timeCost: integer(env, 'ARGON2_TIME_COST', OWASP_FLOOR.timeCost, OWASP_FLOOR.timeCost, 100, problems),
    parallelism: integer(env, 'ARGON2_PARALLELISM', OWASP_FLOOR.parallelism, 1, 16, problems),
  };
  const config: Config = {
    port,
    host,
    publicUrl: publicUrl ?? new URL('http://127.0.0.1:8080'),
    publicUrlSet: Boolean(env.PUBLIC_URL?.trim()),
    databaseUrl,
    smtpUrl,
    mailFrom,
    redisUrl,
    phoneGatewayUrl,
    secretKey,
    previousSecretKeys,
    environment,
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    sessionIdleMinutes: integer(env, 'SESSION_IDLE_MINUTES', 60, 1, 24 * 60, problems),
    sessionMaxHours: integer(env, 'SESSION_MAX_HOURS', 12, 1, 24 * 30, problems),
    argon2: Object.freeze(argon2),
    hashConcurrency: integer(env, 'HASH_CONCURRENCY', availableParallelism(), 1, 256, problems),
    hashQueueLimit: integer(env, 'HASH_QUEUE_LIMIT', 64, 0, 100_000, problems),
    trustProxy: parseTrustProxy(env.TRUST_PROXY, problems),
    throttle: Object.freeze({
      ipBurst: integer(env, 'THROTTLE_IP_BURST', 30, 1, 1_000_000, problems),
      ipPerMinute: integer(env, 'THROTTLE_IP_PER_MINUTE', 10, 1, 1_000_000, problems),
      networkBurst: integer(env, 'THROTTLE_NETWORK_BURST', 100, 1, 1_000_000, problems),
      networkPerMinute: integer(env, 'THROTTLE_NETWORK_PER_MINUTE', 60, 1, 1_000_000, problems),
      freeFailures: integer(env, 'THROTTLE_FREE_FAILURES', 5, 1, 1_000_000, problems),
      hardStop: integer(env, 'THROTTLE_HARD_STOP', 100, 2, 1_000_000, problems),
      globalFailuresPerMinute: integer(env, 'THROTTLE_GLOBAL_FAILURES_PER_MINUTE', 300, 1, 10_000_000, problems),
    }),
    securityCheck: Object.freeze({
      afterFailures: integer(env, 'SECURITY_CHECK_AFTER_FAILURES', 3, 1, 1_000_000, problems),
      cost: integer(env, 'SECURITY_CHECK_COST', 1000, 1, 1_000_000, problems),
      work: integer(env, 'SECURITY_CHECK_WORK', 1000, 1, 10_000_000, problems),
    }),
    webIdentityTimeoutMs: integer(env, 'WEB_IDENTITY_TIMEOUT_MS', 5000, 100, 60_000, problems),
  };
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n- ${problems.join('\n- ')}`);
  return Object.freeze(config);
}

/** A config for tests and tools: defaults plus overrides, still validated. */
export function configFrom(overrides: Record<string, string | undefined>): Config {
  return loadConfig({ ...overrides });
}

function integer(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw)) {
    problems.push(`${name} must be a whole number`);
    return fallback;
  }
  const value = Number(raw);
  if (value < min || value > max) {
    problems.push(`${name} must be between ${min} and ${max}`);
    return fallback;
  }
  return value;
}

function parsePublicUrl(raw: string | undefined, host: string, port: number, problems: string[]): URL | undefined {
  const text = raw?.trim() || `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  try {
    const url = new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
    if (url.pathname !== '/' || url.search || url.hash) {
      problems.push('PUBLIC_URL must be an origin without a path, e.g. https://signin.example.com');
    }
    return url;
  } catch {
    problems.push('PUBLIC_URL must be an http:// or https:// URL');
    return undefined;
  }
}

function parseSecretKey(raw: string | undefined, problems: string[], name = 'SECRET_KEY'): Buffer | undefined {
  const text = raw?.trim();
  if (!text) return undefined;
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) {
    problems.push(`${name} must be 32 bytes, as 64 hex characters or base64`);
    return undefined;
  }
  return key;
}

/** proxy-addr's names for well-known ranges, which Fastify accepts among the proxy addresses. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const PROXY_EXAMPLE = 'e.g. 10.0.0.0/8,127.0.0.1';

function parseTrustProxy(raw: string | undefined, problems: string[]): false | number | readonly string[] {
  const text = raw?.trim();
  if (!text || text === 'false') return false;
  if (text.toLowerCase() === 'true') {
    problems.push(
      `TRUST_PROXY=true would trust addresses the client writes; set the number of proxies in front (e.g. 1) or their addresses (${PROXY_EXAMPLE})`,
    );
    return false;
  }
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops >= 1 && hops <= 10) return hops;
    problems.push(
      `TRUST_PROXY as a hop count must be from 1 to 10 (the proxies in front), or list their addresses (${PROXY_EXAMPLE})`,
    );
    return false;
  }
  const entries = text.split(',').map((entry) => entry.trim());
  const bad = entries.map(proxyEntryProblem).filter((problem) => problem !== null);
  if (bad.length > 0) {
    problems.push(...bad);
    return false;
  }
  return Object.freeze(entries);
}

function proxyEntryProblem(entry: string): string | null {
  if (PROXY_RANGE_NAMES.has(entry)) return null;
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = address.includes('%') ? 0 : isIP(address);
  if (version === 0 || rest.length > 0) {
    return `TRUST_PROXY must list proxy addresses or CIDR ranges, comma-separated (${PROXY_EXAMPLE}); "${entry.slice(0, 64)}" is neither`;
  }
  if (prefix === undefined) return null;
  const max = version === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max)
    return `TRUST_PROXY range ${entry.slice(0, 64)} needs a prefix length from 1 to ${max}`;
  if (Number(prefix) === 0)
    return `TRUST_PROXY range ${entry} holds every address, so it would trust addresses the client writes; list only the proxies in front`;
  return null;
}
