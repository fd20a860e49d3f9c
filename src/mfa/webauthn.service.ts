import {
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  type VerifiedAuthenticationResponse,
  type VerifiedRegistrationResponse,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { Principal } from '../identities/principal.ts';
import { type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import { isUniqueViolation } from '../db/database.ts';
import { MINUTE } from '../shared/clock.ts';
import { GatehouseError, invalid } from '../shared/errors.ts';
import { newRowId } from '../shared/ids.ts';
import { notifyMfaChange } from './mfa-mail.ts';
import type { Deps } from '../deps.ts';
import { MAX_DEVICES_PER_PRINCIPAL, validateDeviceName } from './mfa.service.ts';
import {
  type MfaDevice,
  acceptWebauthnCounter,
  countDevicesOf,
  findDeviceByCredentialId,
  insertDevice,
  listDevicesOf,
  saveChallenge,
  takeChallenge,
} from './mfa.repository.ts';

const CHALLENGE_MS = 5 * MINUTE;

/** `arn:aws:iam::<account>:u2f/root/<name>-<id>` or `…:u2f/user/<user>/<name>-<id>`, the shape AWS gives FIDO keys. */
export function securityKeySerial(principal: Principal, name: string, id: string): string {
  const owner = principal.type === 'root' ? 'root' : `user/${principal.name}`;
  return `arn:aws:iam::${principal.accountId}:u2f/${owner}/${name}-${id.slice(-8)}`;
}

function parseJson<T>(field: string, text: string): T {
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === 'object') return value as T;
  } catch {
    // fall through
  }
  throw invalid(field, 'The security key answer was not readable. Try again.');
}

/**
 * Options for the browser to create a credential. The challenge is kept for the
 * session and answers once. User verification is preferred, not required, so plain
 * security keys without a PIN still work.
 */
