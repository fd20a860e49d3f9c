import type { SessionWithPrincipal } from '../sessions/session.repository.ts';
import type { Invalidation, InvalidationFeed, InvalidationListener } from './invalidation-feed.ts';

/** Sessions kept at most; beyond it the oldest kept goes first. */
export const SESSION_CACHE_CAPACITY = 10_000;
/**
 * A kept session is read from the database again this long after it was kept, whatever the
 * feed says: a backstop, not the bound (the feed's is far shorter).
 */
export const SESSION_CACHE_MAX_AGE_MS = 60_000;

interface Kept {
  value: Readonly<SessionWithPrincipal>;
  /** When it was read from the database (ms, the deps' clock). */
  keptAt: number;
}

/**
 * Sessions as last read from the database, by session ID, for as long as the invalidation
 * feed vouches for them (README, Sessions): a change to a session, its principal or its
 * account drops it here at once in the process that made the change, and within the feed's
 * bound everywhere else. The secret's hash is kept with the session, so a token is checked
 * against it exactly as against the row. Entries are frozen: callers share them.
 */
export class SessionCache implements InvalidationListener {
  readonly #entries = new Map<string, Kept>();

  constructor(
    readonly feed: InvalidationFeed,
    readonly capacity = SESSION_CACHE_CAPACITY,
  ) {
    feed.subscribe(this);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The session `id` if it is kept and may be served at `now`. */
  get(id: string, now: Date): Readonly<SessionWithPrincipal> | undefined {
    const entry = this.#entries.get(id);
    if (!entry || !this.feed.isFresh(now) || this.#pending(entry.value)) return undefined;
    const age = now.getTime() - entry.keptAt;
    if (age < 0 || age > SESSION_CACHE_MAX_AGE_MS) return undefined;
    return entry.value;
  }

  /**
   * Loads a session with `load` and keeps it, unless a change was applied while it loaded
   * (the load may have read what the change replaced), a change naming it is pending, or the
   * feed cannot vouch for it now.
   */
  async load<T extends SessionWithPrincipal | null>(now: Date, load: () => Promise<T>): Promise<T> {
    const epoch = this.feed.epoch;
    const found = await load();
    if (found && this.feed.epoch === epoch && this.feed.isFresh(now) && !this.#pending(found)) {
      this.#keep(found, now.getTime());
    }
    return found;
  }

  /**
   * Replaces `previous` (what `get` answered) with a newer reading of its row (e.g. its last
   * activity). A session dropped or kept anew since `previous` was read is left as it is: a
   * reading made from `previous` would bring back what a change replaced.
   */
  update(previous: Readonly<SessionWithPrincipal>, next: SessionWithPrincipal): void {
    const kept = this.#entries.get(next.session.id);
    if (kept?.value === previous) kept.value = freeze(next);
  }

  invalidate(change: Invalidation): void {
    if (change.topic === 'session') {
      this.#entries.delete(change.key);
      return;
    }
    for (const [id, entry] of this.#entries) {
      const session = entry.value.session;
      if (change.topic === 'principal' ? session.principalId === change.key : session.accountId === change.key)
        this.#entries.delete(id);
    }
  }

  clear(): void {
    this.#entries.clear();
  }

  #keep(entry: SessionWithPrincipal, keptAt: number): void {
    const id = entry.session.id;
    this.#entries.delete(id);
    if (this.#entries.size >= this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(id, { value: freeze(entry), keptAt });
  }

  #pending(entry: SessionWithPrincipal): boolean {
    const { session } = entry;
    return (
      this.feed.isPending('session', session.id) ||
      this.feed.isPending('principal', session.principalId) ||
      this.feed.isPending('account', session.accountId)
    );
  }
}

function freeze(entry: SessionWithPrincipal): Readonly<SessionWithPrincipal> {
  return Object.freeze({
    session: Object.freeze({ ...entry.session }),
    principal: entry.principal ? Object.freeze({ ...entry.principal }) : null,
    mfaEnabled: entry.mfaEnabled,
  });
}
