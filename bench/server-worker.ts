import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/config.ts';
import { createRuntime } from '../src/runtime.ts';
import { Throttle } from '../src/guard/throttle.ts';
import { Probe } from './probe.ts';
import type { ServerWorkerMessage } from './server-protocol.ts';

/**
 * One HTTP worker of the benchmark's `--workers N` mode (forked by server.ts through
 * node:cluster, as `gatehouse serve --workers N` forks its own): the same app on the same
 * database and port, watched by its own probe while a row is measured.
 */
const config = loadConfig();
const runtime = createRuntime(config);
const app = await buildApp(config, runtime.deps, { logger: false });
const probe = new Probe();

const reply = (message: ServerWorkerMessage) => process.send?.(message);

process.on('message', (message: ServerWorkerMessage) => {
  if (message.type === 'probe-start') probe.start();
  else if (message.type === 'probe-stop') reply({ type: 'probe-reading', reading: probe.stop() });
  else if (message.type === 'throttle-production') {
    const production = loadConfig({ TRUST_PROXY: 'loopback' });
    runtime.deps.guard.throttle = new Throttle(
      runtime.deps.guard.throttle.store,
      production.throttle,
      production.securityCheck,
    );
    reply({ type: 'throttle-ready' });
  } else if (message.type === 'stop') {
    void app
      .close()
      .then(() => runtime.close())
      .then(() => process.disconnect());
  }
});

await app.listen({ host: config.host, port: config.port });
