import type { ProbeReading } from './probe.ts';

/** Messages between the benchmark and its server processes: `--workers N` cluster workers and `--instances N` instances. */
export type ServerWorkerMessage =
  /** An instance listens (its workers too): rows may start. Cluster workers say so by listening. */
  | { type: 'ready' }
  /** A measured window starts: watch CPU and the event loop from now. */
  | { type: 'probe-start' }
  /** The window is over: answer with a `probe-reading`. */
  | { type: 'probe-stop' }
  | { type: 'probe-reading'; reading: ProbeReading }
  /** Switch to the production throttle settings (the credential-stuffing row); answered by `throttle-ready`. */
  | { type: 'throttle-production' }
  | { type: 'throttle-ready' }
  /** Close the server and the database, then leave. */
  | { type: 'stop' };
