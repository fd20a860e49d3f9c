import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createAccessKey, resolveKeyOwner } from '../src/access-keys/access-key.service.ts';
import { createAccount } from '../src/accounts/account.service.ts';
import { buildApp } from '../src/app.ts';
import { CLI_ACTOR, SYSTEM_META } from '../src/audit/audit.service.ts';
import { type Config, loadConfig } from '../src/config/config.ts';
import type { DialectName } from '../src/db/database.ts';
import { migrateOrThrow } from '../src/db/migrate.ts';
import { type Runtime, createRuntime } from '../src/runtime.ts';
import { putInlinePolicy } from '../src/policies/inline-policy.service.ts';
import { createUser } from '../src/users/user.service.ts';
import { freePort } from '../test/support/listen.ts';
import { type BenchDatabase, createBenchDatabase } from './bench-database.ts';
import { BENCH_PASSWORD, type BenchTarget, type SeededUsers } from './scenario.ts';
import { seedAuthorizationCodes } from './oidc-seed.ts';
import { seedUsers } from './seed.ts';
import { type Serving, serveHere, serveInstances, useProductionThrottle } from './serving.ts';

/**
 * Settings the benchmark takes from the environment, so other hashing parameters or
 * limits can be measured; everything else is fixed (a fresh database, 127.0.0.1 on free
 * ports, a random SECRET_KEY shared by every server process of the run).
 */
export const PASSED_THROUGH_ENV = [
  'ARGON2_MEMORY_KIB',
  'ARGON2_TIME_COST',
  'ARGON2_PARALLELISM',
  'HASH_CONCURRENCY',
  'HASH_QUEUE_LIMIT',
  'SESSION_IDLE_MINUTES',
  'SESSION_MAX_HOURS',
] as const;

const ROOT_PASSWORD = 'bench root password for setup 1';

/** Throttles out of reach: the benchmark measures the work, not the limits. */
export const BENCH_THROTTLE = {
  TRUST_PROXY: 'loopback',
  THROTTLE_IP_BURST: '1000000',
  THROTTLE_NETWORK_BURST: '1000000',
  THROTTLE_FREE_FAILURES: '1000000',
  THROTTLE_HARD_STOP: '1000000',
  THROTTLE_GLOBAL_FAILURES_PER_MINUTE: '10000000',
  SECURITY_CHECK_AFTER_FAILURES: '1000000',
};

export interface ServerOptions {
  /** HTTP processes per instance (node:cluster workers sharing its port), as `serve --workers`. */
  workers?: number;
  /** Server instances: separate processes on ports of their own, on the one database (PostgreSQL). */
  instances?: number;
  database?: DialectName;
  /** The PostgreSQL database in which the run makes a schema of its own. */
  postgresUrl?: string;
  /** Redis for the throttling counters (`REDIS_URL`); null keeps them in the database. */
  redisUrl?: string | null;
  /** IAM users to seed across accounts (bench/seed.ts); 0: none. */
  users?: number;
}

export interface BenchServer {
  config: Config;
  runtime: Runtime;
  /** Gatehouse in this process, on `runtime`: it serves HTTP itself with one instance of one worker; it always answers inject. */
  app: FastifyInstance;
  target: BenchTarget;
  /** HTTP processes per instance (1: the instance's own process). */
  workers: number;
  instances: number;
  database: Pick<BenchDatabase, 'dialect' | 'label'>;
  redisUrl: string | null;
  seeded: (SeededUsers & { ms: number }) | null;
  /** Gatehouse listening: every instance and worker. */
  gatehouse: Serving;
  /** Starts the floor (bench/floor.ts) on other ports, served as Gatehouse is: same instances, same workers. */
  serveFloor(): Promise<Serving>;
  stop(): Promise<void>;
}

/**
 * Gatehouse really listening, on a fresh database, with one account (and `users` seeded ones):
 * in this process, in `workers` cluster workers (as `gatehouse serve --workers`), or in
 * `instances` processes of their own.
 */
export async function startServer(options: ServerOptions = {}): Promise<BenchServer> {
  const database = await createBenchDatabase(options.database ?? 'sqlite', options.postgresUrl);
  try {
    return await startOn(database, options);
  } catch (error) {
    await database.drop();
    throw error;
  }
}

