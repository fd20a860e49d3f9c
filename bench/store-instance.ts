import { createServer } from 'node:http';
import { Authorizer } from '@gatehouse/authorizer';
import { gatehouseGuard } from '../examples/s3-store/gatehouse-guard.ts';
import { ObjectFiles } from '../examples/s3-store/object-files.ts';
import { type StoreGuard, s3Store } from '../examples/s3-store/s3-store.ts';
import { Probe } from './probe.ts';
import type { ServerWorkerMessage } from './server-protocol.ts';
import { answerBenchmark } from './serving.ts';
import { percentile } from './stats.ts';
import type { StoreConfig } from './store-serving.ts';

/**
 * The example S3 store in a process of its own (forked by bench/store-serving.ts), as
 * `npm run example:s3` serves it: guarded by an Authorizer that asks the benchmark's Gatehouse
 * with the store's own key, or open (no guard), watched by its own probe while a row is measured.
 */
const config = JSON.parse(process.env.BENCH_STORE ?? '{}') as StoreConfig;
const guard = config.service
  ? gatehouseGuard(new Authorizer({ gatehouse: config.gatehouse, credentials: config.service }))
  : null;
/** How long each request's guard call ran before it returned (ms): on a cache hit, all of its work. */
let guardTimes: number[] = [];
const timedGuard: StoreGuard | null = guard && {
  authorize(req, op) {
    const start = performance.now();
    const decision = guard.authorize(req, op);
    guardTimes.push(performance.now() - start);
    return decision;
  },
};
const server = createServer(s3Store(new ObjectFiles(config.dataDir), timedGuard));
const probe = new Probe();

answerBenchmark({
  probeStart: () => {
    guardTimes = [];
    probe.start();
  },
  probeStop: async () => {
    const reading = probe.stop();
    if (guardTimes.length === 0) return reading;
    return {
      ...reading,
      guardMedianMs: percentile(
        guardTimes.sort((a, b) => a - b),
        0.5,
      ),
    };
  },
  throttleAsInProduction: async () => {},
  stop: () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
});

await new Promise<void>((resolve) => server.listen(config.port, '127.0.0.1', resolve));
process.send?.({ type: 'ready' } satisfies ServerWorkerMessage);
