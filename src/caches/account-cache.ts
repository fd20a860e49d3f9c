import type { Invalidation, InvalidationFeed, InvalidationListener } from './invalidation-feed.ts';

/** Accounts kept at most; beyond it the oldest kept goes first. */
export const ACCOUNT_CACHE_CAPACITY = 10_000;
/** A kept value is read again this long after it was kept, whatever the feed says: a backstop, not the bound. */
export const ACCOUNT_CACHE_MAX_AGE_MS = 60_000;

/**
 * One kind of account-wide setting the cache keeps (the password policy), named by the feature
 * that reads it; `V` is what it keeps, so the cache itself knows no feature's types.
 */
export interface AccountSlot<V> {
  readonly name: string;
  /** Never set: carries `V`. */
  readonly value?: V;
}

export function accountSlot<V>(name: string): AccountSlot<V> {
  return { name };
}

interface Kept {
  value: unknown;
  keptAt: number;
}

/**
 * Account-wide settings as last read, per account and slot, for as long as the invalidation
 * feed vouches for them (README, Caches): a change naming the account drops everything kept
 * for it, at once in the process that made the change and within the feed's bound elsewhere.
 * Values are shared between requests: never change them.
 */
export class AccountCache implements InvalidationListener {
  readonly #accounts = new Map<string, Map<string, Kept>>();

  constructor(
    readonly feed: InvalidationFeed,
    readonly capacity = ACCOUNT_CACHE_CAPACITY,
  ) {
    feed.subscribe(this);
  }

  async getOrLoad<V>(slot: AccountSlot<V>, accountId: string, now: Date, load: () => Promise<V>): Promise<V> {
    const kept = this.#accounts.get(accountId)?.get(slot.name);
    const age = kept ? now.getTime() - kept.keptAt : -1;
    if (kept && age >= 0 && age <= ACCOUNT_CACHE_MAX_AGE_MS && this.#servable(accountId, now)) return kept.value as V;
    const epoch = this.feed.epoch;
    const value = await load();
    if (this.feed.epoch === epoch && this.#servable(accountId, now)) {
      let slots = this.#accounts.get(accountId);
      if (!slots) {
        if (this.#accounts.size >= this.capacity) this.#accounts.delete(this.#accounts.keys().next().value!);
        slots = new Map();
        this.#accounts.set(accountId, slots);
      }
      slots.set(slot.name, { value, keptAt: now.getTime() });
    }
    return value;
  }

  invalidate(change: Invalidation): void {
    if (change.topic === 'account') this.#accounts.delete(change.key);
  }

  clear(): void {
    this.#accounts.clear();
  }

  #servable(accountId: string, now: Date): boolean {
    return this.feed.isFresh(now) && !this.feed.isPending('account', accountId);
  }
}
