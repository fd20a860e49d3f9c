import { type ConsoleCaller, consoleMay } from '../authz/console-authorization.ts';
import { mfaHelpRequestsSection } from '../mfa/mfa-console.ts';
import { type SafeHtml, html } from '../shared/html.ts';
import type { Deps } from '../deps.ts';
import { adminNoticesCard, failedSinceNotice } from './activity.pages.ts';
import { adminNotices, failedSinceLastSignIn } from './activity.service.ts';

/**
 * What the console home shows after sign-in: failures since the last sign-in, and for those
 * who see the account's users, administrators' notices and users' open requests for MFA help.
 */
export async function consoleActivityNotices(deps: Deps, who: ConsoleCaller, csrf: string): Promise<SafeHtml> {
  const { principal } = who;
  const failed = await failedSinceLastSignIn(deps, principal);
  const administers = await consoleMay(deps, who, 'iam:ListUsers', '*');
  const notices = administers ? await adminNotices(deps, principal.accountId) : [];
  const mfaHelp = administers ? await mfaHelpRequestsSection(deps, who, csrf) : html``;
  return html`${failedSinceNotice(failed, csrf, deps.clock.now())}${mfaHelp}${adminNoticesCard(notices)}`;
}
