import { ANONYMOUS, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import { type Db, type Finish, NOTHING_MORE } from '../db/database.ts';
import { enqueueMail, isHeld, publicLink } from '../mail/mail.service.ts';
import { getUserPasswordExpiry } from '../password-policy/password-policy.service.ts';
import { DAY, HOUR } from '../shared/clock.ts';
import type { Deps } from '../deps.ts';
import { emailKey } from '../shared/validation.ts';
import { findFailuresByKey } from '../support-references/support-reference.repository.ts';
import { mintUnlockLink, rootIdentifier, userIdentifier } from '../throttle/unlock.service.ts';
import { identifierKeyOf, nameKeyOf } from '../support-references/attempt-keys.ts';
import { type AuditFact, type Audience, type Cause, byWhom, recordedCauses, when, where } from './diagnosis.ts';
import { diagnosisMail } from './doctor-mail.ts';
import { switchRoleCause } from './switch-role-cause.ts';
import {
  type RootOwner,
  type UserFacts,
  auditEventsAbout,
  countDiagnosesSince,
  findRootOwnerByEmail,
  findRootOwnerOfAccount,
  findUserFacts,
  mfaBlockedUntil,
  siblingAccountsWithUser,
} from './doctor.repository.ts';

/** What the person says they tried: the root email, or an account and user name. */
export type DiagnosisRequest = { kind: 'root'; email: string } | { kind: 'user'; accountRef: string; userName: string };

/** At most this many reports to one owner's channel per window; the rest are refused (and audited). */
export const DIAGNOSIS_LIMIT = 3;
/** The reason on a report that took the place of one still held by the mail limit; it does not count against the limit. */
export const REPLACED_HELD_REPORT = 'ReplacedHeldReport';
export const DIAGNOSIS_WINDOW_MS = HOUR;
/** How far back the record is read. */
export const LOOKBACK_MS = 30 * DAY;

/**
 * "Why can't I sign in?": reads the recorded attempts and credential history of the
 * principal the person names, and mails what it finds, with the fix for each cause, to
 * a channel the owner controls. It runs as a background job the page queued (the page
 * answers the same way whatever it finds, and none of this work runs near the request);
 * an unknown identifier gets nothing sent. `finish` runs in the one write transaction.
 */
export async function diagnoseSignIn(
  deps: Deps,
  request: DiagnosisRequest,
  meta: RequestMeta,
  finish: Finish = NOTHING_MORE,
): Promise<void> {
  if (request.kind === 'root') {
    const owner = await findRootOwnerByEmail(deps.db, emailKey(request.email));
    if (!owner) return recordUnknown(deps, meta, null, finish);
    const causes = await causesFor(deps, owner, { kind: 'root' }, 'owner');
    return deliver(
      deps,
      meta,
      { owner, audience: 'owner', to: owner.email, ownerKey: owner.accountId, subjectName: 'root', causes },
      finish,
    );
  }

  const account = await findRootOwnerOfAccount(deps.db, request.accountRef);
  if (!account) return recordUnknown(deps, meta, null, finish);
  const nameKey = request.userName.trim().toLowerCase();
  const user = await findUserFacts(deps.db, account.accountId, nameKey);
  if (!user) {
    const causes = await unknownUserCauses(deps, account, request.userName);
    if (causes.length === 0) return recordUnknown(deps, meta, account.accountId, finish);
    return deliver(
      deps,
      meta,
      {
        owner: account,
        audience: 'administrators',
        to: account.email,
        ownerKey: account.accountId,
        subjectName: request.userName.trim(),
        causes,
      },
      finish,
    );
  }
  const toOwner = user.contactEmailVerified && user.contactEmail !== null;
  const audience: Audience = toOwner ? 'owner' : 'administrators';
  const causes = await causesFor(deps, account, { kind: 'user', user }, audience);
  return deliver(
    deps,
    meta,
    {
      owner: account,
      audience,
      to: toOwner ? user.contactEmail! : account.email,
      ownerKey: toOwner ? user.id : account.accountId,
      subjectName: user.name,
      userId: user.id,
      causes,
    },
    finish,
  );
}

async function recordUnknown(deps: Deps, meta: RequestMeta, accountId: string | null, finish: Finish): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    await recordAudit(tx, deps, meta, {
      accountId,
      actor: ANONYMOUS,
      eventName: 'SignInDiagnosisRequested',
      outcome: 'Failure',
      reason: accountId ? 'UnknownUser' : 'UnknownIdentifier',
    });
    await finish(tx);
  });
}

