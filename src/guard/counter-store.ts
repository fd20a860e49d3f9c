import type { Db } from '../db/database.ts';

/**
 * Where throttling counters live: the database (the default) or Redis (`REDIS_URL`).
 * Every operation is one atomic step in the store, so counts stay exact under
 * concurrent requests and across every instance that shares the store.
 */
export interface CounterStore {
  /**
   * `database` counters can join a transaction (`within`): a service runs an attempt's counter
   * steps in one, or in the one that records its outcome, so they commit once, not once each.
   */
  readonly kind: 'database' | 'redis';
  /** These counters, read and written through `db` (a transaction) when they live in the database; Redis ones as they are. */
  within(db: Db): CounterStore;
  /** Takes one token from the bucket at `key`; false (and nothing taken) when it is empty. */
  take(key: string, rule: BucketRule, nowMs: number): Promise<boolean>;
  /** Whole tokens left in the bucket at `key`, without taking one. */
  level(key: string, rule: BucketRule, nowMs: number): Promise<number>;
  /** Adds one consecutive failure at `key` and returns the new count. */
  addFailure(key: string, nowIso: string): Promise<number>;
  /**
   * Adds one failure at `key` only if its count is still `expected` (0 when there is none):
   * one compare-and-set, so of several requests that read the same count exactly one wins.
   */
  addFailureIf(key: string, expected: number, nowIso: string): Promise<boolean>;
  /**
   * Takes back one failure at `key` (never below zero). When the count is still `added` (nobody
   * counted another since), the time of the last failure goes back to `previousAt` as well.
   */
  removeFailure(key: string, added: FailureCount, previousAt: string | null): Promise<void>;
  failures(key: string): Promise<FailureCount | null>;
  clearFailures(key: string): Promise<void>;
  /** True only for the first claim of `key` before `expiresMs`: single-use markers. */
  claimOnce(key: string, expiresMs: number, nowMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * A token bucket holding up to `burst` tokens and gaining one every `intervalMs`.
 * Kept as GCRA: one number per key (the time the bucket would be full again).
 */
export interface BucketRule {
  burst: number;
  intervalMs: number;
}

export interface FailureCount {
  failures: number;
  lastFailureAt: string;
}

export function gcraLevel(tatMs: number, rule: BucketRule, nowMs: number): number {
  const used = Math.max(tatMs, nowMs) - nowMs;
  return Math.max(0, Math.floor((rule.burst * rule.intervalMs - used) / rule.intervalMs));
}
