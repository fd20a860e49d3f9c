import {
  findAccount,
  findRootUser,
  markRootEmailVerified,
  updateRootPasswordHash,
} from '../identities/account.repository.ts';
import { ANONYMOUS, type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import {
  rootPasswordChangedMail,
  passwordResetMail,
  accountsForEmailMail,
  type AccountListing,
} from '../mail/mail-templates.ts';
import { enqueueMail, enqueueMailIfRootEmail, publicLink } from '../mail/mail.service.ts';
import { assertHashable, checkNewPassword } from '../passwords/password-check.ts';
import { rememberPassword } from '../passwords/password-history.repository.ts';
import { deleteSessionsOfPrincipal } from '../sessions/session.repository.ts';
import { MINUTE } from '../shared/clock.ts';
import { type Finish, NOTHING_MORE } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import { emailKey, normaliseEmail } from '../shared/validation.ts';
import { ONE_TIME_TOKENS, deleteUnusedTokens, insertTokenForRootEmail } from '../links/one-time-token.repository.ts';
import { type Presented, issueLink } from '../links/link-token.ts';
import { checkLink, refusalReason, spendLink } from '../links/link.service.ts';
import { recordRefusal } from '../support-references/support-reference.service.ts';
import { findRecoveryTarget } from './recovery.repository.ts';

/** How long a password reset link or code works. */
export const RESET_TTL_MS = 30 * MINUTE;

/** Stands in for the principal when an address is unknown, so the same statements still run. */
const NOBODY = '-';

/**
 * "Forgot password?" for the root user. The page queues it as a background job, so the
 * answer cannot depend on it and none of its work runs near the request; it still runs
 * the same statements whether or not the address belongs to a root user: the token and
 * the mail are inserted by INSERT … SELECT from root_users, which writes nothing for an
 * unknown address. No mail goes to unknown addresses. `finish` runs in its transaction.
 */
export async function requestPasswordReset(
  deps: Deps,
  emailInput: string,
  meta: RequestMeta,
  finish: Finish = NOTHING_MORE,
): Promise<void> {
  const email = normaliseEmail('email', emailInput);
  const key = emailKey(email);
  const issued = issueLink({ withCode: true });
  const now = deps.clock.now();
  const link = publicLink(deps, '/signin/reset', { token: issued.value });
  const mail = passwordResetMail({
    link,
    code: issued.code!,
    minutes: RESET_TTL_MS / MINUTE,
    origin: { time: now.toISOString(), meta },
  });
  await deps.db.transaction().execute(async (tx) => {
    const target = await findRecoveryTarget(tx, key);
    const accountId = target?.accountId ?? null;
    await deleteUnusedTokens(tx, 'password_reset', accountId ?? NOBODY);
    await insertTokenForRootEmail(tx, key, {
      ...issued.row,
      purpose: 'password_reset',
      payload: null,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + RESET_TTL_MS).toISOString(),
    });
    await recordAudit(tx, deps, meta, {
      accountId,
      actor: accountId ? { type: 'root', id: accountId, name: 'root' } : ANONYMOUS,
      eventName: 'PasswordRecoveryRequested',
      outcome: accountId ? 'Success' : 'Failure',
      ...(accountId ? {} : { reason: 'UnknownEmail' }),
    });
    await enqueueMailIfRootEmail(tx, deps, meta, key, accountId, mail);
    await finish(tx);
  });
}

/** True when the link or code can still be used: the reset page shows its form only then. */
export async function resetTokenUsable(deps: Deps, presented: Presented): Promise<boolean> {
  return (await checkResetToken(deps, presented)).ok;
}

function checkResetToken(deps: Deps, presented: Presented) {
  return checkLink(deps.db, ONE_TIME_TOKENS, ['password_reset'], presented, deps.clock.now());
}

/**
 * A reset link or code was refused: records why (expired, used, replaced, mistyped…)
 * for the account it belongs to, when it names one, and returns the reference to show.
 */
