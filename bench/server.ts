import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { createAccessKey, resolveKeyOwner } from '../src/access-keys/access-key.service.ts';
import { createAccount } from '../src/accounts/account.service.ts';
import { buildApp } from '../src/app.ts';
import { CLI_ACTOR, SYSTEM_META } from '../src/audit/audit.service.ts';
import { type Config, loadConfig } from '../src/config/config.ts';
import { migrateOrThrow } from '../src/db/migrate.ts';
import { aggregateWorkerMetrics } from '../src/metrics/cluster-metrics.ts';
import { type Runtime, createRuntime } from '../src/runtime.ts';
import { createUser } from '../src/users/user.service.ts';
import { Throttle } from '../src/guard/throttle.ts';
import { freePort } from '../test/support/listen.ts';
import { Probe, type ProbeReading } from './probe.ts';
import type { BenchTarget } from './scenarios.ts';
import type { ServerWorkerMessage } from './server-protocol.ts';

/**
 * Settings the benchmark takes from the environment, so other hashing parameters or
 * limits can be measured; everything else is fixed (a fresh SQLite file in a temp dir,
 * 127.0.0.1 on a free port, a random SECRET_KEY).
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

export interface BenchServer {
  config: Config;
  runtime: Runtime;
  /** The app in this process: it serves HTTP itself unless `workers` > 1 (then it only seeds and answers inject). */
  app: FastifyInstance;
  target: BenchTarget;
  /** HTTP processes serving the port (1: this process). */
  workers: number;
  /** Starts watching the server's processes for a measured window. */
  probeStart(): void;
  /** Stops watching: CPU of every server process added up, the worst event-loop delay among them. */
  probeStop(): Promise<ProbeReading>;
  stop(): Promise<void>;
}

/**
 * Gatehouse really listening, on a fresh database, with one account: in this process,
 * or with `workers` > 1 in that many cluster workers (as `gatehouse serve --workers`).
 */
export async function startServer(options: { workers?: number } = {}): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  try {
    return await startIn(dir, options.workers ?? 1);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function startIn(dir: string, workers: number): Promise<BenchServer> {
  const port = await freePort();
  const env: Record<string, string | undefined> = {};
  for (const key of PASSED_THROUGH_ENV) env[key] = process.env[key];
  const configEnv = {
    ...env,
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: `sqlite:${join(dir, 'gatehouse.db')}`,
    SECRET_KEY: randomBytes(32).toString('hex'),
    // The load comes from one address; the throughput rows measure the work of a request,
    // so the throttles stay out of reach until the credential-stuffing row turns them on.
    ...BENCH_THROTTLE,
  };
  const config = loadConfig(configEnv);
  const runtime = createRuntime(config);
  await migrateOrThrow(runtime.database.db);
  const app = await buildApp(config, runtime.deps, { logger: false });
  const cluster = workers > 1 ? await startWorkers(workers, configEnv) : null;
  if (!cluster) await app.listen({ host: config.host, port: config.port });
  const probe = new Probe();

  const { deps } = runtime;
  const account = await createAccount(
    deps,
    { email: 'bench@example.com', password: ROOT_PASSWORD, name: 'Benchmark', alias: 'bench' },
    CLI_ACTOR,
    SYSTEM_META,
  );

  const target: BenchTarget = {
    baseUrl: `http://127.0.0.1:${port}`,
    accountRef: account.alias ?? account.id,
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
    async throttleAsInProduction() {
      if (cluster) return cluster.throttleAsInProduction();
      const production = loadConfig({ TRUST_PROXY: 'loopback' });
      deps.guard.throttle = new Throttle(deps.guard.throttle.store, production.throttle, production.securityCheck);
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
    probeStart() {
      probe.start();
      cluster?.probeStart();
    },
    async probeStop() {
      const own = probe.stop();
      if (!cluster) return own;
      const readings = await cluster.probeStop();
      return {
        ...own,
        cpuMs: own.cpuMs + readings.reduce((sum, r) => sum + r.cpuMs, 0),
        eventLoopP99Ms: Math.max(...readings.map((r) => r.eventLoopP99Ms)),
      };
    },
    async stop() {
      await cluster?.stop();
      await app.close();
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Forks `count` HTTP workers (bench/server-worker.ts) on the same database and port. */
async function startWorkers(count: number, env: Record<string, string | undefined>) {
  cluster.setupPrimary({
    exec: fileURLToPath(new URL('./server-worker.ts', import.meta.url)),
    // tsx's loader comes along; a profiler flag given for the benchmark does not.
    execArgv: process.execArgv.filter((arg) => !arg.startsWith('--cpu-prof') && !arg.startsWith('--prof')),
  });
  // /metrics (the credential-stuffing row reads it) adds up the workers' counts, as under `serve --workers`.
  aggregateWorkerMetrics();
  const workers = Array.from({ length: count }, () => cluster.fork(env));
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((resolve, reject) => {
          worker.once('listening', () => resolve());
          worker.once('exit', (code) => reject(new Error(`a benchmark worker exited with ${code} before listening`)));
        }),
    ),
  );
  const ask = <T extends ServerWorkerMessage['type']>(message: ServerWorkerMessage, answer: T) =>
    Promise.all(
      workers.map(
        (worker) =>
          new Promise<Extract<ServerWorkerMessage, { type: T }>>((resolve) => {
            const listen = (reply: ServerWorkerMessage) => {
              if (reply.type !== answer) return;
              worker.off('message', listen);
              resolve(reply as Extract<ServerWorkerMessage, { type: T }>);
            };
            worker.on('message', listen);
            worker.send(message);
          }),
      ),
    );
  return {
    probeStart: () => {
      for (const w of workers) w.send({ type: 'probe-start' } satisfies ServerWorkerMessage);
    },
    probeStop: async () => (await ask({ type: 'probe-stop' }, 'probe-reading')).map((m) => m.reading),
    throttleAsInProduction: async () => void (await ask({ type: 'throttle-production' }, 'throttle-ready')),
    stop: () =>
      Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve) => {
              if (worker.isDead()) return resolve();
              worker.once('exit', () => resolve());
              worker.send({ type: 'stop' } satisfies ServerWorkerMessage);
            }),
        ),
      ),
  };
}
