import { cpus } from 'node:os';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * The histogram samples every RESOLUTION_MS and records the whole interval between
 * samples, so an idle loop reads ≈ RESOLUTION_MS; what is reported is the delay beyond it.
 */
const RESOLUTION_MS = 10;

export interface ProbeReading {
  /** p99 of the server event loop's delay during the window, in ms. */
  eventLoopP99Ms: number;
  /** CPU time this process (all its threads, argon2's included) spent in the window. */
  cpuMs: number;
  /** CPU time the whole machine spent busy in the window (every process, this one included). */
  machineBusyMs: number;
  windowMs: number;
  /**
   * The guarded example store only: the median time its guard's own work took per request in the
   * window (the Authorizer's verification and cached decision, synchronous on a cache hit), in ms.
   */
  guardMedianMs?: number;
}

/** Busy CPU time of the whole machine so far, summed over cores, in ms. */
function machineBusyMs(): number {
  let busy = 0;
  for (const { times } of cpus()) busy += times.user + times.nice + times.sys + times.irq;
  return busy;
}

/** Watches this (the server's) process during one measured window. */
export class Probe {
  readonly #histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  #cpuAtStart: NodeJS.CpuUsage | null = null;
  #startedAt = 0;
  #machineBusyAtStart = 0;

  start(): void {
    this.#histogram.reset();
    this.#histogram.enable();
    this.#cpuAtStart = process.cpuUsage();
    this.#machineBusyAtStart = machineBusyMs();
    this.#startedAt = performance.now();
  }

  stop(): ProbeReading {
    this.#histogram.disable();
    const cpu = process.cpuUsage(this.#cpuAtStart ?? undefined);
    const p99 = this.#histogram.count > 0 ? this.#histogram.percentile(99) / 1e6 : RESOLUTION_MS;
    return {
      eventLoopP99Ms: Math.max(0, p99 - RESOLUTION_MS),
      cpuMs: (cpu.user + cpu.system) / 1000,
      machineBusyMs: machineBusyMs() - this.#machineBusyAtStart,
      windowMs: performance.now() - this.#startedAt,
    };
  }
}
