import { ChildProcess, fork } from 'node:child_process';
import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { type Config, loadConfig } from '../src/config/config.ts';
import type { Deps } from '../src/deps.ts';
import { Throttle } from '../src/guard/throttle.ts';
import { aggregateWorkerMetrics } from '../src/metrics/cluster-metrics.ts';
import { createRuntime } from '../src/runtime.ts';
import { buildFloorApp } from './floor.ts';
import { Probe, type ProbeReading } from './probe.ts';
import type { ServerWorkerMessage } from './server-protocol.ts';

/** What a benchmark server process serves: Gatehouse, or the floor (bench/floor.ts). */
export type ServedApp = 'gatehouse' | 'floor';

/**
 * The environment variables that tell a forked server process (an instance, bench/instance.ts, or
 * a cluster worker, bench/server-worker.ts) what to serve. The configuration itself travels whole
 * in `BENCH_CONFIG_ENV`, so every process of a run reads the same settings and nothing else from
 * the environment it was started in.
 */
export interface ServedEnv {
  BENCH_SERVE: ServedApp;
  BENCH_CONFIG_ENV: string;
  BENCH_WORKERS?: string;
}

/** An app in this process, ready to listen. */
export interface LocalServer {
  app: FastifyInstance;
  /** Switches to the production throttle settings (the credential-stuffing row). */
  throttleAsInProduction(): void;
  close(): Promise<void>;
}

/** Servers listening for one row (or a whole run), however many processes serve them. */
export interface Serving {
  /** One per instance. */
  baseUrls: string[];
  /** Starts watching the server processes for a measured window. */
  probeStart(): void;
  /** Stops watching: CPU of every server process added up, the worst event-loop delay among them. */
  probeStop(): Promise<ProbeReading>;
  throttleAsInProduction(): Promise<void>;
  stop(): Promise<void>;
}

/** Profiler flags given for the benchmark stay with it; tsx's loader goes along to the processes it forks. */
export const CHILD_EXEC_ARGV = process.execArgv.filter(
  (arg) => !arg.startsWith('--cpu-prof') && !arg.startsWith('--prof'),
);

/** `kind` built in this process from `config`: Gatehouse on a runtime of its own, or the floor. */
export async function buildLocalServer(kind: ServedApp, config: Config): Promise<LocalServer> {
  if (kind === 'floor') {
    const app = buildFloorApp(config);
    return { app, throttleAsInProduction: () => {}, close: () => app.close() };
  }
  const runtime = createRuntime(config);
  const app = await buildApp(config, runtime.deps, { logger: false });
  return {
    app,
    throttleAsInProduction: () => useProductionThrottle(runtime.deps),
    close: async () => {
      await app.close();
      await runtime.close();
    },
  };
}

/** The throttle with the configuration's defaults (production), on the same counters. */
export function useProductionThrottle(deps: Deps): void {
  const production = loadConfig({ TRUST_PROXY: 'loopback' });
  deps.guard.throttle = new Throttle(deps.guard.throttle.store, production.throttle, production.securityCheck);
}

/** The configuration a forked server process was given (see `ServedEnv`). */
export function servedConfig(): {
  kind: ServedApp;
  configEnv: Record<string, string>;
  config: Config;
  workers: number;
} {
  const kind = process.env.BENCH_SERVE === 'floor' ? 'floor' : 'gatehouse';
  const configEnv = JSON.parse(process.env.BENCH_CONFIG_ENV ?? '{}') as Record<string, string>;
  return { kind, configEnv, config: loadConfig(configEnv), workers: Number(process.env.BENCH_WORKERS) || 1 };
}

/**
 * Serves `kind` on `config.port` from this process (`workers` 1; `local` when the caller built the
 * app already) or from `workers` cluster workers sharing the port, as `gatehouse serve --workers`.
 */
export async function serveHere(options: {
  kind: ServedApp;
  configEnv: Record<string, string>;
  workers: number;
  local?: LocalServer;
}): Promise<Serving> {
  const config = loadConfig(options.configEnv);
  const baseUrls = [`http://127.0.0.1:${config.port}`];
  const probe = new Probe();
  if (options.workers <= 1) {
    const local = options.local ?? (await buildLocalServer(options.kind, config));
    await local.app.listen({ host: config.host, port: config.port });
    return {
      baseUrls,
      probeStart: () => probe.start(),
      probeStop: async () => probe.stop(),
      throttleAsInProduction: async () => local.throttleAsInProduction(),
      stop: () => local.close(),
    };
  }
  const workers = await startWorkers(options.kind, options.configEnv, options.workers);
  return {
    baseUrls,
    probeStart() {
      probe.start();
      for (const worker of workers) worker.send({ type: 'probe-start' } satisfies ServerWorkerMessage);
    },
    async probeStop() {
      const own = probe.stop();
      const readings = (await ask(workers, { type: 'probe-stop' }, 'probe-reading')).map((m) => m.reading);
      return addUp(own, readings);
    },
    throttleAsInProduction: async () => void (await ask(workers, { type: 'throttle-production' }, 'throttle-ready')),
    stop: () => Promise.all(workers.map((worker) => stopProcess(worker))).then(() => {}),
  };
}

/**
 * Serves `kind` from one process per port (bench/instance.ts), each as `serveHere` with `workers`:
 * separate Gatehouse instances on one database, as behind a load balancer.
 */
