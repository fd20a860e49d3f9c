import { ANONYMOUS, type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import type { Db } from '../db/database.ts';
import { enqueueMail, publicLink } from '../mail/mail.service.ts';
import { recordRefusal } from '../support-references/support-reference.service.ts';
import { DAY } from '../shared/clock.ts';
import type { Deps } from '../deps.ts';
import { issueLink } from '../links/link-token.ts';
import { checkLink, refusalReason, spendLink } from '../links/link.service.ts';
import { unlockMail } from './unlock-mail.ts';
import { findAccountByRef, findRootUserByEmail } from '../identities/account.repository.ts';
import { UNLOCK_LINKS, insertUnlock } from './throttle.repository.ts';

/** How long an emailed unlock link works. */
export const UNLOCK_LINK_MS = DAY;

/**
 * An identifier just reached the hard stop. A root user is emailed a link that lifts it
 * (the password stays as it is); an IAM user's administrators see it on the Users page.
 * Both are audited for the owner. Nothing here changes what the attempt's response says.
 */
export async function onHardStop(
  deps: Deps,
  identity: { kind: 'root'; emailKey: string } | { kind: 'user'; accountKey: string; userNameKey: string },
  identifier: string,
  meta: RequestMeta,
): Promise<void> {
  if (identity.kind === 'user') {
    // Looked up again here: this runs once per hard stop, after the response.
    const accountId = (await findAccountByRef(deps.db, identity.accountKey))?.id;
    if (!accountId) return;
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
export async function mintUnlockLink(
  tx: Db,
  deps: Pick<Deps, 'clock' | 'publicUrl'>,
  identifier: string,
): Promise<string> {
  const now = deps.clock.now();
  const issued = issueLink();
  await insertUnlock(tx, {
    id: issued.row.id,
    throttleKey: identifier,
    secretHash: issued.row.secretHash,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + UNLOCK_LINK_MS).toISOString(),
  });
  return publicLink(deps, '/signin/unlock', { token: issued.value });
}

function checkUnlockLink(deps: Deps, value: string) {
  return checkLink(deps.db, UNLOCK_LINKS, ['unlock'], { token: value }, deps.clock.now());
}

/** Whether the link can still be used (opening it changes nothing; mail scanners follow links). */
export async function unlockLinkUsable(deps: Deps, value: string): Promise<boolean> {
  return (await checkUnlockLink(deps, value)).ok;
}

/** An unlock link was refused: records why for the root user it names and returns the reference to show. */
export async function refuseUnlockLink(deps: Deps, value: string, meta: RequestMeta): Promise<string> {
  const check = await checkUnlockLink(deps, value);
  const root = check.link ? await findRootUserByEmail(deps.db, check.link.throttleKey.slice('root:'.length)) : null;
  return recordRefusal(deps, meta, {
    flow: 'unlock',
    accountId: root?.accountId ?? null,
    actor: ANONYMOUS,
    eventName: 'SignInUnlockFailed',
    reason: refusalReason(check),
    ...(root ? { target: { id: root.accountId, name: 'root' } } : {}),
  });
}

/** Spends an unlock link and lifts the stop; false when the link cannot be used. */
export async function unlockWithLink(deps: Deps, value: string, meta: RequestMeta): Promise<boolean> {
  const check = await checkUnlockLink(deps, value);
  if (!check.ok) return false;
  const unlock = check.link;
  const now = deps.clock.now().toISOString();
  const spent = await deps.db.transaction().execute(async (tx) => {
    if (!(await spendLink(tx, UNLOCK_LINKS, check, now))) return false;
    const emailKey = unlock.throttleKey.slice('root:'.length);
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
  if (spent) await deps.guard.throttle.unlock(unlock.throttleKey);
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
