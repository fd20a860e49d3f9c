import { updateRootPasswordHash } from '../identities/account.repository.ts';
import { type Principal, principalFrom } from '../identities/principal.ts';
import { ANONYMOUS, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import { startSession } from '../sessions/session.service.ts';
import type { Deps } from '../deps.ts';
import { updateLoginProfileHash } from '../identities/user.repository.ts';
import { MAX_PASSWORD_LENGTH } from '../passwords/password-rules.ts';
import { blocklistViolation } from '../passwords/password-blocklist.ts';
import { passwordExpiry } from '../password-policy/password-expiry.ts';
import { MFA_REQUIRED, holdForMfa } from '../mfa/mfa-signin.service.ts';
import { type RootCandidate, type UserCandidate, findRootCandidate, findUserCandidate } from './signin.repository.ts';
import type { Finish } from '../db/database.ts';
import type { Attempted } from '../support-references/attempt-keys.ts';
import { recordFailureReference } from '../support-references/support-reference.service.ts';

/**
 * Why a sign-in failed. Recorded in the audit log for the owner and administrators;
 * never shown on the screen, which always says the same thing.
 */
export type FailureReason =
  | 'UnknownEmail'
  | 'UnknownAccount'
  | 'UnknownUser'
  | 'NoLoginProfile'
  | 'EmptyPassword'
  | 'WrongPassword'
  /** Right password, but it expired under a policy with HardExpiry: only an administrator can reset it. */
  | 'PasswordExpiredHard'
  /** Refused unchecked: the identifier (or this device) is backing off or hard-stopped after failures. */
  | 'Throttled';

export type SignInResult =
  | { ok: true; principal: Principal; token: string; passwordChangeRequired: boolean; mfaRequired: boolean }
  /** `reference` is the support reference the failure page shows (e.g. `7KQ-3MX`). */
  | { ok: false; reason: FailureReason; reference: string };

interface Attempt {
  /** The account the identifier names, if it exists (its audit trail records the attempt). */
  accountId: string | null;
  /** Who the attempt is for, when the identifier names someone: the principal as signing in makes it. */
  principal: Principal | null;
  storedHash: string | null;
  reasonIfNoHash: FailureReason;
  /** What was typed, kept only as keyed hashes beside the failure's reference. */
  attempted: Attempted;
  /** Whether the principal has an enabled MFA device (the session then waits for it). */
  mfaEnabled: boolean;
  /** The administrator required a new password at next sign-in. */
  resetRequired: boolean;
  /** How the password expires, for an IAM user under a policy with a maximum age. */
  expiry: { policy: { maxPasswordAge: number | null; hardExpiry: boolean } | null; changedAt: string } | null;
}

/** How a sign-in was decided on before it got here (the throttle), and what it adds to its success. */
export interface SignInOptions<C> {
  /** Refused unchecked: the identifier (or this device) is backing off or hard-stopped. */
  throttled?: boolean;
  /** The candidate the throttle already read for this identifier (null: none), so it is not read again. */
  candidate?: C | null;
  /** Written in the transaction that starts the session (the throttle clearing the attempt's failure count). */
  onSuccess?: Finish;
}

/** Root sign-in: email and password. */
export async function signInRoot(
  deps: Deps,
  email: string,
  password: string,
  meta: RequestMeta,
  options: SignInOptions<RootCandidate> = {},
): Promise<SignInResult> {
  const candidate =
    options.candidate !== undefined ? options.candidate : await findRootCandidate(deps.db, email.trim().toLowerCase());
  return finish(deps, meta, password, 'root', options, {
    accountId: candidate?.accountId ?? null,
    principal: candidate
      ? principalFrom(
          { id: candidate.accountId, alias: candidate.accountAlias, name: candidate.accountName },
          { rootEmail: candidate.email, user: null },
          candidate.accountId,
        )
      : null,
    storedHash: candidate?.passwordHash ?? null,
    reasonIfNoHash: 'UnknownEmail',
    attempted: { kind: 'root', email },
    mfaEnabled: candidate?.mfaEnabled ?? false,
    resetRequired: false,
    expiry: null,
  });
}

/** IAM user sign-in: account ID or alias, user name, password. */
export async function signInUser(
  deps: Deps,
  accountRef: string,
  userName: string,
  password: string,
  meta: RequestMeta,
  options: SignInOptions<UserCandidate> = {},
): Promise<SignInResult> {
  const candidate =
    options.candidate !== undefined
      ? options.candidate
      : await findUserCandidate(deps.db, accountRef, userName.trim().toLowerCase());
  const user = candidate?.user ?? null;
  const reasonIfNoHash: FailureReason = !candidate ? 'UnknownAccount' : !user ? 'UnknownUser' : 'NoLoginProfile';
  return finish(deps, meta, password, 'user', options, {
    accountId: candidate?.accountId ?? null,
    principal:
      candidate && user
        ? principalFrom(
            { id: candidate.accountId, alias: candidate.accountAlias, name: candidate.accountName },
            { rootEmail: null, user: { ...user, accountId: candidate.accountId } },
            user.id,
          )
        : null,
    storedHash: candidate?.profile?.passwordHash ?? null,
    reasonIfNoHash,
    attempted: { kind: 'user', accountRef: candidate?.accountId ?? accountRef, userName },
    mfaEnabled: candidate?.mfaEnabled ?? false,
    resetRequired: candidate?.profile?.passwordResetRequired ?? false,
    expiry: candidate?.profile ? { policy: candidate.policy, changedAt: candidate.profile.passwordChangedAt } : null,
  });
}

/**
 * Exactly one argon2id verification per attempt, against a dummy hash when there is no
 * real one, so every failure takes the same time. The real reason goes to the audit log.
 * Everything it needs was read before the hash by the candidate's one query; what a
 * success writes (a rehash, the session, its MFA step, the audit event) is one transaction.
 */
async function finish(
  deps: Deps,
  meta: RequestMeta,
  password: string,
  type: 'root' | 'user',
  { throttled = false, onSuccess }: SignInOptions<unknown>,
  attempt: Attempt,
): Promise<SignInResult> {
  const usable = password.length > 0 && password.length <= MAX_PASSWORD_LENGTH * 4;
  let reason: FailureReason | null = null;
  // A throttled attempt is refused before any hashing, alike for known and unknown identifiers.
  if (throttled) {
    reason = 'Throttled';
  } else if (!attempt.storedHash) {
    await deps.hasher.verifyDummy(password);
    reason = attempt.reasonIfNoHash;
  } else if (!usable) {
    await deps.hasher.verifyDummy(password);
    reason = 'EmptyPassword';
  } else if (!(await deps.hasher.verify(attempt.storedHash, password))) {
    reason = 'WrongPassword';
  }

  // Looked at only once the password is known to be right, so the reason never leaks to a guesser.
  let passwordExpired = false;
  if (!reason && attempt.expiry) {
    const expiry = passwordExpiry(attempt.expiry.policy, attempt.expiry.changedAt, deps.clock.now());
    if (expiry?.hardExpired) reason = 'PasswordExpiredHard';
    else passwordExpired = expiry?.expired ?? false;
  }
  // A right password that is on the blocklist (which grows) must be changed after MFA.
  const changeRequired =
    attempt.resetRequired || passwordExpired || (!reason && blocklistViolation(password, {}) !== null);

  const principal = attempt.principal;
  if (reason || !principal) {
    const failure: FailureReason = reason ?? attempt.reasonIfNoHash;
    const { accountId } = attempt;
    const reference = await deps.db.transaction().execute(async (tx) => {
      const auditEventId = await recordAudit(tx, deps, meta, {
        accountId,
        actor: principal ? { type, id: principal.id, name: principal.name } : ANONYMOUS,
        eventName: 'ConsoleLogin',
        outcome: 'Failure',
        reason: failure,
        details: { loginTo: type === 'root' ? 'root' : 'iam-user' },
      });
      return recordFailureReference(tx, deps, {
        auditEventId,
        accountId,
        reason: failure,
        attempted: attempt.attempted,
      });
    });
    return { ok: false, reason: failure, reference };
  }

  const rehashed = deps.hasher.needsRehash(attempt.storedHash!) ? await deps.hasher.hash(password) : null;
  const mfaRequired = attempt.mfaEnabled;
  return deps.db.transaction().execute(async (tx) => {
    if (rehashed && principal.type === 'root') await updateRootPasswordHash(tx, principal.id, rehashed, null);
    else if (rehashed) await updateLoginProfileHash(tx, principal.id, rehashed);
    // With an MFA device the session can reach only the MFA step until a second factor is proved.
    const afterPassword = changeRequired ? 'password_change_required' : null;
    const { token, session } = await startSession(tx, deps, {
      accountId: principal.accountId,
      principalId: principal.id,
      restriction: mfaRequired ? MFA_REQUIRED : afterPassword,
      mfaAt: null,
      mfaMethod: null,
      sourceIp: meta.ip,
      userAgent: meta.userAgent,
    });
    if (mfaRequired) await holdForMfa(tx, deps, session.id, afterPassword);
    await recordAudit(tx, deps, meta, {
      accountId: principal.accountId,
      actor: { type, id: principal.id, name: principal.name },
      eventName: 'ConsoleLogin',
      outcome: 'Success',
      details: {
        loginTo: type === 'root' ? 'root' : 'iam-user',
        passwordChangeRequired: changeRequired,
        passwordExpired,
        mfaRequired,
      },
    });
    if (onSuccess) await onSuccess(tx);
    return { ok: true as const, principal, token, passwordChangeRequired: changeRequired, mfaRequired };
  });
}
