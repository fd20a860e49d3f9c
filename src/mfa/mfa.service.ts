import type { Principal } from '../identities/principal.ts';
import { type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import { isUniqueViolation } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError, invalid } from '../shared/errors.ts';
import { newRowId } from '../shared/ids.ts';
import { resolveHelpRequestsOfUser } from '../recovery/help-request.repository.ts';
import { validatePath } from '../shared/validation.ts';
import { notifyMfaChange } from './mfa-mail.ts';
import { resetCodeFailures, spendCodeTry } from './mfa-throttle.ts';
import {
  type MfaDevice,
  acceptTotpStep,
  countDevicesOf,
  deleteDeviceRow,
  deletePendingEnrolments,
  enableDevice,
  findDevice,
  findDeviceBySerial,
  listDevicesOf,
  hasEnabledDevice,
  insertDevice,
  setTotpSync,
  unassignDevice,
} from './mfa.repository.ts';
import {
  RESYNC_WINDOW,
  SIGN_IN_WINDOW,
  consecutiveSteps,
  isCodeShape,
  matchingSteps,
  newTotpSecret,
  openTotpSecret,
  sealTotpSecret,
  stepAt,
} from './totp.ts';

/** MFA devices in use per principal, root and IAM users alike, any mix of kinds (as AWS). */
export const MAX_DEVICES_PER_PRINCIPAL = 8;

const DEVICE_NAME = /^[\w+=,.@-]{1,64}$/;

export function validateDeviceName(field: string, value: string): string {
  const name = value.trim();
  if (name.length === 0) throw invalid(field, 'Enter a name for the device.');
  if (!DEVICE_NAME.test(name))
    throw invalid(field, 'The device name may contain only letters, digits and + = , . @ _ - (at most 64, no spaces).');
  return name;
}

