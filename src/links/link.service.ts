import type { Db } from '../db/database.ts';
import { hashSecret, matchesHash, parseToken } from '../shared/secrets.ts';
import type { LinkState, LinkStore } from './link-store.ts';
import { type Presented, normaliseCode } from './link-token.ts';

/**
 * Every link Gatehouse mails is checked here, in one order: parse `id.secret` → look up
 * → constant-time compare of the secret's hash → purpose → called off → used → expiry;
 * then spent by one conditional UPDATE. Flows differ only in their store (their table)
 * and in the page they show.
 */

/** Why a presented link cannot be used; recorded for the owner, never shown. */
export type LinkRefusal =
  | 'Malformed'
  | 'NotFound'
  | 'WrongSecret'
  | 'WrongPurpose'
  | 'Cancelled'
  | 'AlreadyUsed'
  | 'Expired';

/**
 * The outcome of checking a link. A refusal carries the stored row whenever the presented
 * id names one, so it can be recorded for that row's account; an unknown, replaced or
 * malformed link names none.
 */
export type LinkCheck<R, P extends string = string> =
  | { ok: true; link: R; purpose: P }
  | { ok: false; reason: LinkRefusal; link: R | null };

export async function checkLink<R, P extends string>(
  db: Db,
  store: LinkStore<R, P>,
  purposes: readonly P[],
  presented: Presented,
  now: Date,
): Promise<LinkCheck<R, P>> {
  const refused = (reason: LinkRefusal, link: R | null): LinkCheck<R, P> => ({ ok: false, reason, link });
  let row: R | null;
  let link: LinkState<P> | null;
  if (presented.token) {
    const parsed = parseToken(presented.token, store.idPattern);
    if (!parsed) return refused('Malformed', null);
    row = await store.find(db, parsed.id);
    if (!row) return refused('NotFound', null);
    link = matching(store.linksOf(row), parsed.secret, (l) => l.secretHash);
    if (!link) return refused('WrongSecret', row);
  } else if (presented.code && store.findByCodeHash) {
    const code = normaliseCode(presented.code);
    if (!code) return refused('Malformed', null);
    row = await store.findByCodeHash(db, hashSecret(code));
    link = row ? matching(store.linksOf(row), code, (l) => l.codeHash) : null;
    // A code is its own id: one that matches nothing names no stored link.
    if (!row || !link) return refused('NotFound', null);
  } else {
    return refused('Malformed', null);
  }
  if (!purposes.includes(link.purpose)) return refused('WrongPurpose', row);
  // Called off outranks used: a cancelled recovery says so, whichever of its links is shown.
  if (link.cancelledAt !== null) return refused('Cancelled', row);
  if (link.usedAt !== null) return refused('AlreadyUsed', row);
  if (link.expiresAt <= now.toISOString()) return refused('Expired', row);
  return { ok: true, link: row, purpose: link.purpose };
}

/** The row's link whose secret this is; every candidate is compared, constant-time, with no early exit. */
function matching<P extends string>(
  links: LinkState<P>[],
  secret: string,
  hashOf: (link: LinkState<P>) => string | null,
): LinkState<P> | null {
  let match: LinkState<P> | null = null;
  for (const link of links) {
    const hash = hashOf(link);
    if (hash !== null && matchesHash(secret, hash) && match === null) match = link;
  }
  return match;
}

/**
 * Spends a checked link, in the caller's transaction: false when, since the check, a
 * concurrent request spent it or it expired or was called off. Of two requests racing
 * with one link exactly one gets true.
 */
export function spendLink<R, P extends string>(
  tx: Db,
  store: LinkStore<R, P>,
  checked: { link: R; purpose: P },
  now: string,
): Promise<boolean> {
  return store.spend(tx, checked.link, checked.purpose, now);
}

/** The reason each refusal is recorded under (audit trail, support references); these names are kept. */
const REFUSAL_REASONS: Record<LinkRefusal, string> = {
  Malformed: 'MalformedLink',
  NotFound: 'UnknownLink',
  WrongSecret: 'WrongSecret',
  WrongPurpose: 'WrongPurpose',
  // Only an MFA recovery is called off (cancelled) while its links are out.
  Cancelled: 'RecoveryCancelled',
  AlreadyUsed: 'LinkAlreadyUsed',
  Expired: 'LinkExpired',
};

/** The recorded reason for a refused link; one that checks out again was spent a moment ago by a concurrent request. */
export function refusalReason(check: LinkCheck<unknown>, names: Partial<Record<LinkRefusal, string>> = {}): string {
  const reason = check.ok ? 'AlreadyUsed' : check.reason;
  return names[reason] ?? REFUSAL_REASONS[reason];
}
