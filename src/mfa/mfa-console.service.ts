import { mayUse } from '../authz/console-access.ts';
import type { ConsoleCaller } from '../authz/console-authorization.ts';
import type { Deps } from '../deps.ts';
import type { Principal } from '../identities/principal.ts';
import { ACT_ON_MFA_HELP, MFA_ACCESS, suggestedDeviceName } from './mfa-access.ts';
import type { HelpRequestRecord } from '../recovery/help-request.repository.ts';
import { pendingMfaHelpRequests } from './mfa-help-request.service.ts';
import { findPhoneVerification, findRecoveryWaitHours, findRootPhone } from './mfa-recovery.repository.ts';
import { currentRecovery } from './mfa-recovery.service.ts';
import { type MfaDevice, listDevicesOf } from './mfa.repository.ts';
import { recoveryCodeStatus } from './recovery-codes.service.ts';

/**
 * What the console's MFA cards show, loaded here so the pages only render: the devices, the
 * forms the viewer may use (each decided as its handler decides), the root user's
 * alternative factors, and the open "lost my MFA device" requests.
 */

/** Which MFA forms the signed-in principal may use: each is the decision its handler makes. */
export interface MfaForms {
  addAuthenticator: boolean;
  /** Registering a security key, and creating recovery codes (iam:EnableMFADevice). */
  enable: boolean;
  resync: boolean;
  remove: boolean;
  /** The name the Add form suggests. */
  suggestedName: string;
}

/** The root user's alternative factors: the account phone and the waiting period of a sign-in without MFA. */
export interface RootRecoveryView {
  phone: string | null;
  phoneVerified: boolean;
  pendingPhone: string | null;
  waitHours: number;
  /** A sign-in without MFA under way, which the root user may cancel. */
  openRecoveryId: string | null;
}

/** The MFA card of the Security credentials page. */
export interface MfaCredentials {
  devices: MfaDevice[];
  codes: { total: number; unused: number };
  forms: MfaForms;
  /** For the root user only. */
  rootRecovery: RootRecoveryView | null;
}

/** What the console front page says about MFA: a sign-in without MFA under way, or a root user without a device. */
export type MfaNudge = 'recovery-open' | 'no-device' | null;

/** A request, and whether the viewer may act on it (and so sees its buttons). */
export type MfaHelpRequestView = HelpRequestRecord & { mayAct: boolean };

async function mfaForms(deps: Deps, who: ConsoleCaller): Promise<MfaForms> {
  const [create, enable, resync, remove] = await Promise.all([
    mayUse(deps, who, MFA_ACCESS.createAuthenticator),
    mayUse(deps, who, MFA_ACCESS.enable),
    mayUse(deps, who, MFA_ACCESS.resync),
    mayUse(deps, who, MFA_ACCESS.deactivate),
  ]);
  // An app added but never enabled is no use: offer the Add form only when both steps are allowed.
  return {
    addAuthenticator: create && enable,
    enable,
    resync,
    remove,
    suggestedName: suggestedDeviceName(who.principal),
  };
}

export async function loadMfaCredentials(deps: Deps, who: ConsoleCaller): Promise<MfaCredentials> {
  const { principal } = who;
  const [devices, codes, forms] = await Promise.all([
    listDevicesOf(deps.db, principal.id),
    recoveryCodeStatus(deps.db, principal.id),
    mfaForms(deps, who),
  ]);
  if (principal.type !== 'root') return { devices, codes, forms, rootRecovery: null };
  const [phone, pending, waitHours, open] = await Promise.all([
    findRootPhone(deps.db, principal.accountId),
    findPhoneVerification(deps.db, principal.accountId),
    findRecoveryWaitHours(deps.db, principal.accountId),
    currentRecovery(deps, principal.accountId),
  ]);
  const rootRecovery = {
    phone: phone?.phone ?? null,
    phoneVerified: phone?.verified ?? false,
    pendingPhone: pending?.phone ?? null,
    waitHours,
    openRecoveryId: open?.id ?? null,
  };
  return { devices, codes, forms, rootRecovery };
}

/** `mfaEnabled`: whether the principal has an enabled device (the signed-in request already knows). */
export async function loadMfaNudge(deps: Deps, principal: Principal, mfaEnabled: boolean): Promise<MfaNudge> {
  if (principal.type !== 'root') return null;
  if (await currentRecovery(deps, principal.accountId)) return 'recovery-open';
  return mfaEnabled ? null : 'no-device';
}

/**
 * The open "lost my MFA device" requests of the viewer's account, each with whether the viewer
 * may act on it: the decision the routes make, with this request's context.
 */
export async function loadMfaHelpRequests(deps: Deps, viewer: ConsoleCaller): Promise<MfaHelpRequestView[]> {
  const requests = await pendingMfaHelpRequests(deps, viewer.principal.accountId);
  return Promise.all(
    requests.map(async (r) => ({
      ...r,
      mayAct: await mayUse(deps, viewer, ACT_ON_MFA_HELP, { params: { id: r.id }, body: {} }),
    })),
  );
}