function signInUrl(deps: Deps, owner: RootOwner): string {
  return publicLink(deps, `/signin/${owner.alias ?? owner.accountId}`);
}

type Subject = { kind: 'root' } | { kind: 'user'; user: UserFacts };

async function causesFor(deps: Deps, owner: RootOwner, subject: Subject, audience: Audience): Promise<Cause[]> {
  const now = deps.clock.now();
  const since = new Date(now.getTime() - LOOKBACK_MS).toISOString();
  const principalId = subject.kind === 'root' ? owner.accountId : subject.user.id;
  const name = subject.kind === 'root' ? 'root' : subject.user.name;
  const events: AuditFact[] = await auditEventsAbout(deps.db, owner.accountId, principalId, since);
  const causes: Cause[] = [];
  const add = (cause: Cause) => {
    if (!causes.some((c) => c.code === cause.code)) causes.push(cause);
  };
  const loginUrl = subject.kind === 'root' ? publicLink(deps, '/signin', { choose: '1' }) : signInUrl(deps, owner);
  const resetFix =
    subject.kind === 'root'
      ? { label: 'Reset your password by email', url: publicLink(deps, '/signin/forgot') }
      : audience === 'administrators'
        ? {
            label: `Set a new password for ${name}`,
            url: publicLink(deps, `/console/users/${encodeURIComponent(name)}`),
          }
        : {
            label: 'Ask your administrators for a new password',
            url: publicLink(deps, '/signin/forgot', { account: owner.alias ?? owner.accountId }),
          };

  // "After the last successful sign-in" goes by the audit trail's order (newest first), not
  // by timestamps: events of the same millisecond, or a clock stepped back, keep their order.
  const lastSuccessAt = events.findIndex(
    (e) => e.eventName === 'ConsoleLogin' && e.outcome === 'Success' && e.actorId === principalId,
  );
  const lastSuccess = lastSuccessAt === -1 ? undefined : events[lastSuccessAt];
  const sinceLastSuccess = (index: number) => lastSuccessAt === -1 || index < lastSuccessAt;
  const failures = events.filter(
    (e, i) =>
      e.eventName === 'ConsoleLogin' && e.outcome === 'Failure' && e.actorId === principalId && sinceLastSuccess(i),
  );

  // Changes someone else made are the likeliest surprise: they come first.
  for (const [i, e] of events.entries()) {
    if (e.targetId !== principalId) continue;
    const who = byWhom(e, principalId);
    // A password set when the user was created is the one they were given, not a surprise.
    const replacedPassword =
      e.eventName === 'UpdateLoginProfile' ||
      (e.eventName === 'CreateLoginProfile' && lastSuccess !== undefined && sinceLastSuccess(i));
    if (replacedPassword && e.actorId !== principalId) {
      add({
        code: 'PasswordResetByAdministrator',
        text: `The password of ${name} was reset by ${who} on ${when(e.time)} from ${where(e.sourceIp, e.userAgent)}. The old password no longer works.`,
        fix: { label: 'Sign in with the password the administrator gave you', url: loginUrl },
      });
    } else if (e.eventName === 'DeleteLoginProfile') {
      add({
        code: 'NoConsolePassword',
        text: `The console password of ${name} was removed by ${who} on ${when(e.time)}.`,
        fix: resetFix,
      });
    } else if (e.eventName === 'DeactivateMFADevice' || e.eventName === 'DeleteVirtualMFADevice') {
      add({
        code: 'MfaDeviceRemoved',
        text: `An MFA device of ${name} was removed by ${who} on ${when(e.time)} from ${where(e.sourceIp, e.userAgent)}. Codes from it are no longer asked for or accepted.`,
        fix: { label: 'Sign in with the password alone, then add a new MFA device', url: loginUrl },
      });
    } else if (
      ['PasswordRecoveryCompleted', 'PasswordUpdated', 'ChangePassword'].includes(e.eventName) &&
      (sinceLastSuccess(i) || e.actorId !== principalId)
    ) {
      add({
        code: 'PasswordChanged',
        text: `The password of ${name} was changed by ${who} on ${when(e.time)} from ${where(e.sourceIp, e.userAgent)}.`,
        fix: resetFix,
      });
    }
  }

  const wrong = failures.filter((e) => e.reason === 'WrongPassword' || e.reason === 'EmptyPassword');
  if (wrong.length > 0) {
    const last = wrong[0]!;
    add({
      code: 'WrongPassword',
      text: `A wrong password was entered for ${name} ${wrong.length === 1 ? 'once' : `${wrong.length} times`}${lastSuccess ? ' since the last successful sign-in' : ''}, last on ${when(last.time)} from ${where(last.sourceIp, last.userAgent)}.`,
      fix: resetFix,
    });
  }

  if (subject.kind === 'user') {
    const { user } = subject;
    if (!user.hasLoginProfile) {
      add({
        code: 'NoConsolePassword',
        text: `${name} has no console password, so it cannot sign in to the console.`,
        fix: resetFix,
      });
    } else {
      const expiry = await getUserPasswordExpiry(deps, owner.accountId, user.id);
      if (expiry?.hardExpired || failures.some((e) => e.reason === 'PasswordExpiredHard')) {
        add({
          code: 'PasswordExpiredHard',
          text: `The password of ${name} expired${expiry?.expiresAt ? ` on ${when(expiry.expiresAt)}` : ''}, and the account's policy lets only an administrator set a new one.`,
          fix:
            audience === 'administrators'
              ? {
                  label: `Reset the password of ${name}`,
                  url: publicLink(deps, `/console/users/${encodeURIComponent(name)}`),
                }
              : {
                  label: 'Ask your administrators to reset it',
                  url: publicLink(deps, '/signin/forgot', { account: owner.alias ?? owner.accountId }),
                },
        });
      } else if (expiry?.expired) {
        add({
          code: 'PasswordExpired',
          text: `The password of ${name} expired${expiry.expiresAt ? ` on ${when(expiry.expiresAt)}` : ''}. It still works once, to choose a new one.`,
          fix: { label: 'Sign in and choose a new password', url: loginUrl },
        });
      }
      if (user.passwordResetRequired) {
        add({
          code: 'PasswordResetRequired',
          text: `An administrator requires ${name} to choose a new password at the next sign-in.`,
          fix: { label: 'Sign in with the current password, then choose a new one', url: loginUrl },
        });
      }
    }
    // The last Switch role, when it was refused: the console said only "invalid information".
    const lastSwitch = events.find((e) => e.eventName === 'SwitchRole' && e.actorId === principalId);
    if (lastSwitch?.outcome === 'Failure')
      add(switchRoleCause(lastSwitch, name, audience, (path) => publicLink(deps, path), owner.accountId));
  }

  const lockedIdentifier =
    subject.kind === 'root' ? rootIdentifier(owner.email) : userIdentifier(owner.accountId, name);
  const lock = await deps.guard.throttle.state({ identifier: lockedIdentifier, deviceId: null }, 'password', now);
  if (lock.stopped || lock.waitUntil) {
    add({
      code: 'SignInLocked',
      text: lock.stopped
        ? `Sign-in as ${name} is locked after ${lock.failures} wrong passwords in a row, until it is unlocked.`
        : `Sign-in as ${name} is paused after ${lock.failures} wrong passwords in a row, until ${when(lock.waitUntil!)}.`,
      fix:
        subject.kind === 'root'
          ? // A new link (minted when the report is sent), since the one mailed at the stop may be spent or a day old.
            {
              label: 'Lift the stop with this link (valid for a day); your password stays as it is',
              url: publicLink(deps, '/signin/unlock'),
              unlock: lockedIdentifier,
            }
          : audience === 'administrators'
            ? {
                label: `Unlock sign-in for ${name}`,
                url: publicLink(deps, `/console/users/${encodeURIComponent(name)}`),
              }
            : {
                label: 'Ask your administrators to unlock it',
                url: publicLink(deps, '/signin/forgot', { account: owner.alias ?? owner.accountId }),
              },
    });
  }

  const blockedUntil = await mfaBlockedUntil(deps.db, principalId);
  if (blockedUntil && blockedUntil > now.toISOString()) {
    add({
      code: 'MfaLocked',
      text: `Too many wrong MFA codes were entered for ${name}: the second step is locked until ${when(blockedUntil)}.`,
      fix:
        subject.kind === 'root'
          ? { label: 'Wait until then, or sign in with alternative factors', url: publicLink(deps, '/signin/mfa-help') }
          : audience === 'administrators'
            ? {
                label: `Review the MFA devices of ${name}`,
                url: publicLink(deps, `/console/users/${encodeURIComponent(name)}`),
              }
            : {
                label: 'Wait until then, or ask your administrators for MFA help',
                url: publicLink(deps, '/signin/mfa-help'),
              },
    });
  }

  if (subject.kind === 'root') {
    // The root email typed into the IAM user form, as a user name.
    const misuse = await findFailuresByKey(
      deps.db,
      'nameKey',
      nameKeyOf(deps.keyring, owner.email),
      since,
      'signin-user',
    );
    if (misuse.length > 0) {
      add({
        code: 'WrongIdentity',
        text: `Your root email address was entered as an IAM user name ${times(misuse.length)}, last on ${when(misuse[0]!.createdAt)}. The root user signs in with the email address on the root user form, not as an IAM user.`,
        fix: { label: 'Sign in as the root user', url: publicLink(deps, '/signin', { choose: '1' }) },
      });
    }
  } else {
    const nameKey = nameKeyOf(deps.keyring, name);
    const onRootForm = await findFailuresByKey(deps.db, 'nameKey', nameKey, since, 'signin-root');
    if (onRootForm.length > 0) {
      add({
        code: 'WrongIdentity',
        text: `The user name ${name} was entered on the root user form ${times(onRootForm.length)}, last on ${when(onRootForm[0]!.createdAt)}. IAM users sign in on their account's sign-in page.`,
        fix: { label: `Sign in as IAM user ${name}`, url: loginUrl },
      });
    }
    const elsewhere = (await findFailuresByKey(deps.db, 'nameKey', nameKey, since, 'signin-user')).filter(
      // Never names the other account: only that the name was used somewhere it does not exist.
      (f) => f.accountId !== owner.accountId && (f.reason === 'UnknownAccount' || f.reason === 'UnknownUser'),
    );
    if (elsewhere.length > 0) {
      add({
        code: 'WrongAccount',
        text: `The user name ${name} was used to sign in to another account, or to an account ID or alias that does not exist, ${times(elsewhere.length)}, last on ${when(elsewhere[0]!.createdAt)}. ${name} exists only in account ${owner.alias ?? owner.accountId}.`,
        fix: { label: `Sign in at your account's own address`, url: loginUrl },
      });
    }
  }

  if (causes.length === 0) {
    add({
      code: 'NothingRecorded',
      text: `No failed sign-in of ${name} was recorded in the last 30 days, and nobody changed its credentials. Check that you are signing in ${subject.kind === 'root' ? 'as the root user with this email address' : `to account ${owner.alias ?? owner.accountId}`}.`,
      fix: subject.kind === 'root' ? resetFix : { label: 'Sign in here', url: loginUrl },
    });
  }
  return causes;
}

