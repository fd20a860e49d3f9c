import { type SafeHtml, html } from '../shared/html.ts';
import { csrfField, relativeTime } from '../web/layout.ts';
import type { MfaHelpRequestView } from './mfa-console.service.ts';

/** The Users page and console home notice: IAM users who asked an administrator to deactivate a lost MFA device. */
export function mfaHelpRequestsNotice(requests: MfaHelpRequestView[], csrf: string, now: Date): SafeHtml {
  if (requests.length === 0) return html``;
  return html`<section class="card alert-warning" aria-labelledby="mfa-help-requests">
  <h2 id="mfa-help-requests">Asked for MFA help</h2>
  <p>These users signed in with their password and said their MFA devices are lost or broken. If you know a request is genuine, deactivate the user's MFA devices: the user then signs in with the password and adds a new device. If you do not recognise it, dismiss it and consider resetting the user's password.</p>
  <ul>${requests.map(
    (
      r,
    ) => html`<li><a href="/console/users/${encodeURIComponent(r.userName)}">${r.userName}</a>, ${relativeTime(r.createdAt, now)}${r.sourceIp ? ` from ${r.sourceIp}` : ''}
      ${
        r.mayAct
          ? html`<form method="post" action="/console/users/mfa-help-requests/${r.id}/resolve" class="inline">${csrfField(csrf)}<button type="submit" class="danger">Deactivate MFA devices</button></form>
      <form method="post" action="/console/users/mfa-help-requests/${r.id}/dismiss" class="inline">${csrfField(csrf)}<button type="submit" class="link">Dismiss</button></form>`
          : html`<span class="muted">(acting on it needs iam:DeactivateMFADevice on this user)</span>`
      }</li>`,
  )}</ul>
</section>`;
}
