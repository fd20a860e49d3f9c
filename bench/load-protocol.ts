/** Messages between the benchmark (server process) and a load-generator process. */

import type { ClientKind } from './http-client.ts';

export interface RunPhase {
  type: 'run';
  client: ClientKind;
  scenario: string;
  /** Connection `i` goes to `baseUrls[i % baseUrls.length]`: one URL per server instance. */
  baseUrls: string[];
  /** One per connection, from the scenario's `prepare`. */
  states: unknown[];
  warmupMs: number;
  durationMs: number;
}

export type WorkerMessage =
  /** Warm-up is over: the measured window starts now. */
  | { type: 'measuring' }
  /** The measured window is over; requests still in flight are not counted. */
  | { type: 'measured' }
  | {
      type: 'result';
      /** Latency (ms) of every request that finished inside the window with the expected answer. */
      latencies: Float64Array;
      /** Requests that finished inside the window with another answer. */
      unexpected: number;
      /** Requests that failed at the socket level inside the window. */
      errors: number;
      firstError: string | null;
      windowMs: number;
      /** CPU time the load process spent during the window. */
      cpuMs: number;
    };
