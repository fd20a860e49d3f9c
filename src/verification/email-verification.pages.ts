import type { Principal } from '../identities/principal.ts';
import { GatehouseError } from '../shared/errors.ts';
import { type SafeHtml, html } from '../shared/html.ts';
import { alertBox, csrfField, field, page } from '../web/layout.ts';
import type { ConsolePrincipal } from '../web/web-context.ts';
import type { EmailLinkKind } from './email-verification.service.ts';

/** The Security credentials card for the root user's sign-in address. */
export function rootEmailCard(principal: Principal): SafeHtml {
  if (principal.type !== 'root') return html``;
  return html`<section class="card">
  <h2>Email address</h2>
  <p>You sign in with <strong>${principal.email}</strong>; notices about the account go there.</p>
  <p><a href="/console/email">Change the email address</a></p>
</section>`;
}

type EmailChangeErrors = Partial<Record<'newEmail' | 'currentPassword' | 'form', string>>;

/** What an opened confirmation link shows: a button, so a mail scanner that follows the link confirms nothing. */
export function confirmEmailPage(csrf: string, token: string, link: { kind: EmailLinkKind; email: string }): string {
  const what =
    link.kind === 'change'
      ? 'Sign in as the root user with this address from now on:'
      : 'Confirm that this address is yours:';
  return page({
    title: 'Confirm your email address',
    body: html`<section class="card narrow">
  <h1>Confirm your email address</h1>
  <p>${what} <strong>${link.email}</strong></p>
  <form method="post" action="/verify-email">
    ${csrfField(csrf)}
    <input type="hidden" name="token" value="${token}">
    <button type="submit">Confirm</button>
  </form>
</section>`,
  });
}

export function emailConfirmedPage(confirmed: { kind: EmailLinkKind; email: string }): string {
  const message =
    confirmed.kind === 'change'
      ? `Your root user now signs in with ${confirmed.email}. We told your previous address.`
      : `Thank you: ${confirmed.email} is confirmed.`;
  return page({
    title: 'Email address confirmed',
    body: html`<section class="card narrow"><h1>Email address confirmed</h1>${alertBox(message, 'success')}<p><a class="button" href="/signin?choose=1">Sign in</a></p></section>`,
  });
}

export function emailChangePage(
  principal: ConsolePrincipal,
  csrf: string,
  errors: EmailChangeErrors,
  done?: string,
  newEmail?: string,
): string {
  if (principal.type !== 'root') {
    throw new GatehouseError('AccessDenied', 'Only the root user can change the root user email address.');
  }
  return page({
    title: 'Root user email address',
    principal,
    csrf,
    body: html`<h1>Root user email address</h1>
${done ? alertBox('We sent a confirmation link to the new address, and told your current address. The change happens when the link is opened; it works for 24 hours.', 'success') : ''}
<section class="card">
  <p>You sign in with <strong>${principal.email}</strong>. Mail about the account goes there.</p>
  ${alertBox(errors.form)}
  <form method="post" action="/console/email" novalidate>
    ${csrfField(csrf)}
    ${field({ label: 'New email address', name: 'newEmail', type: 'email', autocomplete: 'email', value: newEmail, error: errors.newEmail })}
    ${field({ label: 'Current password', name: 'currentPassword', type: 'password', autocomplete: 'current-password', error: errors.currentPassword })}
    <button type="submit">Send confirmation link</button>
  </form>
  <p class="muted">Nothing changes until the new address confirms. If that address is already used by another account, no link is sent.</p>
</section>`,
  });
}
