import { html } from '../shared/html.ts';
import { alertBox, csrfField, field, page } from '../web/layout.ts';

type SignupValues = { email?: string; name?: string };
type SignupErrors = Partial<Record<'email' | 'name' | 'password' | 'confirm' | 'form', string>>;

export function signupPage(csrf: string, values: SignupValues = {}, errors: SignupErrors = {}): string {
  return page({
    title: 'Create an account',
    body: html`<section class="card narrow">
  <h1>Create an account</h1>
  ${alertBox(errors.form)}
  <form method="post" action="/signup" novalidate>
    ${csrfField(csrf)}
    ${field({ label: 'Root user email address', name: 'email', type: 'email', autocomplete: 'email', value: values.email, error: errors.email, hint: 'You will sign in with this address as the root user, the owner of the account.' })}
    ${field({ label: 'Account name', name: 'name', autocomplete: 'organization', value: values.name, error: errors.name })}
    ${field({ label: 'Password', name: 'password', type: 'password', autocomplete: 'new-password', error: errors.password, hint: 'At least 8 characters; a long passphrase is best. Not your email or account name.' })}
    ${field({ label: 'Confirm password', name: 'confirm', type: 'password', autocomplete: 'new-password', error: errors.confirm })}
    <button type="submit">Create account</button>
  </form>
  <p class="links"><a href="/signin">Already have an account? Sign in</a></p>
</section>`,
  });
}

/** The one answer to a sign-up, for a new address and for one that already has an account. */
export function checkYourEmailPage(accountName: string): string {
  return page({
    title: 'Check your email',
    body: html`<section class="card narrow">
  <h1>Check your email</h1>
  ${alertBox(`We sent a message to the address you entered about the account ${accountName}.`, 'success')}
  <p>If the address is new to Gatehouse, your account is ready: the message gives its account ID and a link to confirm your address. If the address already had an account, the message says how to sign in to it instead.</p>
  <p>Sign in as the root user with your email address and password.</p>
  <p><a class="button" href="/signin?choose=1">Sign in</a></p>
</section>`,
  });
}
