import type { HelpRequestRecord } from './help-request.repository.ts';
import { type SafeHtml, html } from '../shared/html.ts';
import { csrfField, relativeTime } from '../web/layout.ts';

/**
 * The Users page notice: IAM users who asked an administrator for a new password.
 * `mayDismiss`: the requests the signed-in principal may dismiss (the others show no button).
 */
export function helpRequestsNotice(
  requests: HelpRequestRecord[],
  csrf: string,
  now: Date,
  mayDismiss: ReadonlySet<string>,
): SafeHtml {
  if (requests.length === 0) return html``;
  return html`<section class="card alert-warning" aria-labelledby="help-requests">
  <h2 id="help-requests">Asked for a password reset</h2>
  <p>These users said they forgot their password. If you know the request is genuine, set a new password (and require a change at next sign-in); that closes the request.</p>
  <ul>${requests.map(
    (
      r,
    ) => html`<li><a href="/console/users/${encodeURIComponent(r.userName)}">${r.userName}</a>, ${relativeTime(r.createdAt, now)}${r.sourceIp ? ` from ${r.sourceIp}` : ''}
      ${mayDismiss.has(r.id) ? html`<form method="post" action="/console/users/help-requests/${r.id}/dismiss" class="inline">${csrfField(csrf)}<button type="submit" class="link">Dismiss</button></form>` : ''}</li>`,
  )}</ul>
</section>`;
}
