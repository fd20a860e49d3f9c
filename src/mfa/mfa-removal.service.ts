import { findRootUser } from '../identities/account.repository.ts';
import type { Principal } from '../identities/principal.ts';
import { type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import { assertHashable } from '../passwords/password-check.ts';
import { GatehouseError, invalid } from '../shared/errors.ts';
import { findLoginProfile } from '../identities/user.repository.ts';
import { type MfaDevice, findDevice } from './mfa.repository.ts';
import type { Deps } from '../deps.ts';
import { deactivateDevice, verifyTotpCode } from './mfa.service.ts';

/** How a person proves again that they are who the session says: the current password, or a code from another app. */
export interface Reproof {
  currentPassword: string;
  /** Another of the principal's authenticator apps, and a code it shows now. */
  proofDevice: string;
  code: string;
}

function noSuchOwnDevice(): GatehouseError {
  return new GatehouseError('NoSuchEntity', 'There is no such device among your MFA devices.');
}

/** One of the principal's own enabled devices, or NoSuchEntity. */
export async function ownEnabledDevice(deps: Deps, principal: Principal, id: string): Promise<MfaDevice> {
  const device = await findDevice(deps.db, principal.accountId, id);
  if (!device || device.principalId !== principal.id || !device.enabledAt) throw noSuchOwnDevice();
  return device;
}

async function passwordMatches(deps: Deps, principal: Principal, password: string): Promise<boolean> {
  const stored =
    principal.type === 'root'
      ? (await findRootUser(deps.db, principal.accountId))?.passwordHash
      : (await findLoginProfile(deps.db, principal.id))?.passwordHash;
  return stored ? deps.hasher.verify(stored, password) : deps.hasher.verifyDummy(password);
}

/** A code from another enabled authenticator app of the principal; the same throttle and replay rules as at sign-in. */
async function otherAppVouches(
  deps: Deps,
  principal: Principal,
  removing: MfaDevice,
  proof: Reproof,
): Promise<boolean> {
  const device = await findDevice(deps.db, principal.accountId, proof.proofDevice);
  if (
    !device ||
    device.id === removing.id ||
    device.principalId !== principal.id ||
    !device.enabledAt ||
    device.kind !== 'totp'
  )
    return false;
  return (await verifyTotpCode(deps, principal.id, device, proof.code)).ok;
}

/**
 * Removes one of the signed-in principal's own MFA devices once the person has proved
 * again who they are (ASVS: sensitive changes re-authenticate): the current password, or
 * a code from another of their authenticator apps. A session alone, perhaps left open or
 * stolen, cannot take a factor away. A failed proof is audited and changes nothing.
 */
export async function removeOwnDevice(
  deps: Deps,
  principal: Principal,
  deviceId: string,
  proof: Reproof,
  actor: Actor,
  meta: RequestMeta,
): Promise<MfaDevice> {
  const removing = await ownEnabledDevice(deps, principal, deviceId);
  const byPassword = proof.currentPassword !== '';
  if (!byPassword && (proof.code.trim() === '' || proof.proofDevice === '')) {
    throw invalid(
      'currentPassword',
      'Enter your current password, or a code from another authenticator app, to remove an MFA device.',
    );
  }
  if (byPassword) assertHashable(proof.currentPassword, 'currentPassword');
  const proved = byPassword
    ? await passwordMatches(deps, principal, proof.currentPassword)
    : await otherAppVouches(deps, principal, removing, proof);
  if (!proved) {
    await deps.db.transaction().execute((tx) =>
      recordAudit(tx, deps, meta, {
        accountId: principal.accountId,
        actor,
        eventName: 'DeactivateMFADevice',
        outcome: 'Failure',
        reason: byPassword ? 'WrongPassword' : 'WrongCode',
        target: { id: principal.id, name: principal.name },
        details: { serialNumber: removing.serial, type: removing.kind },
      }),
    );
    throw new GatehouseError('InvalidCredentials', 'That password or code was not accepted. Nothing was removed.', {
      field: 'currentPassword',
    });
  }
  return deactivateDevice(deps, principal, { id: removing.id }, actor, meta);
}
