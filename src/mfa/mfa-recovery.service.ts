import { type Principal, actorOf } from '../identities/principal.ts';
import { ANONYMOUS, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import type { Db } from '../db/database.ts';
import { publicLink } from '../mail/mail.service.ts';
import type { SessionRecord } from '../sessions/session.repository.ts';
import { deleteSessionRow } from '../sessions/session.repository.ts';
import { startSession } from '../sessions/session.service.ts';
import { HOUR, MINUTE } from '../shared/clock.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError, invalid } from '../shared/errors.ts';
import { newRowId } from '../shared/ids.ts';
import { hashSecret, matchesHash } from '../shared/secrets.ts';
import { issueLink } from '../links/link-token.ts';
import { type LinkCheck, checkLink, refusalReason, spendLink } from '../links/link.service.ts';
import { recordFailureReference, recordRefusal } from '../support-references/support-reference.service.ts';
import { formatTime } from '../mail/mail-templates.ts';
import { MFA_REQUIRED, holdForMfa } from './mfa-signin.service.ts';
import { mailRootAboutRecovery } from './mfa-mail.ts';
import { resetCodeFailures, spendCodeTry } from './mfa-throttle.ts';
import { extendSignInStep, findSignInStep } from './mfa.repository.ts';
import {
  RECOVERY_LINKS,
  type RecoveryLinkPurpose,
  type RecoveryRecord,
  deletePhoneVerification,
  findPhoneVerification,
  findRecovery,
  findRecoveryWaitHours,
  findRootPhone,
  insertRecovery,
  openRecoveryIds,
  replacePhoneVerification,
  saveRecoveryWaitHours,
  setRootPhone,
  spendPhoneAttempt,
  updateOpenRecovery,
} from './mfa-recovery.repository.ts';
import { type PhoneChannel, normalisePhone, queuePhoneCode, sixDigitCode } from './phone-gateway.ts';

/**
 * Root sign-in with alternative factors, for an owner who lost every MFA device: after
 * the password, prove the root email (a link) and then the account's verified phone (a
 * code by SMS or voice). Both must succeed. An account may add a waiting period during
 * which the owner can cancel from the mail or any signed-in session. Email alone never
 * removes or bypasses MFA. IAM users cannot do this: an administrator deactivates their device.
 */

/** Time to finish the steps once started (before any waiting period). */
const RECOVERY_MS = HOUR;
const PHONE_CODE_MS = 10 * MINUTE;
const PHONE_ATTEMPTS = 5;
/** The half-signed-in session may stay this long while the owner reads mail and takes a call. */
const STEP_DURING_RECOVERY_MS = HOUR;
export const MAX_RECOVERY_WAIT_HOURS = 24 * 7;

export type RecoveryStage = 'email' | 'phone' | 'waiting' | 'ready';

export interface RecoveryView {
  id: string;
  stage: RecoveryStage;
  readyAt: string | null;
  phoneHint: string | null;
  codeSent: boolean;
}

function phoneHint(phone: string): string {
  return `${phone.slice(0, 3)}…${phone.slice(-2)}`;
}

function stageOf(r: RecoveryRecord, now: string): RecoveryStage {
  if (!r.emailVerifiedAt) return 'email';
  if (!r.phoneVerifiedAt) return 'phone';
  return r.readyAt && r.readyAt <= now ? 'ready' : 'waiting';
}

async function audit(
  tx: Db,
  deps: Deps,
  meta: RequestMeta,
  accountId: string,
  eventName: string,
  outcome: 'Success' | 'Failure',
  details: Record<string, unknown> = {},
  reason?: string,
): Promise<string> {
  return recordAudit(tx, deps, meta, {
    accountId,
    actor: { type: 'root', id: accountId, name: 'root' },
    eventName,
    outcome,
    ...(reason ? { reason } : {}),
    target: { id: accountId, name: 'root' },
    details,
  });
}

/** The account's open recovery as the sign-in page shows it, or null when there is none. */
export async function currentRecovery(deps: Deps, accountId: string): Promise<RecoveryView | null> {
  const now = deps.clock.now().toISOString();
  const ids = await openRecoveryIds(deps.db, accountId, now);
  const recovery = ids.length ? await findRecovery(deps.db, ids[ids.length - 1]!) : null;
  if (!recovery) return null;
  const phone = await findRootPhone(deps.db, accountId);
  return {
    id: recovery.id,
    stage: stageOf(recovery, now),
    readyAt: recovery.readyAt,
    phoneHint: phone?.phone && phone.verified ? phoneHint(phone.phone) : null,
    codeSent: recovery.phoneCodeHash !== null,
  };
}

function requireRootStep(
  session: SessionRecord,
  principal: Principal,
): asserts principal is Extract<Principal, { type: 'root' }> {
  if (principal.type !== 'root' || session.restriction !== MFA_REQUIRED) {
    throw new GatehouseError(
      'AccessDenied',
      'Only the root user can sign in with alternative factors. IAM users ask an administrator to deactivate the device.',
    );
  }
}

/**
 * Starts a recovery: mails the root address a link to prove it, and a link to cancel.
 * Needs a verified phone on file, or there is no second factor to prove.
 */
export async function startRecovery(
  deps: Deps,
  session: SessionRecord,
  principal: Principal,
  meta: RequestMeta,
): Promise<void> {
  requireRootStep(session, principal);
  const phone = await findRootPhone(deps.db, principal.accountId);
  if (!phone?.phone || !phone.verified) {
    throw new GatehouseError(
      'AccessDenied',
      'This account has no verified phone number, so it cannot sign in with alternative factors. Use a recovery code, or contact whoever runs this Gatehouse service.',
    );
  }
  const id = newRowId(deps.clock.now());
  const email = issueLink({ id });
  const cancel = issueLink({ id });
  const now = deps.clock.now();
  const step = await findSignInStep(deps.db, session.id);
  await deps.db.transaction().execute(async (tx) => {
    for (const open of await openRecoveryIds(tx, principal.accountId, now.toISOString())) {
      await updateOpenRecovery(tx, open, { cancelledAt: now.toISOString() });
    }
    await insertRecovery(tx, {
      id,
      accountId: principal.accountId,
      emailSecretHash: email.row.secretHash,
      cancelSecretHash: cancel.row.secretHash,
      phoneCodeHash: null,
      phoneCodeExpiresAt: null,
      phoneAttempts: 0,
      emailVerifiedAt: null,
      phoneVerifiedAt: null,
      readyAt: null,
      cancelledAt: null,
      completedAt: null,
      createdAt: now.toISOString(),
      expiresAt: new Date(
        now.getTime() + RECOVERY_MS + (await findRecoveryWaitHours(tx, principal.accountId)) * HOUR,
      ).toISOString(),
    });
    if (step) await extendSignInStep(tx, session.id, new Date(now.getTime() + STEP_DURING_RECOVERY_MS).toISOString());
    else await holdForMfa(tx, deps, session.id, null);
    await audit(tx, deps, meta, principal.accountId, 'MfaRecoveryStarted', 'Success', { recoveryId: id });
    await mailRootAboutRecovery(tx, deps, meta, principal.accountId, {
      template: 'mfa-recovery-email',
      subject: 'Confirm: sign in to Gatehouse without your MFA device',
      paragraphs: [
        'Someone who knows the root user password asked to sign in with alternative factors because the MFA devices are lost or broken.',
        'If this is you, confirm this address with the link below; the sign-in page then asks for a code sent to the account phone number.',
        'If this is not you, cancel it and change the root password at once: someone knows it.',
      ],
      links: [
        { label: 'Confirm my email address', url: publicLink(deps, '/signin/mfa-help/email', { token: email.value }) },
        { label: 'Cancel this sign-in', url: publicLink(deps, '/signin/mfa-help/cancel', { token: cancel.value }) },
      ],
    });
  });
}

function checkRecoveryLink(deps: Deps, tokenValue: string | undefined, which: RecoveryLinkPurpose) {
  return checkLink(deps.db, RECOVERY_LINKS, [which], { token: tokenValue }, deps.clock.now());
}

/** The reason recorded for a refused recovery link: as for every link, but a finished recovery says so. */
function recoveryRefusalReason(check: LinkCheck<RecoveryRecord>): string {
  return refusalReason(check, check.link?.completedAt ? { AlreadyUsed: 'RecoveryCompleted' } : {});
}

/** A mailed recovery link was refused: records why for the account it names and returns the reference to show. */
export async function refuseRecoveryLink(
  deps: Deps,
  tokenValue: string | undefined,
  which: RecoveryLinkPurpose,
  meta: RequestMeta,
): Promise<string> {
  const check = await checkRecoveryLink(deps, tokenValue, which);
  const accountId = check.link?.accountId ?? null;
  return recordRefusal(deps, meta, {
    flow: 'mfa-recovery',
    accountId,
    actor: ANONYMOUS,
    eventName: which === 'email' ? 'MfaRecoveryEmailFailed' : 'MfaRecoveryCancelFailed',
    reason: recoveryRefusalReason(check),
    ...(accountId ? { target: { id: accountId, name: 'root' } } : {}),
  });
}

/** Whether a mailed link (email confirmation or cancel) can still be used. */
export async function recoveryLinkUsable(
  deps: Deps,
  tokenValue: string | undefined,
  which: RecoveryLinkPurpose,
): Promise<boolean> {
  return (await checkRecoveryLink(deps, tokenValue, which)).ok;
}

/** The email link was followed and confirmed: the first factor is proved. The link works once. */
export async function confirmRecoveryEmail(
  deps: Deps,
  tokenValue: string | undefined,
  meta: RequestMeta,
): Promise<boolean> {
  const check = await checkRecoveryLink(deps, tokenValue, 'email');
  if (!check.ok) return false;
  const recovery = check.link;
  const now = deps.clock.now().toISOString();
  return deps.db.transaction().execute(async (tx) => {
    if (!(await spendLink(tx, RECOVERY_LINKS, check, now))) return false;
    await audit(tx, deps, meta, recovery.accountId, 'MfaRecoveryEmailVerified', 'Success', { recoveryId: recovery.id });
    return true;
  });
}

async function openRecoveryOf(deps: Deps, accountId: string): Promise<RecoveryRecord> {
  const view = await currentRecovery(deps, accountId);
  const recovery = view ? await findRecovery(deps.db, view.id) : null;
  if (!recovery)
    throw new GatehouseError('NoSuchEntity', 'There is no sign-in with alternative factors under way. Start again.');
  return recovery;
}

/** Sends the phone code by SMS or voice call, once the email is proved. */
export async function sendRecoveryPhoneCode(
  deps: Deps,
  session: SessionRecord,
  principal: Principal,
  channel: PhoneChannel,
  meta: RequestMeta,
): Promise<void> {
  requireRootStep(session, principal);
  const recovery = await openRecoveryOf(deps, principal.accountId);
  if (!recovery.emailVerifiedAt)
    throw new GatehouseError('AccessDenied', 'Confirm your email address first, with the link we sent.');
  const phone = await findRootPhone(deps.db, principal.accountId);
  if (!phone?.phone || !phone.verified)
    throw new GatehouseError('AccessDenied', 'This account has no verified phone number.');
  const code = sixDigitCode();
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    await updateOpenRecovery(tx, recovery.id, {
      phoneCodeHash: hashSecret(`${recovery.id}:${code}`),
      phoneCodeExpiresAt: new Date(now.getTime() + PHONE_CODE_MS).toISOString(),
      phoneAttempts: 0,
    });
    await queuePhoneCode(tx, deps, {
      accountId: principal.accountId,
      to: phone.phone!,
      channel,
      code,
      purpose: 'sign in without your MFA device',
    });
    await audit(tx, deps, meta, principal.accountId, 'MfaRecoveryPhoneCodeSent', 'Success', {
      recoveryId: recovery.id,
      channel,
    });
  });
}

