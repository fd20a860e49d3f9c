import cluster, { type Worker } from 'node:cluster';
import pino from 'pino';
import { buildApp } from '../app.ts';
import { type Config, loadConfig } from '../config/config.ts';
import { migrateOrThrow } from '../db/migrate.ts';
import { recordPublicUrl } from '../instance-settings/public-url.service.ts';
import { startJobs } from '../jobs/job-runner.ts';
import { startMailDelivery } from '../mail/mail-sender.ts';
import { startPurging } from '../maintenance/purge.service.ts';
import { aggregateWorkerMetrics } from '../metrics/cluster-metrics.ts';
import { createRuntime } from '../runtime.ts';
import { UsageError } from './cli-io.ts';

/** A worker that dies sooner than this after starting counts as failing to start. */
const EARLY_EXIT_MS = 10_000;
/** After this many early exits in a row, the primary gives up instead of forking forever. */
const EARLY_EXITS_ALLOWED = 5;

export interface ServeOptions {
  migrate: boolean;
  /** HTTP processes sharing the port; 1 serves from this process. */
  workers: number;
}

/**
 * Listens until SIGTERM/SIGINT, running background jobs, purging expired data every hour and
 * recording its public URL in the database for the command line's links. With several workers (node:cluster shares the port between them) this process
 * migrates, runs background jobs, delivers mail, purges and keeps the workers running, and
 * each worker serves HTTP. Every piece of state is in the database (or Redis), so any worker
 * can serve any request. On a stop, in-flight requests finish and the database is closed.
 */
export async function serve(options: ServeOptions): Promise<number> {
  if (cluster.isWorker) return serveHttp(loadConfig(), { background: false });
  if (options.workers <= 1) return serveHttp(loadConfig(), { background: true, migrate: options.migrate });
  return superviseWorkers(loadConfig(), options);
}

/** `background`: this process also runs background jobs, delivers mail and purges expired data (a worker leaves them to its primary). */
async function serveHttp(config: Config, options: { background: boolean; migrate?: boolean }): Promise<number> {
  const runtime = createRuntime(config);
  if (options.migrate || (!cluster.isWorker && runtime.database.dialect === 'sqlite'))
    await migrateOrThrow(runtime.database.db);
  const app = await buildApp(config, runtime.deps);
  if (!cluster.isWorker) for (const warning of runtime.warnings) app.log.warn(`INSECURE DEFAULT: ${warning}`);
  await app.listen({ port: config.port, host: config.host });
  if (!cluster.isWorker) {
    await recordPublicUrl(runtime.deps, config.publicUrl.origin);
    app.log.info(`Gatehouse is serving ${config.publicUrl.origin}/signin`);
  }
  const mailSender = options.background ? startMailDelivery(runtime.deps, app.log) : null;
  const jobRunner = options.background ? startJobs(runtime.deps, app.log) : null;
  const purger = options.background ? startPurging(runtime.deps, app.log) : null;

  return untilStopped(app.log, async () => {
    await app.close();
    await jobRunner?.stop();
    await mailSender?.stop();
    await purger?.stop();
    await runtime.close();
  });
}

async function superviseWorkers(config: Config, options: ServeOptions): Promise<number> {
  if (config.databaseUrl === 'sqlite::memory:') {
    throw new UsageError(
      '--workers needs a database the workers share; each would get its own empty sqlite::memory: database.',
    );
  }
  const log = pino({ level: config.logLevel });
  // The data folder's generated key (when SECRET_KEY is unset) and the schema exist before any worker starts.
  const runtime = createRuntime(config);
  for (const warning of runtime.warnings) log.warn(`INSECURE DEFAULT: ${warning}`);
  if (options.migrate || runtime.database.dialect === 'sqlite') await migrateOrThrow(runtime.database.db);
  await recordPublicUrl(runtime.deps, config.publicUrl.origin);
  const mailSender = startMailDelivery(runtime.deps, log);
  const jobRunner = startJobs(runtime.deps, log);
  const purger = startPurging(runtime.deps, log);
  aggregateWorkerMetrics();

  let stopping = false;
  let earlyExits = 0;
  const startedAt = new Map<Worker, number>();
  let listening = 0;
  const fork = () => startedAt.set(cluster.fork(), Date.now());

  return new Promise<number>((resolve) => {
    const finish = async (code: number) => {
      await jobRunner.stop();
      await mailSender?.stop();
      await purger.stop();
      await runtime.close();
      resolve(code);
    };
    const stopAll = (signal: NodeJS.Signals) => {
      for (const worker of startedAt.keys()) worker.process.kill(signal);
    };

    cluster.on('listening', () => {
      if (++listening === options.workers)
        log.info(`Gatehouse is serving ${config.publicUrl.origin}/signin with ${options.workers} workers`);
    });
    cluster.on('exit', (worker, code, signal) => {
      const started = startedAt.get(worker) ?? 0;
      startedAt.delete(worker);
      if (stopping) {
        if (startedAt.size === 0) void finish(0);
        return;
      }
      earlyExits = Date.now() - started < EARLY_EXIT_MS ? earlyExits + 1 : 0;
      if (earlyExits >= EARLY_EXITS_ALLOWED) {
        log.error(`workers keep exiting on start (last: code ${code}, signal ${signal ?? 'none'}); stopping`);
        stopping = true;
        if (startedAt.size === 0) void finish(1);
        else stopAll('SIGTERM');
        return;
      }
      log.error({ pid: worker.process.pid, code, signal }, 'a worker exited; starting another');
      fork();
    });

    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down');
      stopAll('SIGTERM');
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    for (let i = 0; i < options.workers; i++) fork();
  });
}

/**
 * Resolves with exit code 0 once SIGTERM or SIGINT (or, in a worker, the primary going
 * away) has run `close`. A worker then leaves the cluster, which lets its process end.
 */
function untilStopped(
  log: { info(object: object, message: string): void },
  close: () => Promise<void>,
): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      if (!cluster.isWorker) log.info({ signal }, 'shutting down');
      await close();
      if (cluster.isWorker && process.connected) process.disconnect();
      resolve(0);
    };
    process.once('SIGTERM', () => void stop('SIGTERM'));
    process.once('SIGINT', () => void stop('SIGINT'));
    if (cluster.isWorker) process.once('disconnect', () => void stop('disconnect'));
  });
}
