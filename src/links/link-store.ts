import type { Db } from '../db/database.ts';

/** One link as the check reads it off a flow's stored row. */
export interface LinkState<P extends string> {
  purpose: P;
  secretHash: string;
  /** Hash of the equivalent short code, for links that have one. */
  codeHash: string | null;
  usedAt: string | null;
  /** When what the link acts on was called off before the link was used (a cancelled recovery). */
  cancelledAt: string | null;
  expiresAt: string;
}

/**
 * A flow's links, seen through that flow's repository: each flow keeps its own table, and
 * `link.service.ts` checks and spends them all the same way.
 */
export interface LinkStore<R, P extends string> {
  /** The shape of the id in `id.secret`, when it is not a `newToken` id. */
  idPattern?: string;
  find(db: Db, id: string): Promise<R | null>;
  /** For links with a short code: the row whose code has this hash. */
  findByCodeHash?(db: Db, codeHash: string): Promise<R | null>;
  /** The links a row carries: one, or one per purpose (a recovery's confirm and cancel links). */
  linksOf(row: R): LinkState<P>[];
  /** Marks a link used in one conditional UPDATE: only while unused, not called off and unexpired at `now`. */
  spend(db: Db, row: R, purpose: P, now: string): Promise<boolean>;
}
