import type { Db } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import { matchesHash, newToken, parseToken } from '../shared/secrets.ts';
import {
  type SessionRecord,
  deleteSessionRow,
  findSessionRow,
  findSessionWithPrincipal,
  insertSession,
  setMfaAt,
  touchSession,
} from './session.repository.ts';

export type { SessionRestriction } from '../db/schema.ts';
import type { SessionRestriction } from '../db/schema.ts';

export interface NewSession {
  accountId: string;
  principalId: string;
  restriction: SessionRestriction | null;
  mfaAt: string | null;
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
    restriction: input.restriction,
    sourceIp: input.sourceIp,
    userAgent: input.userAgent.slice(0, 512),
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

/** `checkSession`, reading the session with its principal and MFA state in one query (signed-in pages). */
export async function checkSessionWithPrincipal(deps: Deps, tokenValue: string | undefined) {
  return checkSessionWith(deps, tokenValue, (id) => findSessionWithPrincipal(deps.db, id));
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
  const idleDeadline = new Date(session.lastSeenAt).getTime() + deps.sessionIdleMs;
  if (now.toISOString() >= session.expiresAt || now.getTime() >= idleDeadline) {
    await deleteSessionRow(deps.db, session.id);
    return null;
  }
  if (now.getTime() - new Date(session.lastSeenAt).getTime() >= TOUCH_INTERVAL_MS) {
    session.lastSeenAt = now.toISOString();
    await touchSession(deps.db, session.id, session.lastSeenAt);
  }
  return found;
}

/** Sign-out: ends the session a cookie names, if it is a valid one. */
export async function endSession(deps: Deps, tokenValue: string | undefined): Promise<void> {
  const parsed = parseToken(tokenValue);
  if (!parsed) return;
  const session = await findSessionRow(deps.db, parsed.id);
  if (session && matchesHash(parsed.secret, session.secretHash)) await deleteSessionRow(deps.db, session.id);
}

/** The session proved a second factor just now (enrolling a device proves possession of it): it counts as MFA-authenticated. */
export async function noteMfaProved(deps: Deps, sessionId: string): Promise<void> {
  await setMfaAt(deps.db, sessionId, deps.clock.now().toISOString());
}