export async function refuseResetToken(deps: Deps, presented: Presented, meta: RequestMeta): Promise<string> {
  const check = await checkResetToken(deps, presented);
  const accountId = check.link?.purpose === 'password_reset' ? check.link.accountId : null;
  return recordRefusal(deps, meta, {
    flow: 'password-reset',
    accountId,
    actor: ANONYMOUS,
    eventName: 'PasswordRecoveryFailed',
    reason: refusalReason(check),
    ...(accountId ? { target: { id: accountId, name: 'root' } } : {}),
    details: { via: presented.token ? 'link' : 'code' },
  });
}

/**
 * Completes a reset: a new password under the rules, every root session ended, the
 * owner told by mail. Returns 'invalid' — and changes nothing — for any link or code
 * that is not usable, including the loser of two concurrent submissions.
 *
 * It never creates a session: the person signs in afresh with the new password, and
 * the sign-in flow asks for every factor the root user has (MFA included). A reset
 * proves control of the mailbox only, so it must not stand in for a second factor.
 */
export async function completePasswordReset(
  deps: Deps,
  presented: Presented,
  password: string,
  meta: RequestMeta,
): Promise<'done' | 'invalid'> {
  const check = await checkResetToken(deps, presented);
  if (!check.ok) return 'invalid';
  const token = check.link;
  const [root, account] = await Promise.all([
    findRootUser(deps.db, token.accountId),
    findAccount(deps.db, token.accountId),
  ]);
  if (!root || !account) return 'invalid';
  assertHashable(password);
  await checkNewPassword(deps, password, {
    accountId: root.accountId,
    type: 'root',
    principalId: root.accountId,
    context: { email: root.email, accountName: account.name },
  });
  const passwordHash = await deps.hasher.hash(password);
  const now = deps.clock.now().toISOString();
  const actor: Actor = { type: 'root', id: root.accountId, name: 'root' };
  return deps.db.transaction().execute(async (tx) => {
    if (!(await spendLink(tx, ONE_TIME_TOKENS, check, now))) return 'invalid' as const;
    await deleteUnusedTokens(tx, 'password_reset', root.accountId);
    await updateRootPasswordHash(tx, root.accountId, passwordHash, now);
    await rememberPassword(tx, root.accountId, passwordHash, now);
    // Following the link proved the mailbox is the owner's.
    await markRootEmailVerified(tx, root.accountId, root.email);
    const ended = await deleteSessionsOfPrincipal(tx, root.accountId);
    await deps.invalidations.record(tx, { topic: 'principal', key: root.accountId });
    await recordAudit(tx, deps, meta, {
      accountId: root.accountId,
      actor,
      eventName: 'PasswordRecoveryCompleted',
      outcome: 'Success',
      target: { id: root.accountId, name: 'root' },
      details: { sessionsEnded: ended, via: presented.token ? 'link' : 'code' },
    });
    await enqueueMail(tx, deps, meta, {
      to: root.email,
      accountId: root.accountId,
      mail: rootPasswordChangedMail({ accountId: root.accountId, how: 'reset', origin: { time: now, meta } }),
    });
    return 'done' as const;
  });
}

/**
 * "Which email did I use?": when the address is a root user email, that address (and
 * only it) is sent the accounts it signs in to. The same statements run either way; the
 * page queues it as a background job. `finish` runs in its transaction.
 */
export async function requestAccountReminder(
  deps: Deps,
  emailInput: string,
  meta: RequestMeta,
  finish: Finish = NOTHING_MORE,
): Promise<void> {
  const email = normaliseEmail('email', emailInput);
  const key = emailKey(email);
  await deps.db.transaction().execute(async (tx) => {
    const target = await findRecoveryTarget(tx, key);
    const accounts: AccountListing[] = target
      ? [
          {
            accountId: target.accountId,
            alias: target.alias,
            rootSigninUrl: publicLink(deps, '/signin', { choose: '1' }),
            iamSigninUrl: publicLink(deps, `/signin/${target.alias ?? target.accountId}`),
          },
        ]
      : [];
    await recordAudit(tx, deps, meta, {
      accountId: target?.accountId ?? null,
      actor: ANONYMOUS,
      eventName: 'AccountReminderRequested',
      outcome: target ? 'Success' : 'Failure',
      ...(target ? {} : { reason: 'UnknownEmail' }),
    });
    await enqueueMailIfRootEmail(tx, deps, meta, key, target?.accountId ?? null, accountsForEmailMail({ accounts }));
    await finish(tx);
  });
}
