import type { Principal } from '../identities/principal.ts';
import { type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import { actorOf } from '../identities/principal.ts';
import { GatehouseError } from '../shared/errors.ts';
import { findDeviceBySerial } from './mfa.repository.ts';
import type { Deps } from '../deps.ts';
import { verifyTotpCode } from './mfa.service.ts';

/** AWS's answers for the MFA check of GetSessionToken and AssumeRole, word for word (two spaces included). */
export const UNKNOWN_MFA_SERIAL =
  'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.';
export const INVALID_MFA_CODE = 'MultiFactorAuthentication failed with invalid MFA one time pass code.';

/**
 * Checks the SerialNumber + TokenCode of GetSessionToken (or AssumeRole, `eventName`): the
 * serial must name a virtual device the caller holds (security keys cannot make codes), the
 * code must be current and unused. Returns when MFA was proved; records the failure and throws
 * AccessDenied with AWS's message otherwise.
 */
export async function proveMfaForSessionToken(
  deps: Deps,
  principal: Principal,
  serialNumber: string | undefined,
  tokenCode: string | undefined,
  meta: RequestMeta,
  eventName: 'GetSessionToken' | 'AssumeRole' = 'GetSessionToken',
): Promise<{ at: string; serialNumber: string }> {
  const device = serialNumber ? await findDeviceBySerial(deps.db, serialNumber) : null;
  const usable = device && device.kind === 'totp' && device.principalId === principal.id && device.enabledAt !== null;
  const result = usable && tokenCode !== undefined ? await verifyTotpCode(deps, principal.id, device, tokenCode) : null;
  if (!result?.ok) {
    const reason = !usable ? 'UnknownMfaDevice' : (result?.reason ?? 'MissingTokenCode');
    await deps.db.transaction().execute((tx) =>
      recordAudit(tx, deps, meta, {
        accountId: principal.accountId,
        actor: actorOf(principal),
        eventName,
        outcome: 'Failure',
        reason,
        target: { id: principal.id, name: principal.name },
        details: { serialNumber: serialNumber ?? null },
      }),
    );
    throw new GatehouseError('AccessDenied', usable && tokenCode !== undefined ? INVALID_MFA_CODE : UNKNOWN_MFA_SERIAL);
  }
  return { at: deps.clock.now().toISOString(), serialNumber: device!.serial };
}
