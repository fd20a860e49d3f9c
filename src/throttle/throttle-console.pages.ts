import { type SafeHtml, html } from '../shared/html.ts';
import { csrfField, relativeTime } from '../web/layout.ts';
import type { SignInActivity } from './sign-in-activity.service.ts';

/** What the Users page says after an administrator lifted a stop. */
export const UNLOCK_NOTICE = { 'sign-in-unlocked': 'Sign-in was unlocked for the user. The password is unchanged.' };

/**
 * The user page's sign-in panel for administrators: consecutive failures, whether sign-in
 * is backing off or stopped (and until when), and the networks recent failures came from.
 * `mayUnlock`: whether to offer the Unlock button (UNLOCK_SIGN_IN decided for the user).
 */
export function adminUserSignInSection(
  activity: SignInActivity,
  userName: string,
  csrf: string,
  mayUnlock: boolean,
  now: Date,
): SafeHtml {
  const { state, failures, networks } = activity;
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
  ${
    failures.length === 0
      ? html`<p class="muted">No recent failed sign-ins.</p>`
      : html`<p>Recent failures came from: ${networks.join(', ')}.</p>
  <ul>${failures.slice(0, 10).map((f) => html`<li>${relativeTime(f.time, now)}${f.sourceIp ? ` from ${f.sourceIp}` : ''}${f.reason ? ` (${f.reason})` : ''}</li>`)}</ul>`
  }
  ${
    state.failures > 0 && mayUnlock
      ? html`<form method="post" action="/console/users/${encodeURIComponent(userName)}/unlock-sign-in">
    ${csrfField(csrf)}
    <button type="submit">Unlock sign-in</button>
  </form>`
      : ''
  }
</section>`;
}
