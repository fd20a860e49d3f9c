import { Probe } from './probe.ts';
import { answerBenchmark, buildLocalServer, servedConfig } from './serving.ts';

/**
 * One HTTP worker of the benchmark's `--workers N` mode (forked through node:cluster by
 * bench/serving.ts, as `gatehouse serve --workers N` forks its own): Gatehouse or the floor
 * on the same database and port as its siblings, watched by its own probe while a row is measured.
 */
const { kind, config } = servedConfig();
const local = await buildLocalServer(kind, config);
const probe = new Probe();

answerBenchmark({
  probeStart: () => probe.start(),
  probeStop: async () => probe.stop(),
  throttleAsInProduction: async () => local.throttleAsInProduction(),
  stop: () => local.close(),
});

await local.app.listen({ host: config.host, port: config.port });
