import type { Db } from '../db/database.ts';
import { Poller } from '../shared/poller.ts';
import { type CountedDecision, addToCounts } from './authorization-count.repository.ts';

/** The longest a decision's count waits in a process before it is written (README, "Recorded decisions"). */
export const COUNT_FLUSH_MS = 1_000;

/**
 * The authorization API's per-minute decision counts as this process adds them: summed in
 * memory and written every `COUNT_FLUSH_MS`, all of a pass in one transaction, and once more
 * when the server closes. One write a second instead of a commit per decision is what lets
 * the API answer thousands of questions a second; what that costs is said in the README: a
 * count reaches the table up to `COUNT_FLUSH_MS` late, and a process that dies without closing
 * loses what it held. A pass that fails keeps its counts for the next one.
 */
export class DecisionCounts {
  #pending = new Map<string, CountedDecision & { count: number }>();
  readonly #poller: Poller;

  constructor(
    private readonly db: Db,
    flushMs = COUNT_FLUSH_MS,
  ) {
    this.#poller = new Poller(() => this.flush(), flushMs);
  }

  add(decision: CountedDecision): void {
    const key = `${decision.accountId}\n${decision.minute}\n${decision.serviceArn}\n${decision.action}\n${decision.decision}`;
    const kept = this.#pending.get(key);
    if (kept) kept.count += 1;
    else this.#pending.set(key, { ...decision, count: 1 });
  }

  /** Writes what is held now; counts added meanwhile wait for the next pass. */
  async flush(): Promise<void> {
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    try {
      await this.db.transaction().execute((tx) => addToCounts(tx, [...batch.values()]));
    } catch (error) {
      for (const [key, held] of batch) {
        const kept = this.#pending.get(key);
        if (kept) kept.count += held.count;
        else this.#pending.set(key, held);
      }
      throw error;
    }
  }

  start(onError: (error: unknown) => void): void {
    this.#poller.start(onError);
  }

  /** Stops the passes and writes what is left. */
  async stop(): Promise<void> {
    await this.#poller.stop();
    await this.flush();
  }
}
