import { html } from '../shared/html.ts';
import { formatAccountId } from '../shared/validation.ts';
import { alertBox, csrfField, field, page } from '../web/layout.ts';
import type { Principal } from '../identities/principal.ts';

export function accountAliasPage(options: {
  principal: Principal;
  csrf: string;
  origin: string;
  alias: string | null;
  value?: string | undefined;
  error?: string | undefined;
  notice?: string | undefined;
  /** Which forms to show: each is the decision its handler makes. */
  mayCreate: boolean;
  mayDelete: boolean;
}): string {
  const { principal, alias, origin } = options;
  const signinRef = alias ?? principal.accountId;
  return page({
    title: 'Account alias',
    principal,
    csrf: options.csrf,
    body: html`<h1>Account alias</h1>
${alertBox(options.notice, 'success')}
<section class="card">
  <dl class="facts">
    <dt>Account ID</dt><dd>${formatAccountId(principal.accountId)}</dd>
    <dt>Account alias</dt><dd>${alias ?? 'None'}</dd>
    <dt>IAM users sign in at</dt><dd><a href="/signin/${signinRef}">${origin}/signin/${signinRef}</a></dd>
  </dl>
  <p class="muted">An alias is a friendlier name than the account ID for the IAM user sign-in page. An account has at most one; a new alias replaces the old one, and the old sign-in address stops working.</p>
</section>
${
  options.mayCreate
    ? html`<section class="card">
  <h2>${alias ? 'Change the alias' : 'Create an alias'}</h2>
  <form method="post" action="/console/account-alias" novalidate>
    ${csrfField(options.csrf)}
    ${field({ label: 'Alias', name: 'alias', value: options.value ?? alias ?? '', error: options.error, hint: '3 to 63 lowercase letters, digits and single hyphens; not a 12-digit number.' })}
    <button type="submit">Save alias</button>
  </form>
</section>`
    : ''
}
${
  alias && options.mayDelete
    ? html`<section class="card">
  <h2>Delete the alias</h2>
  <p>IAM users then sign in with the account ID.</p>
  <form method="post" action="/console/account-alias/delete">
    ${csrfField(options.csrf)}
    <input type="hidden" name="alias" value="${alias}">
    <button type="submit" class="danger">Delete alias ${alias}</button>
  </form>
</section>`
    : ''
}`,
  });
}
