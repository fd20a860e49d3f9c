import type { Kysely } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import type { Clock } from '../shared/clock.ts';
import {
  type InvalidationRow,
  insertInvalidation,
  invalidationsAfter,
  invalidationsAmong,
  latestInvalidations,
} from './invalidation.repository.ts';

/**
 * What a change names, for every cache that may hold something about it:
 * - `session`: one session (by ID) changed or ended;
 * - `principal`: anything about one principal (root user: the account ID; IAM user: its ID)
 *   changed: its sessions ended, its name, path, boundary, MFA devices, policies, groups or tags;
 * - `account`: anything account-wide changed: alias or name, managed policies, groups, the
 *   password policy. Everything cached about the account's principals goes.
 */
export type Topic = 'session' | 'principal' | 'account';

export interface Invalidation {
  topic: Topic;
  key: string;
}

/** A cache that hears about changes: it drops what a change names, or everything. */
export interface InvalidationListener {
  invalidate(change: Invalidation): void;
  clear(): void;
}

export interface InvalidationFeedSettings {
  /** Pause between the end of one poll and the start of the next. */
  pollMs: number;
  /**
   * Caches serve only while the last completed poll started at most this long ago: the
   * longest a change made by another process can go unseen here.
   */
  freshForMs: number;
  /** A sequence number skipped by the rows read is waited for this long (a transaction still open), then given up. */
  gapGraceMs: number;
}

export const INVALIDATION_SETTINGS: Readonly<InvalidationFeedSettings> = Object.freeze({
  pollMs: 400,
  freshForMs: 1_000,
  gapGraceMs: 30_000,
});

/** Rows read per query; a burst beyond it is read by the next query of the same poll. */
const BATCH = 1_000;
/** Skipped sequence numbers tracked one by one at most; a larger jump empties every cache instead. */
const MAX_GAP = 10_000;

/**
 * How the in-process caches of every process (cluster workers, instances behind a load
 * balancer, the command line) learn what changed: a change is written to the
 * `cache_invalidations` table in the transaction that makes it (`record`), and each process
 * polls the table (`start`) and drops what the new rows name.
 *
 * The bounds, stated in the README: in the process that made a change, caches drop it at once
 * and serve nothing it names until the poll has seen the change committed (0 stale); in every
 * other process, a cache serves only while its last completed poll started less than
 * `freshForMs` ago, so a change committed before that start has been applied, and nothing is
 * served more than `freshForMs` after a change was committed. When polling stops (the database
 * is unreachable, the event loop is stalled), caches stop serving and every read goes to the
 * database; when it comes back, the caches start empty.
 *
 * PostgreSQL hands out sequence numbers before commit, so a row may appear after rows with
 * larger numbers: a skipped number is read again on each poll until it appears or
 * `gapGraceMs` passes (its transaction rolled back).
 */
export class InvalidationFeed {
  readonly #db: Kysely<Database>;
  readonly #clock: Clock;
  readonly #settings: InvalidationFeedSettings;
  readonly #listeners: InvalidationListener[] = [];
  /** The highest sequence number read; null before the first poll. */
  #highest: number | null = null;
  /** Sequence numbers below `#highest` not yet read, with when they were first missed (ms). */
  readonly #gaps = new Map<number, number>();
  /** Changes this process recorded whose row no poll has read yet, by sequence number. */
  readonly #pending = new Map<number, string>();
  /** How many pending changes name each `topic:key`. */
  readonly #pendingKeys = new Map<string, number>();
  /** When the last completed poll started (ms); null: never, or not since polling stopped. */
  #lastPollStart: number | null = null;
  #epoch = 0;
  #polling: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #running = 0;
  /** Goes up when polling stops, so a poll of an earlier run schedules no more. */
  #run = 0;

  constructor(db: Kysely<Database>, clock: Clock, settings: InvalidationFeedSettings = INVALIDATION_SETTINGS) {
    this.#db = db;
    this.#clock = clock;
    this.#settings = settings;
  }

  get settings(): Readonly<InvalidationFeedSettings> {
    return this.#settings;
  }

  subscribe(listener: InvalidationListener): void {
    this.#listeners.push(listener);
  }

  /**
   * Announces changes, in the transaction that makes them (`tx`): other processes hear of them
   * once it commits; caches in this process drop what they name now and refill none of it until
   * a poll has read the rows. Call it last in the transaction, so the row commits soon after its
   * number is drawn.
   */
  async record(tx: Db, ...changes: Invalidation[]): Promise<void> {
    const at = this.#clock.now().toISOString();
    for (const change of changes) {
      const seq = await insertInvalidation(tx, change.topic, change.key, at);
      const name = keyOf(change.topic, change.key);
      this.#pending.set(seq, name);
      this.#pendingKeys.set(name, (this.#pendingKeys.get(name) ?? 0) + 1);
      this.#apply(change);
    }
  }

