import { updateRootPasswordHash } from '../identities/account.repository.ts';
import { type Principal, loadPrincipal } from '../identities/principal.ts';
import { ANONYMOUS, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import { startSession } from '../sessions/session.service.ts';
import type { Deps } from '../deps.ts';
import { updateLoginProfileHash } from '../identities/user.repository.ts';
import { MAX_PASSWORD_LENGTH } from '../passwords/password-rules.ts';
import { blocklistViolation } from '../passwords/password-blocklist.ts';
import { getUserPasswordExpiry } from '../password-policy/password-policy.service.ts';
import { MFA_REQUIRED, holdForMfa, mfaRequiredFor } from '../mfa/mfa-signin.service.ts';
import { findRootCandidate, findUserCandidate } from './signin.repository.ts';
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
  accountId: string | null;
  principalId: string | null;
  principalName: string | null;
  storedHash: string | null;
  reasonIfNoHash: FailureReason;
  /** What was typed, kept only as keyed hashes beside the failure's reference. */
  attempted: Attempted;
}

/** Root sign-in: email and password. */
export async function signInRoot(
  deps: Deps,
  email: string,
  password: string,
  meta: RequestMeta,
  throttled = false,
): Promise<SignInResult> {
  const candidate = await findRootCandidate(deps.db, email.trim().toLowerCase());
  return finish(
    deps,
    meta,
    password,
    'root',
    {
      accountId: candidate?.accountId ?? null,
      principalId: candidate?.accountId ?? null,
      principalName: candidate ? 'root' : null,
      storedHash: candidate?.passwordHash ?? null,
      reasonIfNoHash: 'UnknownEmail',
      attempted: { kind: 'root', email },
    },
    false,
    throttled,
  );
}

/** IAM user sign-in: account ID or alias, user name, password. */
export async function signInUser(
  deps: Deps,
  accountRef: string,
  userName: string,
  password: string,
  meta: RequestMeta,
  throttled = false,
): Promise<SignInResult> {
  const candidate = await findUserCandidate(deps.db, accountRef, userName.trim().toLowerCase());
  const reasonIfNoHash: FailureReason = !candidate
    ? 'UnknownAccount'
    : !candidate.userId
      ? 'UnknownUser'
      : 'NoLoginProfile';
  return finish(
    deps,
    meta,
    password,
    'user',
    {
      accountId: candidate?.accountId ?? null,
      principalId: candidate?.userId ?? null,
      principalName: candidate?.userName ?? null,
      storedHash: candidate?.passwordHash ?? null,
      reasonIfNoHash,
      attempted: { kind: 'user', accountRef: candidate?.accountId ?? accountRef, userName },
    },
    candidate?.passwordResetRequired ?? false,
    throttled,
  );
}

/**
 * Exactly one argon2id verification per attempt, against a dummy hash when there is no
 * real one, so every failure takes the same time. The real reason goes to the audit log.
 */
async function finish(
  deps: Deps,
  meta: RequestMeta,
  password: string,
  type: 'root' | 'user',
  attempt: Attempt,
  resetRequired: boolean,
  throttled: boolean,
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

  // Checked only once the password is known to be right, so the reason never leaks to a guesser.
  let passwordExpired = false;
  if (!reason && type === 'user' && attempt.accountId && attempt.principalId) {
    const expiry = await getUserPasswordExpiry(deps, attempt.accountId, attempt.principalId);
    if (expiry?.hardExpired) reason = 'PasswordExpiredHard';
    else passwordExpired = expiry?.expired ?? false;
  }
  // A right password that is on the blocklist (which grows) must be changed after MFA.
  const changeRequired = resetRequired || passwordExpired || (!reason && blocklistViolation(password, {}) !== null);

  if (reason || !attempt.accountId || !attempt.principalId) {
    const failure: FailureReason = reason ?? attempt.reasonIfNoHash;
    const reference = await deps.db.transaction().execute(async (tx) => {
      const auditEventId = await recordAudit(tx, deps, meta, {
        accountId: attempt.accountId,
        actor: attempt.principalId ? { type, id: attempt.principalId, name: attempt.principalName } : ANONYMOUS,
        eventName: 'ConsoleLogin',
        outcome: 'Failure',
        reason: failure,
        details: { loginTo: type === 'root' ? 'root' : 'iam-user' },
      });
      return recordFailureReference(tx, deps, {
        auditEventId,
        accountId: attempt.accountId,
        reason: failure,
        attempted: attempt.attempted,
      });
    });
    return { ok: false, reason: failure, reference };
  }

  const accountId = attempt.accountId;
  const principalId = attempt.principalId;
  if (deps.hasher.needsRehash(attempt.storedHash!)) {
    const rehashed = await deps.hasher.hash(password);
    if (type === 'root') await updateRootPasswordHash(deps.db, accountId, rehashed, null);
    else await updateLoginProfileHash(deps.db, principalId, rehashed);
  }

  return deps.db.transaction().execute(async (tx) => {
    const principal = await loadPrincipal(tx, accountId, principalId);
    if (!principal) return { ok: false as const, reason: attempt.reasonIfNoHash, reference: '' };
    // With an MFA device the session can reach only the MFA step until a second factor is proved.
    const mfaRequired = await mfaRequiredFor(tx, principalId);
    const afterPassword = changeRequired ? 'password_change_required' : null;
    const { token, session } = await startSession(tx, deps, {
      accountId,
      principalId,
      restriction: mfaRequired ? MFA_REQUIRED : afterPassword,
      mfaAt: null,
      sourceIp: meta.ip,
      userAgent: meta.userAgent,
    });
    if (mfaRequired) await holdForMfa(tx, deps, session.id, afterPassword);
    await recordAudit(tx, deps, meta, {
      accountId,
      actor: { type, id: principalId, name: principal.name },
      eventName: 'ConsoleLogin',
      outcome: 'Success',
      details: {
        loginTo: type === 'root' ? 'root' : 'iam-user',
        passwordChangeRequired: changeRequired,
        passwordExpired,
        mfaRequired,
      },
    });
    return { ok: true as const, principal, token, passwordChangeRequired: changeRequired, mfaRequired };
  });
}
