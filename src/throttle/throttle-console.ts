import type { FastifyInstance } from 'fastify';
import { actorOf } from '../identities/principal.ts';
import { permission } from '../authz/console-access.ts';
import { userInUrl } from '../authz/console-resources.ts';
import type { Deps } from '../deps.ts';
import { type SafeHtml, html } from '../shared/html.ts';
import { getUser } from '../users/user.service.ts';
import { signedInOf } from '../web/guard.ts';
import { csrfField, relativeTime } from '../web/layout.ts';
import { metaOf } from '../web/request-meta.ts';
import type { WebContext } from '../web/web-context.ts';
import { networkOf } from '../guard/network.ts';
import { recentSignInFailures } from './throttle.repository.ts';
import { unlockUserByAdministrator, userIdentifier } from './unlock.service.ts';

/** What the Users page says after an administrator lifted a stop. */
export const UNLOCK_NOTICE = { 'sign-in-unlocked': 'Sign-in was unlocked for the user. The password is unchanged.' };

/** Lifting a stop on a user's sign-in: what resetting its password would take (iam:UpdateLoginProfile). */
export const UNLOCK_SIGN_IN = permission({ action: 'iam:UpdateLoginProfile', resource: userInUrl() });

/**
 * The user page's sign-in panel for administrators: consecutive failures, whether sign-in
 * is backing off or stopped (and until when), and the networks recent failures came from.
 * `mayUnlock`: whether to offer the Unlock button (UNLOCK_SIGN_IN decided for the user).
 */
export async function adminUserSignInSection(
  deps: Deps,
  accountId: string,
  user: { id: string; name: string },
  csrf: string,
  mayUnlock: boolean,
): Promise<SafeHtml> {
  const now = deps.clock.now();
  const state = await deps.guard.throttle.state({ identifier: userIdentifier(accountId, user.name), deviceId: null }, 'password', now);
  const failures = await recentSignInFailures(deps.db, accountId, user.id, 20);
  const networks = [...new Set(failures.map((f) => (f.sourceIp ? networkOf(f.sourceIp) : 'unknown')))];
  const status = state.stopped
    ? `Stopped after ${state.failures} failures in a row, until unlocked`
    : state.waitUntil
      ? `Backing off after ${state.failures} failures in a row: locked until ${state.waitUntil.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}`
      : state.failures > 0
        ? `${state.failures} failed ${state.failures === 1 ? 'attempt' : 'attempts'} in a row; not locked`
        : 'No failed attempts since the last successful sign-in';
  return html`<section class="card" aria-labelledby="signin-activity">
  <h2 id="signin-activity">Sign-in attempts</h2>
  <p>${status}.</p>
  <p class="muted">Browsers where the user signed in before keep their own allowance and are not blocked by failures elsewhere.</p>
  ${failures.length === 0
    ? html`<p class="muted">No recent failed sign-ins.</p>`
    : html`<p>Recent failures came from: ${networks.join(', ')}.</p>
  <ul>${failures.slice(0, 10).map((f) => html`<li>${relativeTime(f.time, now)}${f.sourceIp ? ` from ${f.sourceIp}` : ''}${f.reason ? ` (${f.reason})` : ''}</li>`)}</ul>`}
  ${state.failures > 0 && mayUnlock
    ? html`<form method="post" action="/console/users/${encodeURIComponent(user.name)}/unlock-sign-in">
    ${csrfField(csrf)}
    <button type="submit">Unlock sign-in</button>
  </form>`
    : ''}
</section>`;
}

/** `POST /console/users/:name/unlock-sign-in`: the root user or an administrator clears the user's failures. */
export async function throttleConsoleRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  app.post<{ Params: { name: string } }>('/console/users/:name/unlock-sign-in', { config: { access: UNLOCK_SIGN_IN } }, async (request, reply) => {
    const who = signedInOf(request);
    const user = await getUser(web.deps, who.principal.accountId, request.params.name);
    await unlockUserByAdministrator(web.deps, who.principal.accountId, user, actorOf(who.principal), metaOf(request));
    return reply.redirect(`/console/users/${encodeURIComponent(user.name)}?done=sign-in-unlocked`, 303);
  });
}
