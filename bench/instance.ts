import type { ServerWorkerMessage } from './server-protocol.ts';
import { answerBenchmark, serveHere, servedConfig } from './serving.ts';

/**
 * One server instance of the benchmark's `--instances N` mode (forked by bench/serving.ts): a
 * process of its own on a port of its own, serving Gatehouse (or the floor) itself or from
 * `--workers` cluster workers, on the run's one database (and Redis) — one of N machines
 * behind a load balancer, all on this one.
 */
const { kind, configEnv, workers } = servedConfig();
const serving = await serveHere({ kind, configEnv, workers });
answerBenchmark(serving);
process.send?.({ type: 'ready' } satisfies ServerWorkerMessage);
