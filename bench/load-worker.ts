import { performance } from 'node:perf_hooks';
import { openConnection } from './http-client.ts';
import type { RunPhase, WorkerMessage } from './load-protocol.ts';
import { scenarioNamed } from './scenarios.ts';

/**
 * The load generator: a separate process (forked by bench.ts) so that it has its own
 * event loop and the server's loop serves only the server. It runs one phase, closed
 * loop: every connection sends its next request as soon as the previous answer is in.
 */
/** Resolves once the message is handed to the IPC channel, so disconnecting after it loses nothing. */
function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, (error: Error | null) => (error ? reject(error) : resolve()));
  });
}

async function runPhase(phase: RunPhase): Promise<void> {
  const scenario = scenarioNamed(phase.scenario);
  if (!scenario) throw new Error(`unknown scenario ${phase.scenario}`);

  const begin = performance.now();
  const windowStart = begin + phase.warmupMs;
  const windowEnd = windowStart + phase.durationMs;
  const latencies: number[] = [];
  let unexpected = 0;
  let errors = 0;
  let firstError: string | null = null;
  let cpuAtStart = process.cpuUsage();
  let cpuInWindow: NodeJS.CpuUsage | null = null;

  const measuring = setTimeout(() => {
    cpuAtStart = process.cpuUsage();
    void send({ type: 'measuring' });
  }, phase.warmupMs);
  const measured = setTimeout(() => {
    cpuInWindow = process.cpuUsage(cpuAtStart);
    void send({ type: 'measured' });
  }, phase.warmupMs + phase.durationMs);

  const loop = async (state: unknown, index: number) => {
    const connection = openConnection(phase.client, phase.baseUrls[index % phase.baseUrls.length]!);
    try {
      for (;;) {
        const started = performance.now();
        if (started >= windowEnd) return;
        let good = false;
        let failure: unknown = null;
        try {
          good = await scenario.request(connection, state);
        } catch (error) {
          failure = error;
        }
        const finished = performance.now();
        if (finished < windowStart || finished >= windowEnd) continue;
        if (failure) {
          errors++;
          firstError ??= String((failure as Error).message ?? failure);
        } else if (good) {
          latencies.push(finished - started);
        } else {
          unexpected++;
        }
      }
    } finally {
      connection.close();
    }
  };
  await Promise.all(phase.states.map((state, index) => loop(state, index)));
  // The last answers can come in before the window's timer fires: the result then ends the window.
  clearTimeout(measuring);
  clearTimeout(measured);

  const cpu: NodeJS.CpuUsage = cpuInWindow ?? process.cpuUsage(cpuAtStart);
  await send({
    type: 'result',
    latencies: Float64Array.from(latencies),
    unexpected,
    errors,
    firstError,
    windowMs: phase.durationMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
  });
}

process.once('message', (message: RunPhase) => {
  runPhase(message).then(
    () => process.disconnect?.(),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
