import { securityCheckField } from '../security-check/security-check.pages.ts';
import { html } from '../shared/html.ts';
import { alertBox, csrfField, field, page } from '../web/layout.ts';

export type DiagnoseErrors = Partial<Record<'email' | 'account' | 'userName', string>>;

export function diagnosePage(
  csrf: string,
  errors: DiagnoseErrors = {},
  values: { email?: string; account?: string; userName?: string } = {},
): string {
  return page({
    title: "Why can't I sign in?",
    body: html`<h1>Why can't I sign in?</h1>
<p>Tell us what you tried. We look at the recorded sign-in attempts and any changes to the credentials, and send the answer — with the fix — to the owner's address on file. Nothing about the account is shown on this page.</p>
<div class="choices">
  <section class="card">
    <h2>I signed in with an email address</h2>
    <p class="muted">The root user. The report goes to the root email.</p>
    <form method="post" action="/signin/help/diagnose" novalidate>
      ${csrfField(csrf)}
      ${field({ label: 'Root user email address', name: 'email', type: 'email', autocomplete: 'username', value: values.email, error: errors.email })}
      ${securityCheckField()}
      <button type="submit">Send me a report</button>
    </form>
  </section>
  <section class="card">
    <h2>I signed in with a user name</h2>
    <p class="muted">An IAM user. The report goes to your verified contact email, or else to your account's administrators.</p>
    <form method="post" action="/signin/help/diagnose" novalidate>
      ${csrfField(csrf)}
      ${field({ label: 'Account ID (12 digits) or account alias', name: 'account', autocomplete: 'organization', value: values.account, error: errors.account })}
      ${field({ label: 'User name', name: 'userName', autocomplete: 'username', value: values.userName, error: errors.userName })}
      ${securityCheckField()}
      <button type="submit">Send a report</button>
    </form>
  </section>
</div>
<p class="links"><a href="/signin/help">Back to help</a> · <a href="/support">Contact support</a></p>`,
  });
}

/** The one answer, whatever was entered and whatever the record shows. */
export function diagnosisRequestedPage(): string {
  return page({
    title: 'Report requested',
    body: html`<section class="card narrow">
  <h1>Report requested</h1>
  ${alertBox('If what you entered belongs to an account, a report on why sign-in failed is on its way to the owner’s address on file.', 'success')}
  <p>It names the cause and the one step that fixes it. It can take a minute to arrive; check spam too. For privacy we never say here whether an account exists.</p>
  <p>Nothing arrives? You may have the wrong email or account. <a href="/signin/find-account">Find which accounts use an email address</a>, or <a href="/support">contact support</a>.</p>
  <p class="links"><a href="/signin?choose=1">Back to sign-in</a></p>
</section>`,
  });
}
