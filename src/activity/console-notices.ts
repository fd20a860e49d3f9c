import type { Principal } from '../accounts/principal.ts';
import { consoleMay } from '../policies/console-authorization.ts';
import { type SafeHtml, html } from '../shared/html.ts';
import type { Deps } from '../shared/deps.ts';
import { adminNoticesCard, failedSinceNotice } from './activity.pages.ts';
import { adminNotices, failedSinceLastSignIn } from './activity.service.ts';

/** What the console home shows after sign-in: failures since the last sign-in, and administrators' notices. */
export async function consoleActivityNotices(deps: Deps, principal: Principal, csrf: string): Promise<SafeHtml> {
  const failed = await failedSinceLastSignIn(deps, principal);
  const notices = (await consoleMay(deps, principal, 'iam:ListUsers', '*')) ? await adminNotices(deps, principal.accountId) : [];
  return html`${failedSinceNotice(failed, csrf, deps.clock.now())}${adminNoticesCard(notices)}`;
}
