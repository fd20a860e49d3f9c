import { ANONYMOUS, type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import { userAskedForResetMail } from '../mail/mail-templates.ts';
import { enqueueMail, publicLink } from '../mail/mail.service.ts';
import { findUserCandidate } from '../signin/signin.repository.ts';
import { findRootUser } from '../identities/account.repository.ts';
import { HOUR } from '../shared/clock.ts';
import { type Finish, NOTHING_MORE } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError, invalid } from '../shared/errors.ts';
import { newRowId } from '../shared/ids.ts';
import { isAccountId, isAlias, normaliseAccountRef, validateUserName } from '../shared/validation.ts';
import {
  type HelpRequestKind,
  dismissHelpRequest,
  hasPendingSince,
  insertHelpRequest,
} from './help-request.repository.ts';

/** One open request per user in this window; repeats are answered the same and dropped. */
export const HELP_REQUEST_INTERVAL_MS = HOUR;

export interface HelpRequestInput {
  accountRef: string;
  userName: string;
}

/** The form's only errors: a malformed account ID or alias, or user name. */
export function validateHelpRequest(accountInput: string, userNameInput: string): HelpRequestInput {
  const accountRef = normaliseAccountRef(accountInput);
  if (!accountRef) throw invalid('account', 'Enter the account ID (12 digits) or account alias.');
  if (!isAccountId(accountRef) && !isAlias(accountRef))
    throw invalid('account', 'Enter a 12-digit account ID or an account alias.');
  return { accountRef, userName: validateUserName('userName', userNameInput) };
}

/**
 * An IAM user who forgot their password asks the account's administrators for a reset
 * (IAM users never reset their own). When the account and user exist, the root email
 * is told and the request shows on the console's Users page; the person is answered
 * the same way in every case (the page queues this as a background job), and repeats
 * within the hour are dropped. `finish` runs in its transaction.
 */
export async function askAdministrator(
  deps: Deps,
  request: HelpRequestInput,
  meta: RequestMeta,
  finish: Finish = NOTHING_MORE,
): Promise<void> {
  const { accountRef, userName } = request;
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    await finish(tx);
    const candidate = await findUserCandidate(tx, accountRef, userName.toLowerCase());
    const root = candidate ? await findRootUser(tx, candidate.accountId) : null;
    const user = candidate?.user;
    if (!candidate || !user || !root) {
      await recordAudit(tx, deps, meta, {
        accountId: candidate?.accountId ?? null,
        actor: ANONYMOUS,
        eventName: 'PasswordResetAskedOfAdministrator',
        outcome: 'Failure',
        reason: candidate ? 'UnknownUser' : 'UnknownAccount',
      });
      return;
    }
    const actor: Actor = { type: 'anonymous', id: null, name: `says ${user.name}` };
    if (
      await hasPendingSince(tx, user.id, 'password', new Date(now.getTime() - HELP_REQUEST_INTERVAL_MS).toISOString())
    ) {
      await recordAudit(tx, deps, meta, {
        accountId: candidate.accountId,
        actor,
        eventName: 'PasswordResetAskedOfAdministrator',
        outcome: 'Failure',
        reason: 'AlreadyAsked',
        target: { id: user.id, name: user.name },
      });
      return;
    }
    await insertHelpRequest(tx, {
      id: newRowId(deps.clock.now()),
      kind: 'password',
      accountId: candidate.accountId,
      userId: user.id,
      userName: user.name,
      sourceIp: meta.ip || null,
      createdAt: now.toISOString(),
    });
    await recordAudit(tx, deps, meta, {
      accountId: candidate.accountId,
      actor,
      eventName: 'PasswordResetAskedOfAdministrator',
      outcome: 'Success',
      target: { id: user.id, name: user.name },
    });
    await enqueueMail(tx, deps, meta, {
      to: root.email,
      accountId: candidate.accountId,
      mail: userAskedForResetMail({
        accountId: candidate.accountId,
        userName: user.name,
        usersUrl: publicLink(deps, `/console/users/${encodeURIComponent(user.name)}`),
        origin: { time: now.toISOString(), meta },
      }),
    });
  });
}

/** The audit event each kind of request is dismissed under. */
const DISMISSED_EVENT: Record<HelpRequestKind, string> = {
  password: 'PasswordResetRequestDismissed',
  mfa: 'MfaHelpRequestDismissed',
};

/**
 * An administrator closes a request of this kind without acting on it (the password, or
 * the MFA devices, stay as they are); NoSuchEntity when it is unknown or already closed.
 */
export async function dismissHelp(
  deps: Deps,
  accountId: string,
  id: string,
  kind: HelpRequestKind,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const closed = await dismissHelpRequest(
      tx,
      accountId,
      id,
      kind,
      deps.clock.now().toISOString(),
      actor.name ?? actor.type,
    );
    if (!closed) throw new GatehouseError('NoSuchEntity', 'That request was already handled.');
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: DISMISSED_EVENT[kind],
      target: { id: closed.userId, name: closed.userName },
    });
  });
}