function times(n: number): string {
  return n === 1 ? 'once' : `${n} times`;
}

/** A user name that does not exist in the account: the "wrong account" case, or simply not there. */
async function unknownUserCauses(deps: Deps, account: RootOwner, userName: string): Promise<Cause[]> {
  const nameKey = userName.trim().toLowerCase();
  const causes: Cause[] = [];
  const siblings = await siblingAccountsWithUser(deps.db, emailKey(account.email), account.accountId, nameKey);
  for (const sibling of siblings) {
    causes.push({
      code: 'WrongAccount',
      text: `There is no IAM user ${userName.trim()} in account ${account.alias ?? account.accountId}, but account ${sibling.alias ?? sibling.id} (whose root email is the same) has a user ${sibling.name}.`,
      fix: {
        label: `Sign in to account ${sibling.alias ?? sibling.id}`,
        url: publicLink(deps, `/signin/${sibling.alias ?? sibling.id}`),
      },
    });
  }
  const since = new Date(deps.clock.now().getTime() - LOOKBACK_MS).toISOString();
  if (causes.length === 0) {
    const tried = await findFailuresByKey(
      deps.db,
      'identifierKey',
      identifierKeyOf(deps.keyring, { kind: 'user', accountRef: account.accountId, userName }),
      since,
      'signin-user',
    );
    if (tried.length > 0) {
      causes.push({
        code: 'UserNotInAccount',
        text: `Someone tried ${times(tried.length)} to sign in as IAM user ${userName.trim()}, which does not exist in account ${account.alias ?? account.accountId}; last on ${when(tried[0]!.createdAt)}.`,
        fix: { label: 'Check the user names of this account', url: publicLink(deps, '/console/users') },
      });
    }
  }
  return causes;
}

