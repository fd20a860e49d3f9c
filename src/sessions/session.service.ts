import type { Db } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import { matchesHash, newToken, parseToken } from '../shared/secrets.ts';
import {
  type SessionRecord,
  type SessionWithPrincipal,
  deleteSessionRow,
  findSessionRow,
  findSessionWithPrincipal,
  insertSession,
  setMfaProved,
  touchSessionIfIdleSince,
} from './session.repository.ts';

export type { MfaMethod, SessionRestriction } from '../db/schema.ts';
import type { MfaMethod, SessionRestriction } from '../db/schema.ts';

export interface NewSession {
  accountId: string;
  principalId: string;
  restriction: SessionRestriction | null;
  mfaAt: string | null;
  /** Which second factor `mfaAt` is of; omitted or null when none. */
  mfaMethod?: MfaMethod | null;
  sourceIp: string;
  userAgent: string;
}

/** last_seen_at is written at most this often, so checking a session rarely writes. */
const TOUCH_INTERVAL_MS = 60_000;

/** Starts a session and returns the token for the cookie (`id.secret`); only the secret's hash is stored. */
export async function startSession(
  db: Db,
  deps: Deps,
  input: NewSession,
): Promise<{ token: string; session: SessionRecord }> {
  const token = newToken();
  const now = deps.clock.now();
  const session: SessionRecord = {
    id: token.id,
    secretHash: token.secretHash,
    accountId: input.accountId,
    principalId: input.principalId,
    createdAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + deps.sessionMaxMs).toISOString(),
    mfaAt: input.mfaAt,
    mfaMethod: input.mfaMethod ?? null,
    restriction: input.restriction,
    sourceIp: input.sourceIp,
    userAgent: input.userAgent.slice(0, 512),
    roleCredentialId: null,
  };
  await insertSession(db, session);
  return { token: token.value, session };
}

/**
 * The session a cookie names, or null when the token is malformed, unknown, wrong,
 * idle too long or past its absolute lifetime. Expired sessions are deleted on sight.
 */
export async function checkSession(deps: Deps, tokenValue: string | undefined): Promise<SessionRecord | null> {
  const found = await checkSessionWith(deps, tokenValue, async (id) => {
    const session = await findSessionRow(deps.db, id);
    return session ? { session } : null;
  });
  return found?.session ?? null;
}

/** `checkSession`, reading the session with its principal and MFA state from the database in one query. */
export async function readSessionWithPrincipal(
  deps: Deps,
  tokenValue: string | undefined,
): Promise<SessionWithPrincipal | null> {
  return checkSessionWith(deps, tokenValue, (id) => findSessionWithPrincipal(deps.db, id));
}

/**
 * The session of a signed-in page with its principal and MFA state, as `findSignedInSession`
 * answers it (from the session cache when it can), in objects of the caller's own: a page may
 * note on them what it changes (a second factor demanded).
 */
export async function checkSessionWithPrincipal(
  deps: Deps,
  tokenValue: string | undefined,
): Promise<SessionWithPrincipal | null> {
  const found = await findSignedInSession(deps, tokenValue);
  if (!found) return null;
  return {
    session: { ...found.session },
    principal: found.principal ? { ...found.principal } : null,
    mfaEnabled: found.mfaEnabled,
  };
}

/**
 * `readSessionWithPrincipal`, answered from the session cache while the invalidation feed
 * vouches for the kept session (README, Sessions): no query at all, except to record activity
 * (at most once a minute). A kept session that looks ended is read again from the database,
 * which decides: another process may have recorded activity since. What it returns is shared
 * and frozen.
 */
export async function findSignedInSession(
  deps: Deps,
  tokenValue: string | undefined,
): Promise<Readonly<SessionWithPrincipal> | null> {
  const parsed = parseToken(tokenValue);
  if (!parsed) return null;
  const now = deps.clock.now();
  const cache = deps.caches.sessions;
  const kept = cache.get(parsed.id, now);
  if (kept) {
    if (!matchesHash(parsed.secret, kept.session.secretHash)) return null;
    const state = stateAt(deps, kept.session, now);
    if (state === 'active') return kept;
    if (state === 'due') {
      const touched = {
        ...kept,
        session: { ...kept.session, lastSeenAt: await recordActivity(deps, kept.session.id, now) },
      };
      cache.update(kept, touched);
      return touched;
    }
  }
  return cache.load(now, () => readSessionWithPrincipal(deps, tokenValue));
}

