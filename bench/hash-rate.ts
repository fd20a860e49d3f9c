import { performance } from 'node:perf_hooks';
import { hash, verify } from '@node-rs/argon2';
import type { Argon2Params } from '../src/passwords/password-hasher.ts';
import { percentile } from './stats.ts';

/** `Algorithm.Argon2id` (an ambient const enum in @node-rs/argon2, so named here by value). */
const ARGON2ID = 2;

export interface HashRate {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * The ceiling for password sign-ins: argon2id verifications with the server's parameters
 * and at the server's hashing concurrency, with nothing else running. A sign-in costs
 * one verification (a hash with the stored salt), so this is the rate to compare with.
 */
export async function measureHashRate(
  params: Argon2Params,
  concurrency: number,
  window: { warmupMs: number; durationMs: number; onStart(): void; onEnd(): void },
): Promise<HashRate> {
  const { warmupMs, durationMs } = window;
  const password = 'bench password for sign-in 1';
  const stored = await hash(password, { ...params, algorithm: ARGON2ID });
  const begin = performance.now();
  const windowStart = begin + warmupMs;
  const windowEnd = windowStart + durationMs;
  const latencies: number[] = [];
  const startTimer = setTimeout(window.onStart, warmupMs);
  const endTimer = setTimeout(window.onEnd, warmupMs + durationMs);

  const loop = async () => {
    for (;;) {
      const started = performance.now();
      if (started >= windowEnd) return;
      if (!(await verify(stored, password.normalize('NFKC')))) throw new Error('argon2 verify failed');
      const finished = performance.now();
      if (finished >= windowStart && finished < windowEnd) latencies.push(finished - started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  clearTimeout(startTimer);
  clearTimeout(endTimer);
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / (durationMs / 1000),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}
