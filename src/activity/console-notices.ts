import type { Principal } from '../accounts/principal.ts';
import { mfaHelpRequestsSection } from '../mfa/mfa-console.ts';
import { consoleMay } from '../policies/console-authorization.ts';
import { type SafeHtml, html } from '../shared/html.ts';
import type { Deps } from '../shared/deps.ts';
import { adminNoticesCard, failedSinceNotice } from './activity.pages.ts';
import { adminNotices, failedSinceLastSignIn } from './activity.service.ts';

/**
 * What the console home shows after sign-in: failures since the last sign-in, and for those
 * who see the account's users, administrators' notices and users' open requests for MFA help.
 */
export async function consoleActivityNotices(deps: Deps, principal: Principal, csrf: string): Promise<SafeHtml> {
  const failed = await failedSinceLastSignIn(deps, principal);
  const administers = await consoleMay(deps, principal, 'iam:ListUsers', '*');
  const notices = administers ? await adminNotices(deps, principal.accountId) : [];
  const mfaHelp = administers ? await mfaHelpRequestsSection(deps, principal, csrf) : html``;
  return html`${failedSinceNotice(failed, csrf, deps.clock.now())}${mfaHelp}${adminNoticesCard(notices)}`;
}
