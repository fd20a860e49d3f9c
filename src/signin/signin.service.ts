import { updateRootPasswordHash } from '../accounts/account.repository.ts';
import { type Principal, loadPrincipal } from '../accounts/principal.ts';
import { ANONYMOUS, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import { startSession } from '../sessions/session.service.ts';
import type { Deps } from '../shared/deps.ts';
import { updateLoginProfileHash } from '../users/user.repository.ts';
import { MAX_PASSWORD_LENGTH } from '../passwords/password-rules.ts';
import { findRootCandidate, findUserCandidate } from './signin.repository.ts';

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
  | 'WrongPassword';

export type SignInResult =
  | { ok: true; principal: Principal; token: string; passwordChangeRequired: boolean }
  | { ok: false; reason: FailureReason };

interface Attempt {
  accountId: string | null;
  principalId: string | null;
  principalName: string | null;
  storedHash: string | null;
  reasonIfNoHash: FailureReason;
}

/** Root sign-in: email and password. */
export async function signInRoot(deps: Deps, email: string, password: string, meta: RequestMeta): Promise<SignInResult> {
  const candidate = await findRootCandidate(deps.db, email.trim().toLowerCase());
  return finish(deps, meta, password, 'root', {
    accountId: candidate?.accountId ?? null,
    principalId: candidate?.accountId ?? null,
    principalName: candidate ? 'root' : null,
    storedHash: candidate?.passwordHash ?? null,
    reasonIfNoHash: 'UnknownEmail',
  }, false);
}

/** IAM user sign-in: account ID or alias, user name, password. */
export async function signInUser(
  deps: Deps,
  accountRef: string,
  userName: string,
  password: string,
  meta: RequestMeta,
): Promise<SignInResult> {
  const candidate = await findUserCandidate(deps.db, accountRef, userName.trim().toLowerCase());
  const reasonIfNoHash: FailureReason = !candidate ? 'UnknownAccount' : !candidate.userId ? 'UnknownUser' : 'NoLoginProfile';
  return finish(deps, meta, password, 'user', {
    accountId: candidate?.accountId ?? null,
    principalId: candidate?.userId ?? null,
    principalName: candidate?.userName ?? null,
    storedHash: candidate?.passwordHash ?? null,
    reasonIfNoHash,
  }, candidate?.passwordResetRequired ?? false);
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
): Promise<SignInResult> {
  const usable = password.length > 0 && password.length <= MAX_PASSWORD_LENGTH * 4;
  let reason: FailureReason | null = null;
  if (!attempt.storedHash) {
    await deps.hasher.verifyDummy(password);
    reason = attempt.reasonIfNoHash;
  } else if (!usable) {
    await deps.hasher.verifyDummy(password);
    reason = 'EmptyPassword';
  } else if (!(await deps.hasher.verify(attempt.storedHash, password))) {
    reason = 'WrongPassword';
  }

  if (reason || !attempt.accountId || !attempt.principalId) {
    const failure: FailureReason = reason ?? attempt.reasonIfNoHash;
    await deps.db.transaction().execute((tx) =>
      recordAudit(tx, deps, meta, {
        accountId: attempt.accountId,
        actor: attempt.principalId ? { type, id: attempt.principalId, name: attempt.principalName } : ANONYMOUS,
        eventName: 'ConsoleLogin',
        outcome: 'Failure',
        reason: failure,
        details: { loginTo: type === 'root' ? 'root' : 'iam-user' },
      }),
    );
    return { ok: false, reason: failure };
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
    if (!principal) return { ok: false as const, reason: attempt.reasonIfNoHash };
    const { token } = await startSession(tx, deps, {
      accountId,
      principalId,
      restriction: resetRequired ? 'password_change_required' : null,
      mfaAt: null,
      sourceIp: meta.ip,
      userAgent: meta.userAgent,
    });
    await recordAudit(tx, deps, meta, {
      accountId,
      actor: { type, id: principalId, name: principal.name },
      eventName: 'ConsoleLogin',
      outcome: 'Success',
      details: { loginTo: type === 'root' ? 'root' : 'iam-user', passwordChangeRequired: resetRequired },
    });
    return { ok: true as const, principal, token, passwordChangeRequired: resetRequired };
  });
}
