import { type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import type { Db } from '../db/database.ts';
import { type Attempted, attemptKeysOf } from './attempt-keys.ts';
import { DAY } from '../shared/clock.ts';
import type { Deps } from '../deps.ts';
import { newRowId } from '../shared/ids.ts';
import { randomFrom } from '../shared/secrets.ts';
import {
  deleteExpiredReferences,
  findReferencesInAccount,
  insertSupportReference,
} from './support-reference.repository.ts';

/** How long a reference and its reason are kept. */
export const REFERENCE_TTL_MS = 30 * DAY;

/** Letters and digits nobody confuses when reading them out (no 0/O, 1/I/L). */
const REFERENCE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** A reference as shown: `7KQ-3MX`. Random, so it reveals nothing by itself. */
export function newReference(): string {
  return `${randomFrom(REFERENCE_ALPHABET, 3)}-${randomFrom(REFERENCE_ALPHABET, 3)}`;
}

/** Accepts `Ref 7kq 3mx`, `7KQ3MX`, … and returns `7KQ-3MX`, or null. */
export function normaliseReference(input: string): string | null {
  const compact = input
    .toUpperCase()
    .replace(/^\s*REF\b/, '')
    .replace(/[\s-]/g, '');
  if (compact.length !== 6) return null;
  for (const ch of compact) if (!REFERENCE_ALPHABET.includes(ch)) return null;
  return `${compact.slice(0, 3)}-${compact.slice(3)}`;
}

/** What failed: a sign-in form, or a step of recovering access. */
export type FailureFlow = 'signin-root' | 'signin-user' | 'password-reset' | 'unlock' | 'mfa' | 'mfa-recovery';

export const FLOW_LABELS: Record<string, string> = {
  'signin-root': 'root sign-in',
  'signin-user': 'IAM user sign-in',
  'password-reset': 'password reset link or code',
  unlock: 'unlock link',
  mfa: 'MFA step of sign-in',
  'mfa-recovery': 'MFA recovery link',
};

/**
 * Stores a failed attempt's reference beside its audit event, in the caller's
 * transaction, with keyed hashes of what was typed into a sign-in form (none for
 * recovery steps). Returns the reference to show.
 */
export async function recordFailureReference(
  tx: Db,
  deps: Deps,
  input: { auditEventId: string; accountId: string | null; reason: string; attempted?: Attempted; flow?: FailureFlow },
): Promise<string> {
  const now = deps.clock.now();
  const reference = newReference();
  const keys = input.attempted ? attemptKeysOf(deps.keyring, input.attempted) : null;
  const flow = input.flow ?? (input.attempted?.kind === 'root' ? 'signin-root' : 'signin-user');
  // Kept 30 days: the hourly purge deletes them after that, and lookups skip expired ones.
  await insertSupportReference(tx, {
    id: newRowId(deps.clock.now()),
    reference,
    accountId: input.accountId,
    auditEventId: input.auditEventId,
    flow,
    reason: input.reason,
    identifierKey: keys?.identifierKey ?? null,
    nameKey: keys?.nameKey ?? null,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + REFERENCE_TTL_MS).toISOString(),
  });
  return reference;
}

/**
 * A refused recovery step (a spent link, a wrong MFA code…): its audit event and
 * reference in one transaction. The screen shows only the reference. Anyone can send
 * links, so nothing is written for one that names no account (no administrator could
 * look its reference up), nor once the source address or network is out of tokens; the
 * page still shows a reference, unstored, so it looks the same.
 */
export async function recordRefusal(
  deps: Deps,
  meta: RequestMeta,
  input: {
    flow: FailureFlow;
    accountId: string | null;
    actor: Actor;
    eventName: string;
    reason: string;
    target?: { id: string | null; name: string | null };
    details?: Record<string, unknown>;
  },
): Promise<string> {
  const accountId = input.accountId;
  if (accountId === null || !(await deps.guard.throttle.admitSource(meta.ip, deps.clock.now()))) return newReference();
  return deps.db.transaction().execute(async (tx) => {
    const auditEventId = await recordAudit(tx, deps, meta, {
      accountId,
      actor: input.actor,
      eventName: input.eventName,
      outcome: 'Failure',
      reason: input.reason,
      ...(input.target ? { target: input.target } : {}),
      ...(input.details ? { details: input.details } : {}),
    });
    return recordFailureReference(tx, deps, { auditEventId, accountId, reason: input.reason, flow: input.flow });
  });
}

export interface ReferenceLookup {
  reference: string;
  flow: string;
  reason: string;
  time: string;
  principalName: string | null;
  /** Whose credential a refused recovery step was for (sign-in failures name the principal instead). */
  targetName: string | null;
  sourceIp: string | null;
  userAgent: string | null;
}

/** An administrator looks a reference up: only references of their own account are found. */
export async function lookUpReference(deps: Deps, accountId: string, input: string): Promise<ReferenceLookup[]> {
  const reference = normaliseReference(input);
  if (!reference) return [];
  const rows = await findReferencesInAccount(deps.db, accountId, reference, deps.clock.now().toISOString());
  return rows.map((r) => ({
    reference: r.reference,
    flow: r.flow,
    reason: r.reason,
    time: r.createdAt,
    principalName: r.actorName,
    targetName: r.targetName,
    sourceIp: r.sourceIp,
    userAgent: r.userAgent,
  }));
}

export async function purgeExpiredReferences(deps: Deps): Promise<number> {
  return deleteExpiredReferences(deps.db, deps.clock.now().toISOString());
}
