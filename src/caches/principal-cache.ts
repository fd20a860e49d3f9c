import type { Invalidation, InvalidationFeed, InvalidationListener } from './invalidation-feed.ts';

/** Principals kept at most; beyond it the oldest kept goes first. */
export const PRINCIPAL_CACHE_CAPACITY = 10_000;
/** A kept value is loaded again this long after it was kept, whatever the feed says: a backstop, not the bound. */
export const PRINCIPAL_CACHE_MAX_AGE_MS = 60_000;

interface Kept<V> {
  value: V;
  accountId: string;
  keptAt: number;
}

/**
 * Something worked out about a principal (its compiled policies), by principal ID, for as
 * long as the invalidation feed vouches for it (README, Caches): a change naming the
 * principal or its account drops it at once in the process that made the change, and within
 * the feed's bound everywhere else. Values are shared between requests: never change them.
 */
export class PrincipalCache<V> implements InvalidationListener {
  readonly #entries = new Map<string, Kept<V>>();

  constructor(
    readonly feed: InvalidationFeed,
    readonly capacity = PRINCIPAL_CACHE_CAPACITY,
  ) {
    feed.subscribe(this);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** What is kept for the principal, if the feed vouches for it at `now`. */
  get(principalId: string, accountId: string, now: Date): V | undefined {
    const entry = this.#entries.get(principalId);
    if (!entry || entry.accountId !== accountId || !this.#servable(principalId, accountId, now)) return undefined;
    const age = now.getTime() - entry.keptAt;
    if (age < 0 || age > PRINCIPAL_CACHE_MAX_AGE_MS) return undefined;
    return entry.value;
  }

  /**
   * What is kept, or else `load`'s answer, kept unless a change was applied while it loaded,
   * a change naming the principal or its account is pending, or the feed cannot vouch now.
   */
  async getOrLoad(principalId: string, accountId: string, now: Date, load: () => Promise<V>): Promise<V> {
    const kept = this.get(principalId, accountId, now);
    if (kept !== undefined) return kept;
    const epoch = this.feed.epoch;
    const value = await load();
    if (this.feed.epoch === epoch && this.#servable(principalId, accountId, now)) {
      this.#entries.delete(principalId);
      if (this.#entries.size >= this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
      this.#entries.set(principalId, { value, accountId, keptAt: now.getTime() });
    }
    return value;
  }

  invalidate(change: Invalidation): void {
    if (change.topic === 'principal') this.#entries.delete(change.key);
    else if (change.topic === 'account') {
      for (const [id, entry] of this.#entries) if (entry.accountId === change.key) this.#entries.delete(id);
    }
  }

  clear(): void {
    this.#entries.clear();
  }

  #servable(principalId: string, accountId: string, now: Date): boolean {
    return (
      this.feed.isFresh(now) &&
      !this.feed.isPending('principal', principalId) &&
      !this.feed.isPending('account', accountId)
    );
  }
}
