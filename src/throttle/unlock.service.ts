import { ANONYMOUS, type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import type { Db } from '../db/database.ts';
import { enqueueMail, publicLink } from '../mail/mail.service.ts';
import { recordRefusal } from '../support-references/support-reference.service.ts';
import { DAY } from '../shared/clock.ts';
import type { Deps } from '../deps.ts';
import { matchesHash, newToken, parseToken } from '../shared/secrets.ts';
import { unlockMail } from './unlock-mail.ts';
import { findRootUserByEmail } from '../identities/account.repository.ts';
import { findUnlock, insertUnlock, spendUnlock } from './throttle.repository.ts';

/** How long an emailed unlock link works. */
export const UNLOCK_LINK_MS = DAY;

/**
 * An identifier just reached the hard stop. A root user is emailed a link that lifts it
 * (the password stays as it is); an IAM user's administrators see it on the Users page.
 * Both are audited for the owner. Nothing here changes what the attempt's response says.
 */
export async function onHardStop(
  deps: Deps,
  identity: { kind: 'root'; emailKey: string } | { kind: 'user'; accountId: string | null; userNameKey: string },
  identifier: string,
  meta: RequestMeta,
): Promise<void> {
  if (identity.kind === 'user') {
    if (!identity.accountId) return;
    const accountId = identity.accountId;
    await deps.db.transaction().execute((tx) =>
      recordAudit(tx, deps, meta, {
        accountId,
        actor: { type: 'anonymous', id: null, name: null },
        eventName: 'SignInStopped',
        outcome: 'Failure',
        reason: 'TooManyFailures',
        target: { id: null, name: identity.userNameKey },
        details: { failures: deps.guard.throttle.settings.hardStop },
      }),
    );
    return;
  }
  const root = await findRootUserByEmail(deps.db, identity.emailKey);
  if (!root) return;
  await deps.db.transaction().execute(async (tx) => {
    const link = await mintUnlockLink(tx, deps, identifier);
    await enqueueMail(tx, deps, meta, {
      to: root.email,
      accountId: root.accountId,
      mail: unlockMail({ link, failures: deps.guard.throttle.settings.hardStop }),
    });
    await recordAudit(tx, deps, meta, {
      accountId: root.accountId,
      actor: { type: 'anonymous', id: null, name: null },
      eventName: 'SignInStopped',
      outcome: 'Failure',
      reason: 'TooManyFailures',
      target: { id: root.accountId, name: 'root' },
      details: { failures: deps.guard.throttle.settings.hardStop, unlockLinkSent: true },
    });
  });
}

/**
 * A new single-use link, valid for a day, that lifts the hard stop on `identifier`
 * (`root:<email>`), in the caller's transaction. Returns the link to mail.
 */
export async function mintUnlockLink(tx: Db, deps: Pick<Deps, 'clock' | 'publicUrl'>, identifier: string): Promise<string> {
  const now = deps.clock.now();
  const token = newToken();
  await insertUnlock(tx, {
    id: token.id,
    throttleKey: identifier,
    secretHash: token.secretHash,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + UNLOCK_LINK_MS).toISOString(),
  });
  return publicLink(deps, '/signin/unlock', { token: token.value });
}

type UnlockProblem = 'MalformedLink' | 'UnknownLink' | 'WrongSecret' | 'LinkAlreadyUsed' | 'LinkExpired';

async function inspectUnlock(deps: Deps, value: string) {
  const parsed = parseToken(value);
  if (!parsed) return { row: null, problem: 'MalformedLink' as UnlockProblem };
  const row = (await findUnlock(deps.db, parsed.id)) ?? null;
  let problem: UnlockProblem | null = null;
  if (!row) problem = 'UnknownLink';
  else if (!matchesHash(parsed.secret, row.secret_hash)) problem = 'WrongSecret';
  else if (row.used_at !== null) problem = 'LinkAlreadyUsed';
  else if (row.expires_at <= deps.clock.now().toISOString()) problem = 'LinkExpired';
  return { row, problem };
}

/** Whether the link can still be used (opening it changes nothing; mail scanners follow links). */
export async function unlockLinkUsable(deps: Deps, value: string): Promise<boolean> {
  return (await inspectUnlock(deps, value)).problem === null;
}

/** An unlock link was refused: records why for the root user it names and returns the reference to show. */
export async function refuseUnlockLink(deps: Deps, value: string, meta: RequestMeta): Promise<string> {
  const { row, problem } = await inspectUnlock(deps, value);
  const root = row ? await findRootUserByEmail(deps.db, row.throttle_key.slice('root:'.length)) : null;
  return recordRefusal(deps, meta, {
    flow: 'unlock',
    accountId: root?.accountId ?? null,
    actor: ANONYMOUS,
    eventName: 'SignInUnlockFailed',
    // Usable a moment ago: a concurrent click spent it first.
    reason: problem ?? 'LinkAlreadyUsed',
    ...(root ? { target: { id: root.accountId, name: 'root' } } : {}),
  });
}

/** Spends an unlock link and lifts the stop; false when the link cannot be used. */
export async function unlockWithLink(deps: Deps, value: string, meta: RequestMeta): Promise<boolean> {
  const { row, problem } = await inspectUnlock(deps, value);
  // Used or expired links are refused below, atomically, by spendUnlock.
  if (!row || problem === 'WrongSecret') return false;
  const now = deps.clock.now().toISOString();
  const spent = await deps.db.transaction().execute(async (tx) => {
    if (!(await spendUnlock(tx, row.id, now))) return false;
    const emailKey = row.throttle_key.slice('root:'.length);
    const root = await findRootUserByEmail(tx, emailKey);
    await recordAudit(tx, deps, meta, {
      accountId: root?.accountId ?? null,
      actor: { type: 'root', id: root?.accountId ?? null, name: 'root' },
      eventName: 'SignInUnlocked',
      outcome: 'Success',
      details: { by: 'emailed link' },
    });
    return true;
  });
  if (spent) await deps.guard.throttle.unlock(row.throttle_key);
  return spent;
}

/** An administrator (or the root user) lifts a stop or back-off on one of the account's IAM users. */
export async function unlockUserByAdministrator(
  deps: Deps,
  accountId: string,
  user: { id: string; name: string },
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await deps.db.transaction().execute((tx) =>
    recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: 'SignInUnlocked',
      outcome: 'Success',
      target: { id: user.id, name: user.name },
      details: { by: 'administrator' },
    }),
  );
  await deps.guard.throttle.unlock(userIdentifier(accountId, user.name));
}

export function rootIdentifier(email: string): string {
  return `root:${email.trim().toLowerCase()}`;
}

export function userIdentifier(accountId: string, userName: string): string {
  return `iam:${accountId}:${userName.trim().toLowerCase()}`;
}