  /** Whether caches may serve at `now`: the last completed poll started within `freshForMs`. */
  isFresh(now: Date): boolean {
    if (this.#lastPollStart === null) return false;
    const age = now.getTime() - this.#lastPollStart;
    return age >= 0 && age <= this.#settings.freshForMs;
  }

  /** Whether this process recorded a change naming `topic:key` that no poll has read yet. */
  isPending(topic: Topic, key: string): boolean {
    return this.#pendingKeys.size > 0 && this.#pendingKeys.has(keyOf(topic, key));
  }

  /**
   * Goes up with every change applied. A cache reads the epoch before loading from the
   * database and keeps what it loaded only if the epoch is unchanged, so a load that raced
   * a change is never kept.
   */
  get epoch(): number {
    return this.#epoch;
  }

  /** Polls in the background until `stop` (the app starts it when it is ready). Calls nest. */
  start(): void {
    if (this.#running++ > 0) return;
    const run = this.#run;
    const tick = () => {
      this.#timer = undefined;
      void this.pollNow()
        .catch(() => {})
        .finally(() => {
          if (this.#run === run) this.#schedule(tick);
        });
    };
    this.#schedule(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.#running === 0) return;
    if (--this.#running > 0) return;
    this.#run++;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#polling.catch(() => {});
    this.#lastPollStart = null;
  }

  /** Reads what changed since the last poll and applies it; a poll started before this call is waited for first. */
  pollNow(): Promise<void> {
    const next = this.#polling.catch(() => {}).then(() => this.#poll());
    this.#polling = next;
    return next;
  }

  #schedule(tick: () => void, ms = this.#settings.pollMs): void {
    this.#timer = setTimeout(tick, ms);
    this.#timer.unref();
  }

  async #poll(): Promise<void> {
    const started = this.#clock.now().getTime();
    const rows: InvalidationRow[] = [];
    if (this.#highest === null) {
      // Start from the newest rows: those a transaction still open might slot in between are gaps.
      const latest = await latestInvalidations(this.#db, BATCH);
      this.#highest = latest.length > 0 ? latest[0]!.seq - 1 : 0;
      rows.push(...latest);
    } else {
      if (this.#gaps.size > 0) rows.push(...(await invalidationsAmong(this.#db, [...this.#gaps.keys()])));
      for (;;) {
        const batch = await invalidationsAfter(this.#db, this.#highest, BATCH);
        for (const row of batch) this.#read(row, started);
        if (batch.length < BATCH) break;
      }
    }
    for (const row of rows) this.#read(row, started);
    for (const [seq, missedAt] of this.#gaps) {
      if (started - missedAt > this.#settings.gapGraceMs) {
        this.#gaps.delete(seq);
        this.#settle(seq);
      }
    }
    // Polling had lapsed: changes may have gone unread meanwhile, so nothing cached is trusted.
    if (this.#lastPollStart === null || started - this.#lastPollStart > this.#settings.freshForMs) {
      this.#epoch++;
      for (const listener of this.#listeners) listener.clear();
    }
    this.#lastPollStart = started;
  }

  #read(row: InvalidationRow, now: number): void {
    const highest = this.#highest ?? 0;
    if (row.seq > highest) {
      if (row.seq - highest > MAX_GAP) {
        // Numbers jumped (a sequence reset): which were skipped is not worth tracking; nothing cached is trusted.
        this.#epoch++;
        for (const listener of this.#listeners) listener.clear();
      } else {
        for (let missing = highest + 1; missing < row.seq; missing++) this.#gaps.set(missing, now);
      }
      this.#highest = row.seq;
    } else if (!this.#gaps.delete(row.seq)) {
      return;
    }
    if (isTopic(row.topic)) this.#apply({ topic: row.topic, key: row.key });
    this.#settle(row.seq);
  }

  /** A recorded change's row was read (or given up): caches may hold what it names again. */
  #settle(seq: number): void {
    const name = this.#pending.get(seq);
    if (name === undefined) return;
    this.#pending.delete(seq);
    const left = (this.#pendingKeys.get(name) ?? 1) - 1;
    if (left > 0) this.#pendingKeys.set(name, left);
    else this.#pendingKeys.delete(name);
  }

  #apply(change: Invalidation): void {
    this.#epoch++;
    for (const listener of this.#listeners) listener.invalidate(change);
  }
}

function keyOf(topic: string, key: string): string {
  return `${topic}:${key}`;
}

function isTopic(topic: string): topic is Topic {
  return topic === 'session' || topic === 'principal' || topic === 'account';
}