interface Delivery {
  owner: RootOwner;
  audience: Audience;
  to: string;
  ownerKey: string;
  subjectName: string;
  userId?: string;
  causes: Cause[];
}

async function deliver(deps: Deps, meta: RequestMeta, d: Delivery, finish: Finish): Promise<void> {
  const now = deps.clock.now();
  const replaces = `sign-in-diagnosis:${d.ownerKey}:${d.subjectName.toLowerCase()}`;
  await deps.db.transaction().execute(async (tx: Db) => {
    await finish(tx);
    // A report still held back by the mail limit is replaced by this newer one: one report, one use of the limit.
    const replacing = await isHeld(tx, deps, d.to, replaces);
    const recent = await countDiagnosesSince(
      tx,
      d.ownerKey,
      new Date(now.getTime() - DIAGNOSIS_WINDOW_MS).toISOString(),
      REPLACED_HELD_REPORT,
    );
    if (!replacing && recent >= DIAGNOSIS_LIMIT) {
      await recordAudit(tx, deps, meta, {
        accountId: d.owner.accountId,
        actor: ANONYMOUS,
        eventName: 'SignInDiagnosisRequested',
        outcome: 'Failure',
        reason: 'RateLimited',
        target: { id: d.userId ?? d.ownerKey, name: d.subjectName },
      });
      return;
    }
    await recordAudit(tx, deps, meta, {
      accountId: d.owner.accountId,
      actor: ANONYMOUS,
      eventName: 'SignInDiagnosisSent',
      outcome: 'Success',
      ...(replacing ? { reason: REPLACED_HELD_REPORT } : {}),
      target: { id: d.ownerKey, name: d.subjectName },
      details: {
        channel: d.audience,
        ...(d.userId ? { userId: d.userId } : {}),
        causes: recordedCauses(d.causes),
      },
    });
    // Past the rate limit only: each unlock fix gets its link now, in this transaction, for the mail alone.
    const mailed: Cause[] = [];
    for (const c of d.causes)
      mailed.push(
        c.fix.unlock ? { ...c, fix: { label: c.fix.label, url: await mintUnlockLink(tx, deps, c.fix.unlock) } } : c,
      );
    await enqueueMail(tx, deps, meta, {
      to: d.to,
      accountId: d.owner.accountId,
      mail: diagnosisMail({
        audience: d.audience,
        subjectName: d.subjectName,
        accountRef: d.owner.alias ?? d.owner.accountId,
        causes: mailed,
        time: now.toISOString(),
      }),
      replaces,
    });
  });
}
