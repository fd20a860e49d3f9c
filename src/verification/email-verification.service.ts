import {
  emailTaken,
  findAccount,
  findRootUser,
  findRootUserByEmail,
  markRootEmailVerified,
  updateRootEmail,
} from '../identities/account.repository.ts';
import type { Principal } from '../identities/principal.ts';
import { type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import type { Db } from '../db/database.ts';
import {
  confirmNewEmailMail,
  emailChangeRequestedMail,
  rootEmailChangedMail,
  signupAttemptMail,
  verifyEmailMail,
} from '../mail/mail-templates.ts';
import { enqueueMail, publicLink } from '../mail/mail.service.ts';
import { assertHashable } from '../passwords/password-check.ts';
import { ONE_TIME_TOKENS, deleteUnusedTokens, insertToken } from '../links/one-time-token.repository.ts';
import { issueLink } from '../links/link-token.ts';
import { checkLink, spendLink } from '../links/link.service.ts';
import { HOUR } from '../shared/clock.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError, invalid } from '../shared/errors.ts';
import { emailKey, normaliseEmail } from '../shared/validation.ts';

/** How long a link to confirm an address works. */
export const VERIFY_TTL_MS = 24 * HOUR;

/**
 * Inside the account-creation transaction: a link to confirm the root email, sent
 * with the new account's ID (the sign-up page does not show it, see `signUp`).
 */
export async function sendSignupVerification(
  tx: Db,
  deps: Deps,
  meta: RequestMeta,
  account: { id: string; name: string; email: string },
): Promise<void> {
  const issued = issueLink();
  const now = deps.clock.now();
  await deleteUnusedTokens(tx, 'verify_email', account.id);
  await insertToken(tx, {
    ...issued.row,
    purpose: 'verify_email',
    accountId: account.id,
    principalId: account.id,
    payload: account.email,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + VERIFY_TTL_MS).toISOString(),
  });
  await enqueueMail(tx, deps, meta, {
    to: account.email,
    accountId: account.id,
    mail: verifyEmailMail({
      link: publicLink(deps, '/verify-email', { token: issued.value }),
      accountId: account.id,
      accountName: account.name,
      hours: VERIFY_TTL_MS / HOUR,
    }),
  });
}

/**
 * Sign-up with an address that already has an account: the page answers as for a new
 * account, and the owner is told by mail (with the account ID and how to sign in), so
 * the form never reveals which addresses are registered.
 */
export async function notifySignupAttempt(deps: Deps, email: string, meta: RequestMeta): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const root = await findRootUserByEmail(tx, email);
    if (!root) return;
    await recordAudit(tx, deps, meta, {
      accountId: root.accountId,
      actor: { type: 'anonymous', id: null, name: 'sign-up page' },
      eventName: 'SignUpWithExistingEmail',
      outcome: 'Failure',
      reason: 'EmailInUse',
    });
    await enqueueMail(tx, deps, meta, {
      to: root.email,
      accountId: root.accountId,
      mail: signupAttemptMail({
        accountId: root.accountId,
        signinUrl: publicLink(deps, '/signin', { choose: '1' }),
        forgotUrl: publicLink(deps, '/signin/forgot'),
        origin: { time: deps.clock.now().toISOString(), meta },
      }),
    });
  });
}

/**
 * The signed-in root user asks to sign in with a new address. The current password is
 * required; the new address must confirm by link before anything changes, and the old
 * one is told at once. An address already in use is not revealed: nothing is sent to it.
 */