/**
 * Checks the phone code. With both factors proved the recovery is ready at once, or after
 * the account's waiting period; the owner is mailed either way, with a cancel link.
 */
/** Checks the phone code; a refusal comes back with the support reference to show. */
export async function confirmRecoveryPhone(
  deps: Deps,
  session: SessionRecord,
  principal: Principal,
  code: string,
  meta: RequestMeta,
): Promise<{ ok: true } | { ok: false; reference: string }> {
  requireRootStep(session, principal);
  const recovery = await openRecoveryOf(deps, principal.accountId);
  const now = deps.clock.now();
  const live =
    recovery.phoneCodeExpiresAt !== null &&
    recovery.phoneCodeExpiresAt > now.toISOString() &&
    recovery.phoneCodeHash !== null;
  const waitHours = await findRecoveryWaitHours(deps.db, principal.accountId);
  const readyAt = new Date(now.getTime() + waitHours * HOUR).toISOString();
  return deps.db.transaction().execute(async (tx) => {
    // Each try is spent before the code is compared, so at most PHONE_ATTEMPTS are ever compared.
    const tried = live && (await spendPhoneAttempt(tx, recovery.id, PHONE_ATTEMPTS));
    const right = tried && matchesHash(`${recovery.id}:${code.trim()}`, recovery.phoneCodeHash!);
    if (!right) {
      const reason = tried ? 'WrongCode' : 'CodeExpired';
      const auditEventId = await audit(
        tx,
        deps,
        meta,
        principal.accountId,
        'MfaRecoveryPhoneVerified',
        'Failure',
        { recoveryId: recovery.id },
        reason,
      );
      return {
        ok: false as const,
        reference: await recordFailureReference(tx, deps, {
          auditEventId,
          accountId: principal.accountId,
          reason,
          flow: 'mfa-recovery',
        }),
      };
    }
    await updateOpenRecovery(tx, recovery.id, { phoneVerifiedAt: now.toISOString(), readyAt, phoneCodeHash: null });
    await audit(tx, deps, meta, principal.accountId, 'MfaRecoveryPhoneVerified', 'Success', {
      recoveryId: recovery.id,
      readyAt,
    });
    await mailRootAboutRecovery(tx, deps, meta, principal.accountId, {
      template: 'mfa-recovery-verified',
      subject: 'Your Gatehouse root user can sign in without its MFA device',
      paragraphs: [
        'The root user email and phone number were both proved to sign in without an MFA device.',
        waitHours > 0
          ? `Because of this account's waiting period, the sign-in is possible from ${formatTime(readyAt)}. Until then it can be cancelled.`
          : 'The sign-in can complete now.',
        'If this is not you, cancel it with the link in the first message about this sign-in, or from the console of any signed-in root session; then change the root password and check the account phone number.',
      ],
      links: [],
    });
    return { ok: true as const };
  });
}

