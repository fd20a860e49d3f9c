import type { Principal } from '../identities/principal.ts';
import { mayUse } from '../authz/console-access.ts';
import type { ConsoleCaller } from '../authz/console-authorization.ts';
import type { Deps } from '../deps.ts';
import { type SafeHtml, html } from '../shared/html.ts';
import { alertBox } from '../web/layout.ts';
import { ACT_ON_MFA_HELP, MFA_ACCESS, suggestedDeviceName } from './mfa-access.ts';
import { type MfaForms, adminMfaSection, mfaSection } from './mfa.pages.ts';
import { listDevicesOf } from './mfa.repository.ts';
import { recoveryCodeStatus } from './recovery-codes.service.ts';
import { findPhoneVerification, findRecoveryWaitHours, findRootPhone } from './mfa-recovery.repository.ts';
import { rootRecoverySection } from './mfa-recovery.pages.ts';
import { currentRecovery } from './mfa-recovery.service.ts';
import { mfaHelpRequestsNotice } from './mfa-help-request.pages.ts';
import { pendingMfaHelpRequests } from './mfa-help-request.service.ts';

/** Notices the Security credentials page shows after an MFA change (`?done=`). */
export const MFA_NOTICES: Record<string, string> = {
  'mfa-added': 'The MFA device was added. You will be asked for it (or another device) when you sign in.',
  'mfa-removed': 'The MFA device was removed.',
  'mfa-resynced': 'The authenticator app was resynced.',
  'mfa-deactivated': "The user's MFA device was deactivated.",
  'mfa-help-resolved': "The user's MFA devices were deactivated; the user can sign in with the password and add a new one.",
  'mfa-help-dismissed': 'The request was dismissed.',
  'phone-code-sent': 'We sent a code to the new phone number. Enter it below to confirm the number.',
  'phone-confirmed': 'The account phone number was confirmed.',
  'recovery-wait-saved': 'The waiting period was saved.',
  'recovery-cancelled': 'The sign-in without MFA was cancelled.',
};

/** Which of the MFA forms the signed-in principal may use, decided as their handlers decide. */
async function mfaForms(deps: Deps, who: ConsoleCaller): Promise<MfaForms> {
  const [create, enable, resync, remove] = await Promise.all([
    mayUse(deps, who, MFA_ACCESS.createAuthenticator),
    mayUse(deps, who, MFA_ACCESS.enable),
    mayUse(deps, who, MFA_ACCESS.resync),
    mayUse(deps, who, MFA_ACCESS.deactivate),
  ]);
  // An app added but never enabled is no use: offer the Add form only when both steps are allowed.
  return { addAuthenticator: create && enable, enable, resync, remove, suggestedName: suggestedDeviceName(who.principal) };
}

/** The MFA card of the Security credentials page, with its data loaded. */
export async function mfaCredentialsSection(deps: Deps, who: ConsoleCaller, csrf: string): Promise<SafeHtml> {
  const { principal } = who;
  const [devices, codes, may] = await Promise.all([listDevicesOf(deps.db, principal.id), recoveryCodeStatus(deps.db, principal.id), mfaForms(deps, who)]);
  const section = mfaSection(csrf, principal, devices, codes, deps.clock.now(), may);
  if (principal.type !== 'root') return section;
  const [phone, pending, waitHours, open] = await Promise.all([
    findRootPhone(deps.db, principal.accountId),
    findPhoneVerification(deps.db, principal.accountId),
    findRecoveryWaitHours(deps.db, principal.accountId),
    currentRecovery(deps, principal.accountId),
  ]);
  return html`${section}${rootRecoverySection(csrf, {
    phone: phone?.phone ?? null,
    phoneVerified: phone?.verified ?? false,
    pendingPhone: pending?.phone ?? null,
    waitHours,
    openRecoveryId: open?.id ?? null,
  })}`;
}

/** The console front page's nudge for a root user without MFA. */
/** `mfaEnabled`: whether the principal has an enabled device (the signed-in request already knows). */
export async function mfaNudge(deps: Deps, principal: Principal, mfaEnabled: boolean): Promise<SafeHtml> {
  if (principal.type !== 'root') return html``;
  const open = await currentRecovery(deps, principal.accountId);
  if (open) {
    return alertBox('Someone is signing in as the root user without an MFA device. If this is not you, cancel it on the Security credentials page now.', 'warning');
  }
  if (mfaEnabled) return html``;
  return html`${alertBox('The root user has no MFA device. Add one on the Security credentials page so a stolen password alone cannot take over the account.', 'warning')}
<p><a class="button" href="/console/security-credentials#mfa">Add MFA</a></p>`;
}

/** The MFA card of an administrator's view of a user; `mayDeactivate`: whether to offer Deactivate. */
export async function adminUserMfaSection(deps: Deps, userId: string, userName: string, csrf: string, mayDeactivate: boolean): Promise<SafeHtml> {
  return adminMfaSection(csrf, userName, await listDevicesOf(deps.db, userId), deps.clock.now(), mayDeactivate);
}

/**
 * The open "lost my MFA device" requests of the viewer's account, each with its buttons only
 * when the viewer may use them: the decision the routes make, with this request's context.
 */
export async function mfaHelpRequestsSection(deps: Deps, viewer: ConsoleCaller, csrf: string): Promise<SafeHtml> {
  const requests = await pendingMfaHelpRequests(deps, viewer.principal.accountId);
  const views = await Promise.all(
    requests.map(async (r) => ({ ...r, mayAct: await mayUse(deps, viewer, ACT_ON_MFA_HELP, { params: { id: r.id }, body: {} }) })),
  );
  return mfaHelpRequestsNotice(views, csrf, deps.clock.now());
}
