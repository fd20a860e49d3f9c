import { type ConsoleCaller, consoleMay } from '../authz/console-authorization.ts';
import { type SafeHtml, html } from '../shared/html.ts';
import type { Deps } from '../shared/deps.ts';
import { adminNoticesCard, failedSinceNotice } from './activity.pages.ts';
import { adminNotices, failedSinceLastSignIn } from './activity.service.ts';

/** What the console home shows after sign-in: failures since the last sign-in, and administrators' notices. */
export async function consoleActivityNotices(deps: Deps, who: ConsoleCaller, csrf: string): Promise<SafeHtml> {
  const { principal } = who;
  const failed = await failedSinceLastSignIn(deps, principal);
  const notices = (await consoleMay(deps, who, 'iam:ListUsers', '*')) ? await adminNotices(deps, principal.accountId) : [];
  return html`${failedSinceNotice(failed, csrf, deps.clock.now())}${adminNoticesCard(notices)}`;
}