/**
 * Completes the sign-in: a new session that counts as MFA-authenticated (two factors were
 * proved, email and phone), from which the owner removes the lost device and adds a new one.
 */
export async function completeRecovery(
  deps: Deps,
  session: SessionRecord,
  principal: Principal,
  meta: RequestMeta,
): Promise<string> {
  requireRootStep(session, principal);
  const recovery = await openRecoveryOf(deps, principal.accountId);
  const now = deps.clock.now().toISOString();
  if (stageOf(recovery, now) !== 'ready')
    throw new GatehouseError('AccessDenied', 'The sign-in with alternative factors is not ready yet.');
  return deps.db.transaction().execute(async (tx) => {
    if (!(await updateOpenRecovery(tx, recovery.id, { completedAt: now }))) {
      throw new GatehouseError('AccessDenied', 'This sign-in with alternative factors was cancelled.');
    }
    await deleteSessionRow(tx, session.id);
    await deps.invalidations.record(tx, { topic: 'session', key: session.id });
    const { token } = await startSession(tx, deps, {
      accountId: principal.accountId,
      principalId: principal.id,
      restriction: null,
      mfaAt: now,
      mfaMethod: 'alternative-factors',
      sourceIp: meta.ip,
      userAgent: meta.userAgent,
    });
    await audit(tx, deps, meta, principal.accountId, 'MfaRecoveryCompleted', 'Success', { recoveryId: recovery.id });
    await mailRootAboutRecovery(tx, deps, meta, principal.accountId, {
      template: 'mfa-recovery-completed',
      subject: 'Your Gatehouse root user signed in without its MFA device',
      paragraphs: [
        'The root user signed in with alternative factors (email and phone). Remove the lost MFA device on the Security credentials page and add a new one.',
        'If this is not you, contact whoever runs this Gatehouse service at once.',
      ],
      links: [],
    });
    return token;
  });
}