/** `arn:aws:iam::<account>:mfa/<path without its leading slash><name>`. */
export function virtualSerial(accountId: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:mfa${path}${name}`;
}

/** The device with this ID in the account, or null. */
export async function findMfaDevice(deps: Deps, accountId: string, id: string): Promise<MfaDevice | null> {
  return findDevice(deps.db, accountId, id);
}

/** A principal's MFA devices, enabled or not. */
export async function listMfaDevices(deps: Deps, principalId: string): Promise<MfaDevice[]> {
  return listDevicesOf(deps.db, principalId);
}

export function deviceTypeLabel(device: Pick<MfaDevice, 'kind'>): string {
  return device.kind === 'totp' ? 'authenticator app' : 'security key or passkey';
}

function noSuchDevice(serial: string): GatehouseError {
  return new GatehouseError('NoSuchEntity', `MFA Device with serial number ${serial} does not exist.`);
}

/**
 * A new virtual MFA device, unassigned until enabled with two consecutive codes. The
 * secret is returned here once and stored only sealed. `pendingFor` marks a console
 * enrolment, so an abandoned one is replaced rather than left behind.
 */
export async function createVirtualDevice(
  deps: Deps,
  accountId: string,
  input: { name: string; path?: string; pendingFor?: string },
  actor: Actor,
  meta: RequestMeta,
): Promise<{ device: MfaDevice; secret: string }> {
  const name = validateDeviceName('name', input.name);
  const path = validatePath('path', input.path ?? '/');
  const serial = virtualSerial(accountId, path, name);
  const secret = newTotpSecret();
  const id = newRowId(deps.clock.now());
  const now = deps.clock.now().toISOString();
  const device: MfaDevice = {
    id,
    accountId,
    principalId: null,
    pendingFor: input.pendingFor ?? null,
    serial,
    kind: 'totp',
    name,
    path,
    totpSecretSealed: sealTotpSecret(deps.keyring, id, secret),
    totpLastStep: null,
    totpOffset: 0,
    webauthnCredentialId: null,
    webauthnPublicKey: null,
    webauthnCounter: null,
    webauthnTransports: [],
    createdAt: now,
    enabledAt: null,
    lastUsedAt: null,
  };
  try {
    await deps.db.transaction().execute(async (tx) => {
      if (input.pendingFor) await deletePendingEnrolments(tx, input.pendingFor);
      if (await findDeviceBySerial(tx, serial))
        throw new GatehouseError('EntityAlreadyExists', 'MFA device already exists.', { field: 'name' });
      await insertDevice(tx, device);
      await recordAudit(tx, deps, meta, {
        accountId,
        actor,
        eventName: 'CreateVirtualMFADevice',
        target: { id: serial, name },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new GatehouseError('EntityAlreadyExists', 'MFA device already exists.', { field: 'name' });
    throw error;
  }
  return { device, secret };
}

const ENROLMENT_ENDED = 'This MFA enrolment has ended. Start again from Security credentials.';

/** The authenticator app `principal` started adding in the console; NoSuchEntity once that enrolment has ended. */
export async function findPendingEnrolment(deps: Deps, principal: Principal, deviceId: string): Promise<MfaDevice> {
  const device = await findDevice(deps.db, principal.accountId, deviceId);
  if (!device || device.pendingFor !== principal.id) throw new GatehouseError('NoSuchEntity', ENROLMENT_ENDED);
  return device;
}

/** The pending app and its secret, shown again (as text and QR code) until two codes enable it. */
export async function openPendingEnrolment(
  deps: Deps,
  principal: Principal,
  deviceId: string,
): Promise<{ device: MfaDevice; secret: string }> {
  const device = await findPendingEnrolment(deps, principal, deviceId);
  if (device.enabledAt || !device.totpSecretSealed) throw new GatehouseError('NoSuchEntity', ENROLMENT_ENDED);
  const secret = openTotpSecret(deps.keyring, device.id, device.totpSecretSealed);
  if (!secret) throw new GatehouseError('InternalError', 'The MFA secret cannot be read.');
  return { device, secret };
}

function readCodes(code1: string, code2: string): [string, string] {
  const a = code1.trim();
  const b = code2.trim();
  if (!isCodeShape(a)) throw invalid('code1', 'Enter the six-digit code your authenticator app shows.');
  if (!isCodeShape(b)) throw invalid('code2', 'Wait for the next code and enter it as the second code (six digits).');
  return [a, b];
}

function openSecret(deps: Deps, device: MfaDevice): string {
  const secret = device.totpSecretSealed ? openTotpSecret(deps.keyring, device.id, device.totpSecretSealed) : null;
  if (!secret)
    throw new GatehouseError(
      'InternalError',
      `The secret of MFA device ${device.serial} cannot be read with this SECRET_KEY.`,
    );
  return secret;
}

/**
 * Enables a virtual device for `owner` with two consecutive codes, as AWS: the second
 * code must be for now or one step either side, the first for the step before it.
 */
export async function enableVirtualDevice(
  deps: Deps,
  owner: Principal,
  serial: string,
  code1: string,
  code2: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<MfaDevice> {
  const [a, b] = readCodes(code1, code2);
  const device = await findDeviceBySerial(deps.db, serial);
  if (!device || device.accountId !== owner.accountId || device.kind !== 'totp') throw noSuchDevice(serial);
  if (device.enabledAt) throw new GatehouseError('EntityAlreadyExists', 'MFA Device is already in use.');
  const step = consecutiveSteps(openSecret(deps, device), a, b, stepAt(deps.clock.now()), SIGN_IN_WINDOW);
  if (step === null)
    throw new GatehouseError('InvalidAuthenticationCode', 'Authentication code for device is not valid.', {
      field: 'code1',
    });
  const now = deps.clock.now().toISOString();
  return deps.db.transaction().execute(async (tx) => {
    const fresh = await findDevice(tx, owner.accountId, device.id);
    if (!fresh || fresh.enabledAt) throw new GatehouseError('EntityAlreadyExists', 'MFA Device is already in use.');
    if ((await countDevicesOf(tx, owner.id)) >= MAX_DEVICES_PER_PRINCIPAL) {
      throw new GatehouseError(
        'LimitExceeded',
        `Cannot exceed quota for MFADevicesPerUser: ${MAX_DEVICES_PER_PRINCIPAL}`,
      );
    }
    await enableDevice(tx, device.id, owner.id, now, step + 1);
    await deps.invalidations.record(tx, { topic: 'principal', key: owner.id });
    await recordAudit(tx, deps, meta, {
      accountId: owner.accountId,
      actor,
      eventName: 'EnableMFADevice',
      target: { id: owner.id, name: owner.name },
      details: { serialNumber: serial, type: 'totp' },
    });
    await notifyMfaChange(tx, deps, meta, owner.accountId, owner.id, {
      kind: 'device-added',
      deviceName: device.name,
      deviceType: 'authenticator app',
    });
    return { ...fresh, principalId: owner.id, pendingFor: null, enabledAt: now, totpLastStep: step + 1 };
  });
}

/**
 * Resync: two consecutive codes found within ±5 minutes teach Gatehouse how far the
 * device's clock is off. Wrong codes count towards the principal's code throttle.
 */
export async function resyncVirtualDevice(
  deps: Deps,
  owner: Principal,
  serial: string,
  code1: string,
  code2: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  const [a, b] = readCodes(code1, code2);
  const device = await findDeviceBySerial(deps.db, serial);
  if (!device || device.principalId !== owner.id || device.kind !== 'totp') throw noSuchDevice(serial);
  const nowStep = stepAt(deps.clock.now());
  const paused = !(await spendCodeTry(deps.db, deps, owner.id));
  const step = paused ? null : consecutiveSteps(openSecret(deps, device), a, b, nowStep, RESYNC_WINDOW);
  const fresh = step !== null && (device.totpLastStep === null || step > device.totpLastStep);
  await deps.db.transaction().execute(async (tx) => {
    if (fresh) {
      await setTotpSync(tx, device.id, step! + 1, step! + 1 - nowStep);
      await resetCodeFailures(tx, owner.id);
    }
    await recordAudit(tx, deps, meta, {
      accountId: owner.accountId,
      actor,
      eventName: 'ResyncMFADevice',
      outcome: fresh ? 'Success' : 'Failure',
      ...(fresh ? {} : { reason: paused ? 'MfaThrottled' : 'WrongCode' }),
      target: { id: owner.id, name: owner.name },
      details: { serialNumber: serial },
    });
  });
  if (!fresh)
    throw new GatehouseError('InvalidAuthenticationCode', 'Authentication code for device is not valid.', {
      field: 'code1',
    });
}

/**
 * Checks a sign-in (or GetSessionToken) code against one of the principal's virtual
 * devices. Each time step is accepted once: a code for the last accepted step or an
 * earlier one is refused, so a code seen over someone's shoulder cannot be replayed.
 * Returns false for every kind of failure; the reason goes to `onFailure` for the audit.
 */
export async function verifyTotpCode(
  deps: Deps,
  principalId: string,
  device: MfaDevice,
  code: string,
): Promise<{ ok: true } | { ok: false; reason: 'MfaThrottled' | 'WrongCode' | 'ReplayedCode' }> {
  const trimmed = code.trim();
  // The try is spent before the compare, so parallel guesses cannot outrun the pause.
  if (!(await spendCodeTry(deps.db, deps, principalId))) return { ok: false, reason: 'MfaThrottled' };
  const now = deps.clock.now();
  const steps = isCodeShape(trimmed)
    ? matchingSteps(openSecret(deps, device), trimmed, stepAt(now) + device.totpOffset, SIGN_IN_WINDOW)
    : [];
  const step = steps.find((s) => device.totpLastStep === null || s > device.totpLastStep);
  const accepted =
    step !== undefined &&
    (await deps.db.transaction().execute(async (tx) => {
      if (!(await acceptTotpStep(tx, device.id, step, now.toISOString()))) return false;
      await resetCodeFailures(tx, principalId);
      return true;
    }));
  if (accepted) return { ok: true };
  return { ok: false, reason: steps.length > 0 ? 'ReplayedCode' : 'WrongCode' };
}

/**
 * Takes a device away from its principal: a virtual device stays as an unassigned entity
 * (AWS keeps it until DeleteVirtualMFADevice), a security key is removed outright.
 */
export async function deactivateDevice(
  deps: Deps,
  owner: Principal,
  serialOrId: { serial: string } | { id: string },
  actor: Actor,
  meta: RequestMeta,
): Promise<MfaDevice> {
  return deps.db.transaction().execute(async (tx) => {
    const device =
      'serial' in serialOrId
        ? await findDeviceBySerial(tx, serialOrId.serial)
        : await findDevice(tx, owner.accountId, serialOrId.id);
    const shown = 'serial' in serialOrId ? serialOrId.serial : serialOrId.id;
    if (!device || device.accountId !== owner.accountId || device.principalId !== owner.id || !device.enabledAt)
      throw noSuchDevice(shown);
    if (device.kind === 'totp') await unassignDevice(tx, device.id);
    else await deleteDeviceRow(tx, device.id);
    await deps.invalidations.record(tx, { topic: 'principal', key: owner.id });
    // With no device left, what an "ask my administrator" about a lost device asked for is done.
    if (!(await hasEnabledDevice(tx, owner.id)))
      await resolveHelpRequestsOfUser(tx, owner.id, 'mfa', deps.clock.now().toISOString(), actor.name ?? actor.type);
    await recordAudit(tx, deps, meta, {
      accountId: owner.accountId,
      actor,
      eventName: 'DeactivateMFADevice',
      target: { id: owner.id, name: owner.name },
      details: { serialNumber: device.serial, type: device.kind },
    });
    await notifyMfaChange(tx, deps, meta, owner.accountId, owner.id, {
      kind: 'device-removed',
      deviceName: device.name,
      deviceType: deviceTypeLabel(device),
      byName: actor.id === owner.id ? 'you' : `${actor.name ?? 'an administrator'}`,
    });
    return device;
  });
}

/** Deletes an unassigned virtual device; one still in use must be deactivated first. */
export async function deleteVirtualDevice(
  deps: Deps,
  accountId: string,
  serial: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const device = await findDeviceBySerial(tx, serial);
    if (!device || device.accountId !== accountId || device.kind !== 'totp') throw noSuchDevice(serial);
    if (device.enabledAt) throw new GatehouseError('DeleteConflict', 'MFA device is still in use.');
    await deleteDeviceRow(tx, device.id);
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: 'DeleteVirtualMFADevice',
      target: { id: serial, name: device.name },
    });
  });
}
