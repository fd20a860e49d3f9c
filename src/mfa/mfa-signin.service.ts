import { type Principal, actorOf } from '../identities/principal.ts';
import { type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import type { Db } from '../db/database.ts';
import type { SessionRecord } from '../sessions/session.repository.ts';
import { deleteSessionRow, setRestriction } from '../sessions/session.repository.ts';
import { type SessionRestriction, startSession } from '../sessions/session.service.ts';
import { MINUTE } from '../shared/clock.ts';
import type { Deps } from '../deps.ts';
import { verifyTotpCode } from './mfa.service.ts';
import { findDevice, findSignInStep, hasEnabledDevice, insertSignInStep } from './mfa.repository.ts';
import { recordFailureReference } from '../support-references/support-reference.service.ts';
import { spendRecoveryCode } from './recovery-codes.service.ts';
import { verifyAssertion } from './webauthn.service.ts';

/** How long the second step of sign-in may take before the password must be entered again. */
export const MFA_STEP_MS = 10 * MINUTE;

/** The restriction of a session that proved the password but not yet a second factor. */
export const MFA_REQUIRED = 'mfa_required' satisfies SessionRestriction;

/** Whether a principal must prove a second factor to sign in: it has an enabled device. */
export async function mfaRequiredFor(db: Db, principalId: string): Promise<boolean> {
  return hasEnabledDevice(db, principalId);
}

/**
 * Marks a new session as waiting for the second factor, in the caller's transaction.
 * `nextRestriction` is what the session must do once MFA is proved (e.g. change its password).
 */
export async function holdForMfa(
  tx: Db,
  deps: Pick<Deps, 'clock'>,
  sessionId: string,
  nextRestriction: SessionRestriction | null,
): Promise<void> {
  const now = deps.clock.now();
  await insertSignInStep(
    tx,
    sessionId,
    nextRestriction,
    now.toISOString(),
    new Date(now.getTime() + MFA_STEP_MS).toISOString(),
  );
}

/**
 * Sends a session that never proved a second factor back to the MFA step, keeping what
 * it was restricted to for afterwards. Whatever made the session (a sign-in, a recovery
 * flow, a device enabled elsewhere since), it cannot pass a principal's MFA.
 */
export async function demandMfa(deps: Deps, session: SessionRecord): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    await setRestriction(tx, session.id, MFA_REQUIRED);
    await holdForMfa(tx, deps, session.id, session.restriction);
    await deps.invalidations.record(tx, { topic: 'session', key: session.id });
  });
  session.restriction = MFA_REQUIRED;
}

/** Whether the session's MFA step is still open (not expired). */
export async function mfaStepOpen(deps: Deps, session: SessionRecord): Promise<boolean> {
  if (session.restriction !== MFA_REQUIRED) return false;
  const step = await findSignInStep(deps.db, session.id);
  return step !== null && step.expiresAt > deps.clock.now().toISOString();
}

export type SecondFactor =
  | { method: 'totp'; deviceId: string; code: string }
  | { method: 'webauthn'; credential: string }
  | { method: 'recovery-code'; code: string };

export type MfaStepResult =
  | { ok: true; token: string; nextRestriction: string | null }
  | { ok: false; reference: string };

/**
 * The second step of sign-in. On success the waiting session is replaced by a new one
 * (a fresh token, so one seen before MFA is worthless) that records when MFA was proved.
 * Every failure looks the same to the caller; the real reason goes to the audit log,
 * beside the support reference the page shows.
 */
export async function completeMfaStep(
  deps: Deps,
  session: SessionRecord,
  principal: Principal,
  factor: SecondFactor,
  meta: RequestMeta,
): Promise<MfaStepResult> {
  const step = await findSignInStep(deps.db, session.id);
  const actor = actorOf(principal);
  const audit = (tx: Db, outcome: 'Success' | 'Failure', details: Record<string, unknown>, reason?: string) =>
    recordAudit(tx, deps, meta, {
      accountId: principal.accountId,
      actor,
      eventName: 'CheckMfa',
      outcome,
      ...(reason ? { reason } : {}),
      target: { id: principal.id, name: principal.name },
      details: { method: factor.method, ...details },
    });
  const refuse = async (tx: Db, reason: string, details: Record<string, unknown> = {}) => {
    const auditEventId = await audit(tx, 'Failure', details, reason);
    return recordFailureReference(tx, deps, { auditEventId, accountId: principal.accountId, reason, flow: 'mfa' });
  };
  const fail = async (reason: string, details: Record<string, unknown> = {}): Promise<MfaStepResult> => ({
    ok: false,
    reference: await deps.db.transaction().execute((tx) => refuse(tx, reason, details)),
  });
  if (!step || step.expiresAt <= deps.clock.now().toISOString() || session.restriction !== MFA_REQUIRED)
    return fail('MfaStepExpired');

  let serial: string | null = null;
  if (factor.method === 'totp') {
    const device = await findDevice(deps.db, principal.accountId, factor.deviceId);
    if (!device || device.principalId !== principal.id || !device.enabledAt || device.kind !== 'totp')
      return fail('UnknownDevice');
    const result = await verifyTotpCode(deps, principal.id, device, factor.code);
    if (!result.ok) return fail(result.reason, { serialNumber: device.serial });
    serial = device.serial;
  } else if (factor.method === 'webauthn') {
    const result = await verifyAssertion(deps, session.id, principal.id, factor.credential);
    if (!result.ok) return fail(result.reason);
    serial = result.device.serial;
  }

  return deps.db.transaction().execute(async (tx) => {
    if (factor.method === 'recovery-code') {
      const spent = await spendRecoveryCode(tx, deps, meta, principal, factor.code);
      if (!spent.ok) return { ok: false as const, reference: await refuse(tx, spent.reason) };
    }
    const now = deps.clock.now().toISOString();
    await deleteSessionRow(tx, session.id);
    await deps.invalidations.record(tx, { topic: 'session', key: session.id });
    const { token } = await startSession(tx, deps, {
      accountId: principal.accountId,
      principalId: principal.id,
      restriction: step.nextRestriction,
      mfaAt: now,
      mfaMethod: factor.method,
      sourceIp: meta.ip,
      userAgent: meta.userAgent,
    });
    await audit(tx, 'Success', serial ? { serialNumber: serial } : {});
    return { ok: true as const, token, nextRestriction: step.nextRestriction };
  });
}