/** Cancels through the mailed link. */
export async function cancelRecoveryByLink(
  deps: Deps,
  tokenValue: string | undefined,
  meta: RequestMeta,
): Promise<boolean> {
  const check = await checkRecoveryLink(deps, tokenValue, 'cancel');
  if (!check.ok) return false;
  return cancel(deps, check.link, meta, 'email link', (tx, now) => spendLink(tx, RECOVERY_LINKS, check, now));
}

/** Cancels from a signed-in root session. */
export async function cancelRecoveryAsOwner(
  deps: Deps,
  principal: Principal,
  id: string,
  meta: RequestMeta,
): Promise<boolean> {
  if (principal.type !== 'root') return false;
  const recovery = await findRecovery(deps.db, id);
  if (!recovery || recovery.accountId !== principal.accountId) return false;
  return cancel(deps, recovery, meta, 'signed-in session', (tx, now) =>
    updateOpenRecovery(tx, id, { cancelledAt: now }),
  );
}

/** `take` cancels the recovery in the transaction, or finds it already ended. */
async function cancel(
  deps: Deps,
  recovery: RecoveryRecord,
  meta: RequestMeta,
  via: string,
  take: (tx: Db, now: string) => Promise<boolean>,
): Promise<boolean> {
  const now = deps.clock.now().toISOString();
  const { accountId, id } = recovery;
  return deps.db.transaction().execute(async (tx) => {
    if (!(await take(tx, now))) return false;
    await audit(tx, deps, meta, accountId, 'MfaRecoveryCancelled', 'Success', { recoveryId: id, via });
    await mailRootAboutRecovery(tx, deps, meta, accountId, {
      template: 'mfa-recovery-cancelled',
      subject: 'A sign-in without your MFA device was cancelled',
      paragraphs: [
        `The sign-in with alternative factors was cancelled (from a ${via}). Your MFA devices are unchanged.`,
      ],
      links: [],
    });
    return true;
  });
}

