import { type Principal, actorOf, loadPrincipal, userArn } from '../identities/principal.ts';
import { type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import { publicLink } from '../mail/mail.service.ts';
import {
  type HelpRequestRecord,
  dismissHelpRequest,
  findPendingHelpRequest,
  hasPendingSince,
  insertHelpRequest,
  listPendingHelpRequests,
} from '../recovery/help-request.repository.ts';
import type { SessionRecord } from '../sessions/session.repository.ts';
import { HOUR } from '../shared/clock.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError } from '../shared/errors.ts';
import { newRowId } from '../shared/ids.ts';
import { findUserById } from '../identities/user.repository.ts';
import { mailRootAboutRecovery } from './mfa-mail.ts';
import { MFA_REQUIRED } from './mfa-signin.service.ts';
import { listDevicesOf } from './mfa.repository.ts';
import { deactivateDevice } from './mfa.service.ts';

/**
 * An IAM user who lost their MFA device, past the password step, asks the account's
 * administrators to deactivate it (IAM users never remove it themselves). The request is
 * listed on the console's Users page and home until an administrator deactivates the
 * user's devices or dismisses it, and the root email is told; repeats while one made in
 * the last hour is open are dropped.
 */
export async function askAdministratorAboutMfa(
  deps: Deps,
  session: SessionRecord,
  principal: Principal,
  meta: RequestMeta,
): Promise<void> {
  if (principal.type !== 'user' || session.restriction !== MFA_REQUIRED) {
    throw new GatehouseError('AccessDenied', 'Only IAM users signing in ask an administrator about a lost MFA device.');
  }
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    const repeat = await hasPendingSince(tx, principal.id, 'mfa', new Date(now.getTime() - HOUR).toISOString());
    await recordAudit(tx, deps, meta, {
      accountId: principal.accountId,
      actor: actorOf(principal),
      eventName: 'MfaHelpAskedOfAdministrator',
      outcome: repeat ? 'Failure' : 'Success',
      ...(repeat ? { reason: 'AlreadyAsked' } : {}),
      target: { id: principal.id, name: principal.name },
    });
    if (repeat) return;
    await insertHelpRequest(tx, {
      id: newRowId(deps.clock.now()),
      kind: 'mfa',
      accountId: principal.accountId,
      userId: principal.id,
      userName: principal.name,
      sourceIp: meta.ip || null,
      createdAt: now.toISOString(),
    });
    await mailRootAboutRecovery(tx, deps, meta, principal.accountId, {
      template: 'mfa-help-asked',
      subject: `IAM user ${principal.name} lost their MFA device`,
      paragraphs: [
        `Someone who signed in with the password of IAM user ${principal.name} says the user's MFA devices are lost or broken, and asks an administrator to deactivate them.`,
        "The request is listed on the console's Users page. If you know it is genuine, deactivate the user's MFA devices there; the user then signs in with the password and adds a new device. If you do not recognise it, dismiss it, leave the devices as they are and consider resetting the user's password.",
      ],
      links: [
        { label: 'Open the Users page', url: publicLink(deps, '/console/users') },
        {
          label: `Open ${principal.name}'s page`,
          url: publicLink(deps, `/console/users/${encodeURIComponent(principal.name)}`),
        },
      ],
    });
  });
}

/** The account's open MFA help requests, newest first. */
export async function pendingMfaHelpRequests(deps: Deps, accountId: string): Promise<HelpRequestRecord[]> {
  return listPendingHelpRequests(deps.db, accountId, 'mfa');
}

/** The open request and the ARN of its user (what the permission is checked on); NoSuchEntity when there is none. */
export async function findMfaHelpRequest(
  deps: Deps,
  accountId: string,
  id: string,
): Promise<{ request: HelpRequestRecord; userArn: string }> {
  const request = await findPendingHelpRequest(deps.db, accountId, id, 'mfa');
  const user = request ? await findUserById(deps.db, request.userId) : null;
  if (!request || !user) throw new GatehouseError('NoSuchEntity', 'That request was already handled.');
  return { request, userArn: userArn(accountId, user.path, user.name) };
}

/**
 * Does what the request asks: deactivates every MFA device of the user with the service
 * DeactivateMFADevice uses (each deactivation audited and the user told), which closes the
 * request once the user has none left; then records the resolution.
 */
export async function resolveMfaHelpRequest(
  deps: Deps,
  accountId: string,
  id: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  const { request } = await findMfaHelpRequest(deps, accountId, id);
  const owner = await loadPrincipal(deps.db, accountId, request.userId);
  if (!owner) throw new GatehouseError('NoSuchEntity', 'That request was already handled.');
  const devices = await listDevicesOf(deps.db, owner.id);
  for (const device of devices) await deactivateDevice(deps, owner, { id: device.id }, actor, meta);
  await deps.db.transaction().execute(async (tx) => {
    // Already closed by the last deactivation, unless the user had no device left to deactivate.
    await dismissHelpRequest(tx, accountId, id, 'mfa', deps.clock.now().toISOString(), actor.name ?? actor.type);
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: 'MfaHelpRequestResolved',
      target: { id: owner.id, name: owner.name },
      details: { devicesDeactivated: devices.length },
    });
  });
}
