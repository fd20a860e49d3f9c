import { securityCheckField } from '../security-check/security-check.pages.ts';
import { html } from '../shared/html.ts';
import { alertBox, csrfField, field, page } from '../web/layout.ts';

export type CaseErrors = Partial<Record<'contactEmail' | 'accountRef' | 'description', string>>;

export function supportPage(
  csrf: string,
  errors: CaseErrors = {},
  values: Partial<Record<keyof CaseErrors, string>> = {},
): string {
  return page({
    title: 'Contact support',
    body: html`<section class="card narrow">
  <h1>Contact support</h1>
  <p>Cannot sign in, and the <a href="/signin/help">help page</a> and the <a href="/signin/help/diagnose">sign-in report</a> did not solve it? Open a case. Support answers by email.</p>
  <p class="muted">Support can never tell you a password, change one, or say anything about an account. What they can do is send the normal password-reset email to the address on file.</p>
  <form method="post" action="/support" novalidate>
    ${csrfField(csrf)}
    ${field({ label: 'Your email address', name: 'contactEmail', type: 'email', autocomplete: 'email', value: values.contactEmail, error: errors.contactEmail })}
    ${field({ label: 'Account ID or alias, if you know it', name: 'accountRef', required: false, value: values.accountRef, error: errors.accountRef })}
    <div class="field${errors.description ? ' has-error' : ''}">
      <label for="f-description">What happens when you try to sign in?</label>
      ${errors.description ? html`<p class="error" id="f-description-error">${errors.description}</p>` : ''}
      <textarea id="f-description" name="description" rows="6" maxlength="4000" required>${values.description ?? ''}</textarea>
      <p class="hint">Never write a password or code here.</p>
    </div>
    ${securityCheckField()}
    <button type="submit">Open a case</button>
  </form>
</section>`,
  });
}

export function caseOpenedPage(caseId: string): string {
  return page({
    title: 'Case received',
    body: html`<section class="card narrow">
  <h1>Case received</h1>
  ${alertBox('Thank you. Support will answer at the email address you gave.', 'success')}
  <p>Your case number is <strong class="case-id">${caseId}</strong>. Keep it: support will ask for it if you write again.</p>
  <p class="links"><a href="/signin?choose=1">Back to sign-in</a></p>
</section>`,
  });
}