export async function serveInstances(options: {
  kind: ServedApp;
  configEnv: Record<string, string>;
  workers: number;
  ports: number[];
}): Promise<Serving> {
  const script = fileURLToPath(new URL('./instance.ts', import.meta.url));
  const instances: ChildProcess[] = [];
  try {
    for (const port of options.ports) {
      const env: ServedEnv = {
        BENCH_SERVE: options.kind,
        BENCH_CONFIG_ENV: JSON.stringify({ ...options.configEnv, PORT: String(port) }),
        BENCH_WORKERS: String(options.workers),
      };
      instances.push(fork(script, [], { env: { ...process.env, ...env }, execArgv: CHILD_EXEC_ARGV }));
    }
  } catch (error) {
    await Promise.all(instances.map((instance) => stopProcess(instance)));
    throw error;
  }
  return servedBy(
    instances,
    options.ports.map((port) => `http://127.0.0.1:${port}`),
  );
}

/**
 * Server processes of their own (forked, each answering `answerBenchmark`'s messages and saying
 * `ready` once it listens), watched as one: once all are ready, their `Serving`. Stopped if any fails to start.
 */
export async function servedBy(instances: ChildProcess[], baseUrls: string[]): Promise<Serving> {
  try {
    await Promise.all(instances.map((instance) => readyOf(instance)));
  } catch (error) {
    await Promise.all(instances.map((instance) => stopProcess(instance)));
    throw error;
  }
  // The window and the machine's busy time come from here; the CPU is the instances' own.
  const probe = new Probe();
  return {
    baseUrls,
    probeStart() {
      probe.start();
      for (const instance of instances) instance.send({ type: 'probe-start' } satisfies ServerWorkerMessage);
    },
    async probeStop() {
      const own = probe.stop();
      const readings = (await ask(instances, { type: 'probe-stop' }, 'probe-reading')).map((m) => m.reading);
      return addUp({ ...own, cpuMs: 0, eventLoopP99Ms: 0 }, readings);
    },
    throttleAsInProduction: async () => void (await ask(instances, { type: 'throttle-production' }, 'throttle-ready')),
    stop: () => Promise.all(instances.map((instance) => stopProcess(instance))).then(() => {}),
  };
}

/**
 * Answers the benchmark's messages in a forked server process (an instance or a cluster worker):
 * `serving` is what this process serves, with its own workers if it has any.
 */
export function answerBenchmark(
  serving: Pick<Serving, 'probeStart' | 'probeStop' | 'throttleAsInProduction' | 'stop'>,
) {
  const reply = (message: ServerWorkerMessage) => process.send?.(message);
  process.on('message', (message: ServerWorkerMessage) => {
    if (message.type === 'probe-start') serving.probeStart();
    else if (message.type === 'probe-stop')
      void serving.probeStop().then((reading) => reply({ type: 'probe-reading', reading }));
    else if (message.type === 'throttle-production')
      void serving.throttleAsInProduction().then(() => reply({ type: 'throttle-ready' }));
    else if (message.type === 'stop') void serving.stop().then(() => process.disconnect());
  });
}

function addUp(own: ProbeReading, readings: ProbeReading[]): ProbeReading {
  return {
    ...own,
    ...(readings[0]?.guardMedianMs !== undefined ? { guardMedianMs: readings[0].guardMedianMs } : {}),
    cpuMs: own.cpuMs + readings.reduce((sum, r) => sum + r.cpuMs, 0),
    eventLoopP99Ms: Math.max(own.eventLoopP99Ms, ...readings.map((r) => r.eventLoopP99Ms)),
  };
}

let metricsAggregated = false;

/** Forks `count` HTTP workers (bench/server-worker.ts) serving `kind` on the configuration's port. */
async function startWorkers(kind: ServedApp, configEnv: Record<string, string>, count: number): Promise<Worker[]> {
  cluster.setupPrimary({
    exec: fileURLToPath(new URL('./server-worker.ts', import.meta.url)),
    execArgv: CHILD_EXEC_ARGV,
  });
  if (kind === 'gatehouse' && !metricsAggregated) {
    // /metrics (the credential-stuffing row reads it) adds up the workers' counts, as under `serve --workers`.
    aggregateWorkerMetrics();
    metricsAggregated = true;
  }
  const env: ServedEnv = { BENCH_SERVE: kind, BENCH_CONFIG_ENV: JSON.stringify(configEnv) };
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
  return workers;
}

/** A forked server process as the benchmark talks to it: an instance (ChildProcess) or a cluster worker. */
interface Child {
  send(message: ServerWorkerMessage): unknown;
  on(event: 'message', listener: (message: ServerWorkerMessage) => void): unknown;
  off(event: 'message', listener: (message: ServerWorkerMessage) => void): unknown;
}

function ask<T extends ServerWorkerMessage['type']>(children: Child[], message: ServerWorkerMessage, answer: T) {
  return Promise.all(
    children.map(
      (child) =>
        new Promise<Extract<ServerWorkerMessage, { type: T }>>((resolve) => {
          const listen = (reply: ServerWorkerMessage) => {
            if (reply.type !== answer) return;
            child.off('message', listen);
            resolve(reply as Extract<ServerWorkerMessage, { type: T }>);
          };
          child.on('message', listen);
          child.send(message);
        }),
    ),
  );
}

function readyOf(instance: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const listen = (message: ServerWorkerMessage) => {
      if (message.type !== 'ready') return;
      instance.off('message', listen);
      resolve();
    };
    instance.on('message', listen);
    instance.once('exit', (code) => reject(new Error(`a benchmark instance exited with ${code} before listening`)));
  });
}

/** Asks a forked server process to close and waits until it has exited. */
function stopProcess(child: ChildProcess | Worker): Promise<void> {
  const forked = child instanceof ChildProcess ? child : child.process;
  return new Promise((resolve) => {
    if (forked.exitCode !== null || forked.signalCode !== null) return resolve();
    forked.once('exit', () => resolve());
    if (forked.connected) child.send({ type: 'stop' } satisfies ServerWorkerMessage);
    else forked.kill();
  });
}