/** What `GET /console/api/session` tells about a session (README, Sessions). */
export interface SessionSummary {
  principal:
    | { type: 'root'; arn: string; accountId: string }
    | { type: 'user'; arn: string; accountId: string; userId: string; userName: string };
  mfa: { present: boolean; authenticatedAt: string | null };
  /** When the session ends whatever happens (its absolute lifetime). */
  expiresAt: string;
  /** When it ends unless it is used before (its idle timeout, from the last recorded activity). */
  idleExpiresAt: string;
  /** null for a full sign-in; otherwise what the session still owes (`mfa_required`, `password_change_required`). */
  restriction: SessionRestriction | null;
}

/** The session a cookie names, as `GET /console/api/session` shows it; null when it names none (or its principal is gone). */
export async function describeSession(deps: Deps, tokenValue: string | undefined): Promise<SessionSummary | null> {
  const found = await findSignedInSession(deps, tokenValue);
  const principal = found?.principal;
  if (!found || !principal) return null;
  const { session } = found;
  return {
    principal:
      principal.type === 'root'
        ? { type: 'root', arn: principal.arn, accountId: principal.accountId }
        : {
            type: 'user',
            arn: principal.arn,
            accountId: principal.accountId,
            userId: principal.id,
            userName: principal.name,
          },
    mfa: { present: session.mfaAt !== null, authenticatedAt: session.mfaAt },
    expiresAt: session.expiresAt,
    idleExpiresAt: new Date(Date.parse(session.lastSeenAt) + deps.sessionIdleMs).toISOString(),
    restriction: session.restriction as SessionRestriction | null,
  };
}

async function checkSessionWith<T extends { session: SessionRecord }>(
  deps: Deps,
  tokenValue: string | undefined,
  find: (id: string) => Promise<T | null>,
): Promise<T | null> {
  const parsed = parseToken(tokenValue);
  if (!parsed) return null;
  const found = await find(parsed.id);
  if (!found || !matchesHash(parsed.secret, found.session.secretHash)) return null;
  const { session } = found;
  const now = deps.clock.now();
  const state = stateAt(deps, session, now);
  if (state === 'ended') {
    await deleteSessionRow(deps.db, session.id);
    return null;
  }
  if (state === 'due') session.lastSeenAt = await recordActivity(deps, session.id, now);
  return found;
}

/**
 * Where a session stands at `now`: ended (past its lifetime, or idle too long), active, or
 * active with its activity due to be recorded (`TOUCH_INTERVAL_MS` after the last recorded).
 */
function stateAt(deps: Deps, session: SessionRecord, now: Date): 'ended' | 'active' | 'due' {
  const lastSeen = Date.parse(session.lastSeenAt);
  if (now.toISOString() >= session.expiresAt || now.getTime() >= lastSeen + deps.sessionIdleMs) return 'ended';
  return now.getTime() - lastSeen >= TOUCH_INTERVAL_MS ? 'due' : 'active';
}

/**
 * Records activity at `now`, unless the row shows activity within `TOUCH_INTERVAL_MS` already
 * (another process recorded it): written at most once per interval whichever process sees it.
 * Returns the session's new last activity.
 */
async function recordActivity(deps: Deps, sessionId: string, now: Date): Promise<string> {
  const seen = now.toISOString();
  await touchSessionIfIdleSince(deps.db, sessionId, seen, new Date(now.getTime() - TOUCH_INTERVAL_MS).toISOString());
  return seen;
}

/** Sign-out: ends the session a cookie names, if it is a valid one. */
export async function endSession(deps: Deps, tokenValue: string | undefined): Promise<void> {
  const parsed = parseToken(tokenValue);
  if (!parsed) return;
  const session = await findSessionRow(deps.db, parsed.id);
  if (!session || !matchesHash(parsed.secret, session.secretHash)) return;
  await deps.db.transaction().execute(async (tx) => {
    await deleteSessionRow(tx, session.id);
    await deps.invalidations.record(tx, { topic: 'session', key: session.id });
  });
}

/** The session proved a second factor just now (enrolling a device proves possession of it): it counts as MFA-authenticated. */
export async function noteMfaProved(deps: Deps, sessionId: string, method: MfaMethod): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    await setMfaProved(tx, sessionId, deps.clock.now().toISOString(), method);
    await deps.invalidations.record(tx, { topic: 'session', key: sessionId });
  });
}