async function startOn(database: BenchDatabase, options: ServerOptions): Promise<BenchServer> {
  const workers = options.workers ?? 1;
  const instances = options.instances ?? 1;
  const redisUrl = options.redisUrl ?? null;
  const ports = await freePorts(instances);
  const configEnv: Record<string, string> = {};
  for (const key of PASSED_THROUGH_ENV) if (process.env[key] !== undefined) configEnv[key] = process.env[key];
  Object.assign(configEnv, {
    HOST: '127.0.0.1',
    PORT: String(ports[0]),
    // Behind a load balancer every instance has the one public address: here, the first instance's.
    PUBLIC_URL: `http://127.0.0.1:${ports[0]}`,
    DATABASE_URL: database.url,
    SECRET_KEY: randomBytes(32).toString('hex'),
    // The load comes from one address; the throughput rows measure the work of a request,
    // so the throttles stay out of reach until the credential-stuffing row turns them on.
    ...BENCH_THROTTLE,
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  });
  const config = loadConfig(configEnv);
  const runtime = createRuntime(config);
  const { deps } = runtime;
  await migrateOrThrow(runtime.database.db);
  const app = await buildApp(config, deps, { logger: false });
  const account = await createAccount(
    deps,
    { email: 'bench@example.com', password: ROOT_PASSWORD, name: 'Benchmark', alias: 'bench' },
    CLI_ACTOR,
    SYSTEM_META,
  );
  const seeded = options.users
    ? await seedUsers(
        deps.db,
        database.dialect,
        options.users,
        await deps.hasher.hash(BENCH_PASSWORD),
        deps.clock.now(),
      )
    : null;

  const gatehouse =
    instances > 1
      ? await serveInstances({ kind: 'gatehouse', configEnv, workers, ports })
      : await serveHere({
          kind: 'gatehouse',
          configEnv,
          workers,
          local: {
            app,
            throttleAsInProduction: () => useProductionThrottle(deps),
            // Closed with the runtime it shares, in `stop`.
            close: async () => {},
          },
        });

  const target: BenchTarget = {
    baseUrl: gatehouse.baseUrls[0]!,
    baseUrls: gatehouse.baseUrls,
    accountRef: account.alias ?? account.id,
    seeded,
    async createUsers(prefix, count, password) {
      const names = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
      // In batches no larger than the hasher runs at once, so its wait queue never overflows.
      for (let i = 0; i < names.length; i += config.hashConcurrency) {
        await Promise.all(
          names
            .slice(i, i + config.hashConcurrency)
            .map((name) => createUser(deps, account.id, { name, password }, CLI_ACTOR, SYSTEM_META)),
        );
      }
      return names;
    },
    throttleAsInProduction: () => gatehouse.throttleAsInProduction(),
    async createOidcCodes(userName, count, ttlSeconds) {
      return seedAuthorizationCodes(deps, config.publicUrl, account.id, userName, count, ttlSeconds);
    },
    async putUserPolicy(userName, statements) {
      const document = JSON.stringify({ Version: '2012-10-17', Statement: statements });
      await putInlinePolicy(deps, account.id, 'user', userName, 'bench', document, CLI_ACTOR, SYSTEM_META);
    },
    async createAccessKey(userName) {
      const key = await createAccessKey(
        deps,
        await resolveKeyOwner(deps.db, account.id, userName),
        CLI_ACTOR,
        SYSTEM_META,
      );
      return { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
    },
  };

  return {
    config,
    runtime,
    app,
    target,
    workers,
    instances,
    database,
    redisUrl,
    seeded,
    gatehouse,
    async serveFloor() {
      const floorPorts = await freePorts(instances);
      const floorEnv = { ...configEnv, PORT: String(floorPorts[0]) };
      return instances > 1
        ? serveInstances({ kind: 'floor', configEnv: floorEnv, workers, ports: floorPorts })
        : serveHere({ kind: 'floor', configEnv: floorEnv, workers });
    },
    async stop() {
      await gatehouse.stop();
      await app.close();
      await runtime.close();
      await database.drop();
    },
  };
}

/** `count` distinct free ports. */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}