export async function registrationOptions(
  deps: Deps,
  sessionId: string,
  principal: Principal,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const existing = await listDevicesOf(deps.db, principal.id);
  const options = await generateRegistrationOptions({
    rpName: deps.relyingParty.name,
    rpID: deps.relyingParty.id,
    userName:
      principal.type === 'root'
        ? `root@${principal.accountId}`
        : `${principal.name}@${principal.accountAlias ?? principal.accountId}`,
    userID: new TextEncoder().encode(principal.id),
    attestationType: 'none',
    excludeCredentials: existing
      .filter((d) => d.kind === 'webauthn' && d.webauthnCredentialId)
      .map((d) => ({ id: d.webauthnCredentialId!, transports: d.webauthnTransports })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
  });
  await saveChallenge(
    deps.db,
    sessionId,
    'register',
    options.challenge,
    new Date(deps.clock.now().getTime() + CHALLENGE_MS).toISOString(),
  );
  return options;
}

export async function finishRegistration(
  deps: Deps,
  sessionId: string,
  principal: Principal,
  nameInput: string,
  responseText: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<MfaDevice> {
  const name = validateDeviceName('name', nameInput);
  const response = parseJson<RegistrationResponseJSON>('credential', responseText);
  const challenge = await takeChallenge(deps.db, sessionId, 'register');
  const now = deps.clock.now();
  if (!challenge || challenge.expiresAt <= now.toISOString()) {
    throw invalid('credential', 'The security key request expired. Try again.');
  }
  let verification: VerifiedRegistrationResponse;
  try {
    verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge.challenge,
      expectedOrigin: deps.relyingParty.origin,
      expectedRPID: deps.relyingParty.id,
      requireUserVerification: false,
    });
  } catch {
    throw invalid('credential', 'The security key could not be registered. Try again.');
  }
  if (!verification.verified) throw invalid('credential', 'The security key could not be registered. Try again.');
  const { credential } = verification.registrationInfo;
  const id = newRowId(deps.clock.now());
  const device: MfaDevice = {
    id,
    accountId: principal.accountId,
    principalId: principal.id,
    pendingFor: null,
    serial: securityKeySerial(principal, name, id),
    kind: 'webauthn',
    name,
    path: '/',
    totpSecretSealed: null,
    totpLastStep: null,
    totpOffset: 0,
    webauthnCredentialId: credential.id,
    webauthnPublicKey: Buffer.from(credential.publicKey).toString('base64url'),
    webauthnCounter: credential.counter,
    webauthnTransports: credential.transports ?? [],
    createdAt: now.toISOString(),
    enabledAt: now.toISOString(),
    lastUsedAt: null,
  };
  try {
    await deps.db.transaction().execute(async (tx) => {
      if ((await countDevicesOf(tx, principal.id)) >= MAX_DEVICES_PER_PRINCIPAL) {
        throw new GatehouseError(
          'LimitExceeded',
          `You already have ${MAX_DEVICES_PER_PRINCIPAL} MFA devices. Remove one before adding another.`,
        );
      }
      await insertDevice(tx, device);
      await deps.invalidations.record(tx, { topic: 'principal', key: principal.id });
      await recordAudit(tx, deps, meta, {
        accountId: principal.accountId,
        actor,
        eventName: 'EnableMFADevice',
        target: { id: principal.id, name: principal.name },
        details: { serialNumber: device.serial, type: 'webauthn' },
      });
      await notifyMfaChange(tx, deps, meta, principal.accountId, principal.id, {
        kind: 'device-added',
        deviceName: name,
        deviceType: 'security key or passkey',
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw invalid('credential', 'This security key is already registered.');
    throw error;
  }
  return device;
}

/** Options asking the browser for an assertion from one of the principal's keys. */
export async function authenticationOptions(
  deps: Deps,
  sessionId: string,
  principalId: string,
): Promise<PublicKeyCredentialRequestOptionsJSON | null> {
  const keys = (await listDevicesOf(deps.db, principalId)).filter(
    (d) => d.kind === 'webauthn' && d.webauthnCredentialId,
  );
  if (keys.length === 0) return null;
  const options = await generateAuthenticationOptions({
    rpID: deps.relyingParty.id,
    allowCredentials: keys.map((d) => ({ id: d.webauthnCredentialId!, transports: d.webauthnTransports })),
    userVerification: 'preferred',
  });
  await saveChallenge(
    deps.db,
    sessionId,
    'authenticate',
    options.challenge,
    new Date(deps.clock.now().getTime() + CHALLENGE_MS).toISOString(),
  );
  return options;
}

/**
 * Checks an assertion against the session's challenge and the principal's key. The
 * signature counter must go up (when the key keeps one): a cloned key shows up as a
 * counter that went backwards and is refused.
 */
export async function verifyAssertion(
  deps: Deps,
  sessionId: string,
  principalId: string,
  responseText: string,
): Promise<{ ok: true; device: MfaDevice } | { ok: false; reason: string }> {
  let response: AuthenticationResponseJSON;
  try {
    response = parseJson<AuthenticationResponseJSON>('credential', responseText);
  } catch {
    return { ok: false, reason: 'MalformedAssertion' };
  }
  const challenge = await takeChallenge(deps.db, sessionId, 'authenticate');
  const now = deps.clock.now();
  if (!challenge || challenge.expiresAt <= now.toISOString()) return { ok: false, reason: 'ChallengeExpired' };
  const device = typeof response.id === 'string' ? await findDeviceByCredentialId(deps.db, response.id) : null;
  if (!device || device.principalId !== principalId || !device.enabledAt || !device.webauthnPublicKey)
    return { ok: false, reason: 'UnknownKey' };
  const oldCounter = device.webauthnCounter ?? 0;
  let verification: VerifiedAuthenticationResponse;
  try {
    verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge.challenge,
      expectedOrigin: deps.relyingParty.origin,
      expectedRPID: deps.relyingParty.id,
      credential: {
        id: device.webauthnCredentialId!,
        publicKey: new Uint8Array(Buffer.from(device.webauthnPublicKey, 'base64url')),
        counter: oldCounter,
        transports: device.webauthnTransports,
      },
      requireUserVerification: false,
    });
  } catch {
    return { ok: false, reason: 'BadAssertion' };
  }
  if (!verification.verified) return { ok: false, reason: 'BadAssertion' };
  const accepted = await acceptWebauthnCounter(
    deps.db,
    device.id,
    oldCounter,
    verification.authenticationInfo.newCounter,
    now.toISOString(),
  );
  if (!accepted) return { ok: false, reason: 'CounterRace' };
  return { ok: true, device };
}