// The account's contact phone (root), and its waiting period

export async function startPhoneVerification(
  deps: Deps,
  principal: Principal,
  phoneInput: string,
  channel: PhoneChannel,
  meta: RequestMeta,
): Promise<void> {
  if (principal.type !== 'root')
    throw new GatehouseError('AccessDenied', 'Only the root user manages the account phone number.');
  const phone = normalisePhone('phone', phoneInput);
  const code = sixDigitCode();
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    await replacePhoneVerification(tx, {
      id: newRowId(deps.clock.now()),
      accountId: principal.accountId,
      secretHash: hashSecret(`${principal.accountId}:${code}`),
      phone,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + PHONE_CODE_MS).toISOString(),
    });
    await queuePhoneCode(tx, deps, {
      accountId: principal.accountId,
      to: phone,
      channel,
      code,
      purpose: 'confirm this phone number',
    });
    await recordAudit(tx, deps, meta, {
      accountId: principal.accountId,
      actor: actorOf(principal),
      eventName: 'ContactPhoneVerificationStarted',
      details: { channel },
    });
  });
}

export async function confirmPhone(deps: Deps, principal: Principal, code: string, meta: RequestMeta): Promise<void> {
  if (principal.type !== 'root')
    throw new GatehouseError('AccessDenied', 'Only the root user manages the account phone number.');
  const throttleKey = `phone:${principal.accountId}`;
  const pending = await findPhoneVerification(deps.db, principal.accountId);
  const paused = !(await spendCodeTry(deps.db, deps, throttleKey));
  const right =
    !paused &&
    pending !== null &&
    pending.expiresAt > deps.clock.now().toISOString() &&
    matchesHash(`${principal.accountId}:${code.trim()}`, pending.secretHash);
  if (!right) throw invalid('code', 'That code is not right or has expired. Send a new one.');
  await deps.db.transaction().execute(async (tx) => {
    await resetCodeFailures(tx, throttleKey);
    await setRootPhone(tx, principal.accountId, pending!.phone);
    await deletePhoneVerification(tx, principal.accountId);
    await recordAudit(tx, deps, meta, {
      accountId: principal.accountId,
      actor: actorOf(principal),
      eventName: 'UpdateContactPhone',
      details: { phone: phoneHint(pending!.phone) },
    });
    await mailRootAboutRecovery(tx, deps, meta, principal.accountId, {
      template: 'contact-phone-changed',
      subject: 'The Gatehouse account phone number was changed',
      paragraphs: [
        `The account phone number is now ${phoneHint(pending!.phone)}. It is used to sign in without an MFA device.`,
        'If this is not you, sign in and change it back at once.',
      ],
      links: [],
    });
  });
}

export async function setRecoveryWaitHours(
  deps: Deps,
  principal: Principal,
  hoursInput: string,
  meta: RequestMeta,
): Promise<void> {
  if (principal.type !== 'root')
    throw new GatehouseError('AccessDenied', 'Only the root user sets the recovery waiting period.');
  const hours = Number(hoursInput.trim());
  if (!/^\d+$/.test(hoursInput.trim()) || hours > MAX_RECOVERY_WAIT_HOURS) {
    throw invalid('waitHours', `Enter a whole number of hours from 0 to ${MAX_RECOVERY_WAIT_HOURS}.`);
  }
  await deps.db.transaction().execute(async (tx) => {
    await saveRecoveryWaitHours(tx, principal.accountId, hours, deps.clock.now().toISOString());
    await recordAudit(tx, deps, meta, {
      accountId: principal.accountId,
      actor: actorOf(principal),
      eventName: 'UpdateMfaRecoveryWaitingPeriod',
      details: { hours },
    });
  });
}
