import type { Principal } from '../identities/principal.ts';
import { type SafeHtml, html } from '../shared/html.ts';
import { alertBox } from '../web/layout.ts';
import type { MfaCredentials, MfaNudge } from './mfa-console.service.ts';
import { rootRecoverySection } from './mfa-recovery.pages.ts';
import { mfaSection } from './mfa.pages.ts';

/** Notices the Security credentials page shows after an MFA change (`?done=`). */
export const MFA_NOTICES: Record<string, string> = {
  'mfa-added': 'The MFA device was added. You will be asked for it (or another device) when you sign in.',
  'mfa-removed': 'The MFA device was removed.',
  'mfa-resynced': 'The authenticator app was resynced.',
  'mfa-deactivated': "The user's MFA device was deactivated.",
  'mfa-help-resolved':
    "The user's MFA devices were deactivated; the user can sign in with the password and add a new one.",
  'mfa-help-dismissed': 'The request was dismissed.',
  'phone-code-sent': 'We sent a code to the new phone number. Enter it below to confirm the number.',
  'phone-confirmed': 'The account phone number was confirmed.',
  'recovery-wait-saved': 'The waiting period was saved.',
  'recovery-cancelled': 'The sign-in without MFA was cancelled.',
};

/** The MFA card of the Security credentials page, and for the root user its alternative factors. */
export function mfaCredentialsSection(
  credentials: MfaCredentials,
  principal: Principal,
  csrf: string,
  now: Date,
): SafeHtml {
  const section = mfaSection(csrf, principal, credentials.devices, credentials.codes, now, credentials.forms);
  if (!credentials.rootRecovery) return section;
  return html`${section}${rootRecoverySection(csrf, credentials.rootRecovery)}`;
}

/** The console front page's nudge for a root user without MFA, or its warning of a sign-in without MFA. */
export function mfaNudge(nudge: MfaNudge): SafeHtml {
  if (nudge === 'recovery-open') {
    return alertBox(
      'Someone is signing in as the root user without an MFA device. If this is not you, cancel it on the Security credentials page now.',
      'warning',
    );
  }
  if (nudge === null) return html``;
  return html`${alertBox('The root user has no MFA device. Add one on the Security credentials page so a stolen password alone cannot take over the account.', 'warning')}
<p><a class="button" href="/console/security-credentials#mfa">Add MFA</a></p>`;
}
