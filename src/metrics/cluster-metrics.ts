import cluster, { type Worker } from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { type MetricsSnapshot, sumSnapshots } from './metrics.ts';

/**
 * `serve --workers N` runs one instance as N processes, but a scrape reaches one of them:
 * the worker that answers asks the primary, which collects every worker's counts and
 * returns their sum, so `/metrics` describes the whole instance whichever worker answers.
 */

type Message =
  | { type: 'gatehouse:metrics-request'; id: string }
  | { type: 'gatehouse:metrics-collect'; id: string }
  | { type: 'gatehouse:metrics-snapshot'; id: string; snapshot: MetricsSnapshot }
  | { type: 'gatehouse:metrics-total'; id: string; snapshot: MetricsSnapshot | null };

/** How long the primary waits for the workers' counts; a worker that does not answer counts with its last answer. */
const COLLECT_MS = 1_000;

function isMessage(value: unknown): value is Message {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string' &&
    (value as { type: string }).type.startsWith('gatehouse:metrics-')
  );
}

const pending = new Map<string, (snapshot: MetricsSnapshot | null) => void>();

/** In a worker: answers the primary's collections with `snapshot()`, and routes the totals it asked for. */
export function serveMetricsToPrimary(snapshot: () => MetricsSnapshot): void {
  process.on('message', (message: unknown) => {
    if (!isMessage(message)) return;
    if (message.type === 'gatehouse:metrics-collect')
      process.send?.({ type: 'gatehouse:metrics-snapshot', id: message.id, snapshot: snapshot() } satisfies Message);
    if (message.type === 'gatehouse:metrics-total') {
      pending.get(message.id)?.(message.snapshot);
      pending.delete(message.id);
    }
  });
}

/** In a worker: the whole instance's counts, or null when the primary does not answer in time (then no partial count is reported). */
export function instanceMetrics(): Promise<MetricsSnapshot | null> {
  const id = randomUUID();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      resolve(null);
    }, 2 * COLLECT_MS);
    pending.set(id, (snapshot) => {
      clearTimeout(timer);
      resolve(snapshot);
    });
    process.send?.({ type: 'gatehouse:metrics-request', id } satisfies Message);
  });
}

/**
 * In the primary: collects every worker's counts when one of them asks, and sends it the
 * sum. Counters must never go backwards (Prometheus reads a drop as a reset): a worker that
 * does not answer in time counts with its last answer, and one that exits keeps its last
 * counts in the total.
 */
export function aggregateWorkerMetrics(): void {
  const latest = new Map<number, MetricsSnapshot>();
  let retired = sumSnapshots([]);
  const collections = new Map<string, { waiting: Set<Worker>; done: () => void }>();
  cluster.on('exit', (worker: Worker) => {
    const last = latest.get(worker.id);
    latest.delete(worker.id);
    // Its counters stay in the total; its gauges (hashes queued and running) end with it.
    if (last) retired = sumSnapshots([retired, { ...last, hashQueued: 0, hashActive: 0 }]);
  });
  cluster.on('message', (from: Worker, message: unknown) => {
    if (!isMessage(message)) return;
    if (message.type === 'gatehouse:metrics-request') {
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w?.isConnected() === true);
      const id = randomUUID();
      const collection = {
        waiting: new Set(workers),
        done: () => {
          clearTimeout(timer);
          collections.delete(id);
          const total = sumSnapshots([retired, ...latest.values()]);
          if (from.isConnected())
            from.send({ type: 'gatehouse:metrics-total', id: message.id, snapshot: total } satisfies Message);
        },
      };
      const timer = setTimeout(() => collection.done(), COLLECT_MS);
      collections.set(id, collection);
      for (const worker of workers) worker.send({ type: 'gatehouse:metrics-collect', id } satisfies Message);
    } else if (message.type === 'gatehouse:metrics-snapshot') {
      latest.set(from.id, message.snapshot);
      const collection = collections.get(message.id);
      if (!collection?.waiting.delete(from)) return;
      if (collection.waiting.size === 0) collection.done();
    }
  });
}