export async function requestRootEmailChange(
  deps: Deps,
  principal: Principal,
  currentPassword: string,
  newEmailInput: string,
  meta: RequestMeta,
): Promise<string> {
  if (principal.type !== 'root')
    throw new GatehouseError('AccessDenied', 'Only the root user can change the root user email address.');
  const newEmail = normaliseEmail('newEmail', newEmailInput);
  assertHashable(currentPassword, 'currentPassword');
  const root = await findRootUser(deps.db, principal.accountId);
  const ok =
    root && currentPassword
      ? await deps.hasher.verify(root.passwordHash, currentPassword)
      : await deps.hasher.verifyDummy(currentPassword);
  if (!ok || !root)
    throw new GatehouseError('InvalidCredentials', 'The current password is incorrect.', { field: 'currentPassword' });
  if (emailKey(newEmail) === emailKey(root.email))
    throw invalid('newEmail', 'This is already your root user email address.');
  const issued = issueLink();
  const now = deps.clock.now();
  const actor: Actor = { type: 'root', id: root.accountId, name: 'root' };
  await deps.db.transaction().execute(async (tx) => {
    const inUse = await emailTaken(tx, newEmail);
    await recordAudit(tx, deps, meta, {
      accountId: root.accountId,
      actor,
      eventName: 'RootEmailChangeRequested',
      outcome: inUse ? 'Failure' : 'Success',
      ...(inUse ? { reason: 'EmailInUse' } : {}),
      details: { newEmail },
    });
    if (inUse) return;
    await deleteUnusedTokens(tx, 'change_email', root.accountId);
    await insertToken(tx, {
      ...issued.row,
      purpose: 'change_email',
      accountId: root.accountId,
      principalId: root.accountId,
      payload: newEmail,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + VERIFY_TTL_MS).toISOString(),
    });
    await enqueueMail(tx, deps, meta, {
      to: newEmail,
      accountId: root.accountId,
      mail: confirmNewEmailMail({
        link: publicLink(deps, '/verify-email', { token: issued.value }),
        accountId: root.accountId,
        hours: VERIFY_TTL_MS / HOUR,
      }),
    });
    await enqueueMail(tx, deps, meta, {
      to: root.email,
      accountId: root.accountId,
      mail: emailChangeRequestedMail({
        accountId: root.accountId,
        newEmail,
        origin: { time: now.toISOString(), meta },
      }),
    });
  });
  return newEmail;
}

export type EmailLinkKind = 'verify' | 'change';

/** What a confirmation link is for, when it is still usable; the page asks before acting. */
export async function inspectEmailLink(
  deps: Deps,
  token: string,
): Promise<{ kind: EmailLinkKind; email: string } | null> {
  const check = await checkEmailLink(deps, token);
  if (!check.ok || !check.link.payload) return null;
  return { kind: check.purpose === 'change_email' ? 'change' : 'verify', email: check.link.payload };
}

function checkEmailLink(deps: Deps, token: string) {
  return checkLink(deps.db, ONE_TIME_TOKENS, ['verify_email', 'change_email'], { token }, deps.clock.now());
}

/**
 * Confirms an address: marks the root email verified, or switches the root user to
 * the new address and tells the old one. 'invalid' (and nothing changed) for a link
 * that is used, expired, replaced, forged — or whose address was taken meanwhile.
 */
export async function confirmEmailLink(
  deps: Deps,
  token: string,
  meta: RequestMeta,
): Promise<{ kind: EmailLinkKind; email: string } | 'invalid'> {
  const check = await checkEmailLink(deps, token);
  if (!check.ok || !check.link.payload) return 'invalid';
  const row = check.link;
  const email = check.link.payload;
  const now = deps.clock.now().toISOString();
  const actor: Actor = { type: 'root', id: row.accountId, name: 'root' };
  return deps.db.transaction().execute(async (tx) => {
    if (!(await spendLink(tx, ONE_TIME_TOKENS, check, now))) return 'invalid' as const;
    const root = await findRootUser(tx, row.accountId);
    if (!root) return 'invalid' as const;
    if (row.purpose === 'verify_email') {
      if (!(await markRootEmailVerified(tx, row.accountId, email))) return 'invalid' as const;
      await recordAudit(tx, deps, meta, {
        accountId: row.accountId,
        actor,
        eventName: 'RootEmailVerified',
        details: { email },
      });
      return { kind: 'verify' as const, email };
    }
    const owner = await findRootUserByEmail(tx, email);
    if (owner && owner.accountId !== row.accountId) return 'invalid' as const;
    const account = await findAccount(tx, row.accountId);
    await updateRootEmail(tx, row.accountId, email);
    await deps.invalidations.record(tx, { topic: 'principal', key: row.accountId });
    await recordAudit(tx, deps, meta, {
      accountId: row.accountId,
      actor,
      eventName: 'RootEmailChanged',
      target: { id: row.accountId, name: account?.name ?? 'root' },
      details: { previousEmail: root.email, newEmail: email },
    });
    await enqueueMail(tx, deps, meta, {
      to: root.email,
      accountId: row.accountId,
      mail: rootEmailChangedMail({ accountId: row.accountId, newEmail: email, origin: { time: now, meta } }),
    });
    return { kind: 'change' as const, email };
  });
}
