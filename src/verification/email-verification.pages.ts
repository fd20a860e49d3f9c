import type { Principal } from '../identities/principal.ts';
import { type SafeHtml, html } from '../shared/html.ts';

/** The Security credentials card for the root user's sign-in address. */
export function rootEmailCard(principal: Principal): SafeHtml {
  if (principal.type !== 'root') return html``;
  return html`<section class="card">
  <h2>Email address</h2>
  <p>You sign in with <strong>${principal.email}</strong>; notices about the account go there.</p>
  <p><a href="/console/email">Change the email address</a></p>
</section>`;
}
