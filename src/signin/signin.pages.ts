import { type SafeHtml, html } from '../shared/html.ts';
import { referenceNote } from '../support/reference-note.ts';
import { formatAccountId } from '../shared/validation.ts';
import { alertBox, csrfField, field, page } from '../web/layout.ts';

/** The one message every failed sign-in shows, whatever went wrong. */
export const SIGN_IN_FAILED = 'Your sign-in details are incorrect. Check them and try again.';

export function chooseUserTypePage(csrf: string, errors: { account?: string; email?: string } = {}): string {
  return page({
    title: 'Sign in',
    body: html`<h1>Sign in</h1>
<div class="choices">
  <section class="card">
    <h2>Root user</h2>
    <p class="muted">The account owner: the email address the account was created with.</p>
    <form method="post" action="/signin/root" novalidate>
      ${csrfField(csrf)}
      ${field({ label: 'Root user email address', name: 'email', type: 'email', autocomplete: 'username', error: errors.email })}
      <button type="submit">Next</button>
    </form>
  </section>
  <section class="card">
    <h2>IAM user</h2>
    <p class="muted">A user created inside an account by its administrators.</p>
    <form method="post" action="/signin/account" novalidate>
      ${csrfField(csrf)}
      ${field({ label: 'Account ID (12 digits) or account alias', name: 'account', autocomplete: 'organization', error: errors.account })}
      <button type="submit">Next</button>
    </form>
  </section>
</div>
<p class="links"><a href="/signup">Create a new account</a> · <a href="/signin/help">I can't sign in</a></p>`,
  });
}

/**
 * The root user's password step. After a failed attempt it comes back with the one failure
 * message, the attempt's support reference and the email as typed (never the password): the
 * same page whether or not the email belongs to an account.
 */
export function rootPasswordPage(csrf: string, email: string, failure?: { reference: string }): string {
  return page({
    title: 'Root user sign-in',
    body: html`<section class="card narrow">
  <h1>Root user sign-in</h1>
  ${failure ? alertBox(SIGN_IN_FAILED) : ''}
  ${failure ? referenceNote(failure.reference) : ''}
  <form method="post" action="/signin/root/password" novalidate>
    ${csrfField(csrf)}
    <input type="hidden" name="email" value="${email}">
    <p>Email: <strong>${email}</strong></p>
    ${field({ label: 'Password', name: 'password', type: 'password', autocomplete: 'current-password', autofocus: true })}
    <button type="submit">Sign in</button>
  </form>
  <div class="links">
    <p><a href="/signin/forgot?email=${encodeURIComponent(email)}">Forgot password?</a></p>
    <p><a href="/signin?choose=1">Sign in with a different email or as an IAM user</a></p>
  </div>
  ${failure ? troubleLinks() : ''}
</section>`,
  });
}

export function iamSignInPage(
  csrf: string,
  accountRef: string,
  userName: string,
  failed: boolean,
  reference = '',
): string {
  const shown = /^\d{12}$/.test(accountRef) ? formatAccountId(accountRef) : accountRef;
  return page({
    title: 'IAM user sign-in',
    body: html`<section class="card narrow">
  <h1>IAM user sign-in</h1>
  ${failed ? alertBox(SIGN_IN_FAILED) : ''}
  ${failed ? referenceNote(reference) : ''}
  <p>Account: <strong>${shown}</strong></p>
  <form method="post" action="/signin/${accountRef}" novalidate>
    ${csrfField(csrf)}
    ${field({ label: 'User name', name: 'userName', autocomplete: 'username', value: userName, autofocus: !userName })}
    ${field({ label: 'Password', name: 'password', type: 'password', autocomplete: 'current-password', autofocus: !!userName })}
    <button type="submit">Sign in</button>
  </form>
  <div class="links">
    <p><a href="/signin/forgot?account=${accountRef}">Forgot password?</a></p>
    <p><a href="/signin?choose=1">Sign in to a different account</a></p>
    <p><a href="/signin?choose=1">Sign in using root user email</a></p>
  </div>
  ${failed ? troubleLinks() : ''}
</section>`,
  });
}

function troubleLinks(): SafeHtml {
  return html`<p class="links"><a href="/signin/help">Why can't I sign in?</a></p>`;
}
