import { type SafeHtml, html } from '../shared/html.ts';
import { arnText, breadcrumbs, copyScript, copyable, timeAgo } from '../web/fragments.ts';
import { alertBox, checkbox, csrfField, field, page } from '../web/layout.ts';
import type { ConsolePrincipal } from '../web/web-context.ts';
import type { ClientPageView, ClientsListView } from './oidc-client-console.service.ts';
import type { ProviderUrls } from './oidc-issuer.ts';
import {
  CHOSEN_SCOPES,
  type ClientFormErrors,
  type ClientFormValues,
  formValuesOfClient,
  scopeField,
} from './oidc-client-form.ts';
import { MAX_CLIENT_URIS, type ClientSummary } from './oidc-client.service.ts';
import { SIGN_IN_TO_CLIENT } from './oidc-account.service.ts';

/**
 * The console's Applications pages: the OpenID Connect clients of the account, a client's
 * page (its settings, who may sign in, the issuer), the form that registers one, and the page
 * that shows a secret its one time. Each takes what its route loaded; none reads anything.
 */

interface Frame {
  principal: ConsolePrincipal;
  csrf: string;
}

export const clientHref = (clientId: string) => `/console/applications/${encodeURIComponent(clientId)}`;

/** The breadcrumb back to the list, first on every page under it. */
export const LIST_CRUMBS = [{ href: '/console/applications', label: 'Applications' }];

export const CLIENT_NOTICES = {
  deleted: 'The application was deleted: nobody can sign in to it any more, and its tokens stop working.',
  updated: 'The application’s settings were saved. They apply from its next sign-in.',
} as const satisfies Record<string, string>;

/** What each scope lets an application read, for the people who choose them. */
const SCOPE_MEANING: Record<string, string> = {
  openid: 'Who signed in: sub, account_id, account_alias, acr, amr, auth_time. Always allowed.',
  offline_access: 'Stay signed in while the person is away (refresh tokens are issued without it too).',
  profile: 'The user name: name, preferred_username.',
  email: 'The root email or an IAM user’s contact email: email, email_verified.',
  groups: 'The IAM user’s group names: groups.',
};

const kindOf = (c: ClientSummary) =>
  c.public ? 'Public (no secret, PKCE required)' : 'Confidential (secret, client_secret_basic)';

export function clientsListPage(frame: Frame & { view: ClientsListView; now: Date; notice?: string | undefined }) {
  const { view, now } = frame;
  return page({
    title: 'Applications',
    principal: frame.principal,
    csrf: frame.csrf,
    body: html`<h1>Applications</h1>
${alertBox(frame.notice, 'success')}
<section class="card" aria-labelledby="clients-heading">
  <h2 id="clients-heading">Applications that sign people in with this account</h2>
  <p class="muted">Each is an OpenID Connect client: it sends people to Gatehouse to sign in and gets back an ID token. Who may sign in to it is decided by ${SIGN_IN_TO_CLIENT} on its ARN.</p>
  ${view.mayCreate ? html`<p><a class="button" href="/console/applications/new">Register application</a></p>` : ''}
  ${
    view.clients.length === 0
      ? html`<p class="muted">No applications yet.</p>`
      : html`<div class="table-scroll"><table>
    <caption class="visually-hidden">Applications</caption>
    <thead><tr><th scope="col">Name</th><th scope="col">Client ID</th><th scope="col">Type</th><th scope="col">First-party</th><th scope="col">Created</th></tr></thead>
    <tbody>${view.clients.map(
      (c) =>
        html`<tr><td><a href="${clientHref(c.clientId)}">${c.name}</a></td><td><code>${c.clientId}</code></td><td>${c.public ? 'Public' : 'Confidential'}</td><td>${c.firstParty ? 'Yes' : 'No'}</td><td>${timeAgo(c.createdAt, now)}</td></tr>`,
    )}</tbody>
  </table></div>`
  }
</section>`,
  });
}

function uriListField(o: {
  name: 'redirectUris' | 'postLogoutRedirectUris';
  label: string;
  hint: string;
  value: string;
  error?: string | undefined;
}): SafeHtml {
  const id = `f-${o.name}`;
  const described = `${id}-hint${o.error ? ` ${id}-error` : ''}`;
  return html`<div class="field${o.error ? ' has-error' : ''}">
    <label for="${id}">${o.label}</label>
    <p class="hint" id="${id}-hint">${o.hint}</p>
    ${o.error ? html`<p class="error" id="${id}-error">${o.error}</p>` : ''}
    <textarea id="${id}" name="${o.name}" rows="3" spellcheck="false" autocapitalize="none" autocomplete="off" aria-describedby="${described}"${o.error ? html` aria-invalid="true"` : ''}>${o.value}</textarea>
  </div>`;
}

const URI_RULE = `One per line, at most ${MAX_CLIENT_URIS}: absolute https URLs without a fragment (#…); plain http only for localhost, 127.0.0.1 or [::1].`;

/** The settings both forms share: name, URIs, scopes, first-party. */
function settingsFields(values: ClientFormValues, errors: ClientFormErrors, autofocus: boolean): SafeHtml {
  const scopesError = errors.allowedScopes;
  return html`${field({ label: 'Name', name: 'name', value: values.name, error: errors.name, hint: 'Shown to people when they sign in, 1 to 128 characters.', autofocus })}
    ${uriListField({ name: 'redirectUris', label: 'Redirect URIs', hint: `Where Gatehouse may send the browser back with a code: exactly the redirect_uri the application sends. ${URI_RULE}`, value: values.redirectUris, error: errors.redirectUris })}
    ${uriListField({ name: 'postLogoutRedirectUris', label: 'Post-logout redirect URIs (optional)', hint: `Where the browser may go after signing out (post_logout_redirect_uri). ${URI_RULE}`, value: values.postLogoutRedirectUris, error: errors.postLogoutRedirectUris })}
    <fieldset class="choices-list${scopesError ? ' has-error' : ''}">
      <legend>Allowed scopes</legend>
      <p class="hint">A request for a scope not ticked here is refused (invalid_scope).</p>
      ${scopesError ? html`<p class="error" id="f-allowedScopes-error">${scopesError}</p>` : ''}
      <div class="field checkbox"><input id="f-scope_openid" type="checkbox" checked disabled><label for="f-scope_openid">openid</label><p class="hint">${SCOPE_MEANING.openid}</p></div>
      ${CHOSEN_SCOPES.map((s) => checkbox({ label: s, name: scopeField(s), checked: values.scopes.includes(s), hint: SCOPE_MEANING[s] ?? '' }))}
    </fieldset>
    ${checkbox({ label: 'First-party application', name: 'firstParty', checked: values.firstParty, hint: 'The account vouches for it: people are not asked to consent to what it reads.' })}`;
}

export function newClientPage(frame: Frame & { values: ClientFormValues; errors: ClientFormErrors }): string {
  const { values, errors } = frame;
  const refused = Object.keys(errors).length > 0;
  return page({
    title: 'Register application',
    principal: frame.principal,
    csrf: frame.csrf,
    body: html`${breadcrumbs(LIST_CRUMBS)}
<h1>Register application</h1>
<section class="card">
  ${alertBox(refused ? (errors.form ?? 'Some settings need correcting: see the fields below.') : undefined)}
  <form method="post" action="/console/applications" novalidate>
    ${csrfField(frame.csrf)}
    ${settingsFields(values, errors, !refused || errors.name !== undefined)}
    ${checkbox({ label: 'Public client (no secret)', name: 'public', checked: values.public, hint: 'For a browser or native app that cannot keep a secret: it must use PKCE. A confidential client gets a secret, shown once on the next page.' })}
    <button type="submit">Register application</button>
    <a href="/console/applications" class="cancel">Cancel</a>
  </form>
</section>`,
  });
}

/** The ID and (for a confidential client) the secret, this once; then where the application finds Gatehouse. */
export function clientSecretPage(
  frame: Frame & { client: ClientSummary; secret: string | null; urls: ProviderUrls; rotated: boolean },
): string {
  const { client, secret } = frame;
  const title = frame.rotated ? 'New client secret' : 'Application registered';
  return page({
    title,
    principal: frame.principal,
    csrf: frame.csrf,
    body: html`${breadcrumbs(LIST_CRUMBS)}
<h1>${title}</h1>
${secret ? alertBox(`This is the only time the client secret can be seen. Copy it into ${client.name}'s settings now; if it is lost, rotate it for a new one.${frame.rotated ? ' The old secret no longer works.' : ''}`, 'warning') : ''}
<section class="card" aria-labelledby="credentials-heading">
  <h2 id="credentials-heading">${client.name}</h2>
  <dl class="facts details">
    <dt>Client ID</dt><dd>${copyable({ value: client.clientId, label: 'client ID' })}</dd>
    ${secret ? html`<dt>Client secret</dt><dd>${copyable({ value: secret, label: 'client secret' })}</dd>` : html`<dt>Client secret</dt><dd>None: a public client uses PKCE.</dd>`}
    <dt>Issuer</dt><dd>${copyable({ value: frame.urls.issuer, label: 'issuer' })}</dd>
  </dl>
</section>
<p><a class="button" href="${clientHref(client.clientId)}">Go to ${client.name}</a></p>
${copyScript()}`,
  });
}

/** The policy statement that lets people sign in to the client. */
function signInPolicy(arn: string): string {
  return JSON.stringify(
    { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: SIGN_IN_TO_CLIENT, Resource: arn }] },
    null,
    2,
  );
}

export function clientPage(
  frame: Frame & {
    view: ClientPageView;
    urls: ProviderUrls;
    now: Date;
    /** The edit form as typed, when it comes back with errors. */
    values?: ClientFormValues;
    errors?: ClientFormErrors;
    notice?: string | undefined;
  },
): string {
  const { view, now, urls } = frame;
  const { client } = view;
  const errors = frame.errors ?? {};
  const base = clientHref(client.clientId);
  const list = (uris: string[]) =>
    uris.length === 0
      ? html`<span class="muted">None</span>`
      : html`${uris.map((u, i) => html`${i > 0 ? html`<br>` : ''}<code>${u}</code>`)}`;
  return page({
    title: `Application ${client.name}`,
    principal: frame.principal,
    csrf: frame.csrf,
    body: html`${breadcrumbs(LIST_CRUMBS)}
<h1>Application ${client.name}</h1>
${alertBox(frame.notice, 'success')}
<section class="card" aria-labelledby="summary-heading">
  <h2 id="summary-heading">Summary</h2>
  <dl class="facts">
    <dt>Client ID</dt><dd>${copyable({ value: client.clientId, label: 'client ID' })}</dd>
    <dt>Type</dt><dd>${kindOf(client)}</dd>
    <dt>First-party</dt><dd>${client.firstParty ? 'Yes: consent is not asked' : 'No: people are asked once what it may read'}</dd>
    <dt>Redirect URIs</dt><dd>${list(client.redirectUris)}</dd>
    <dt>Post-logout redirect URIs</dt><dd>${list(client.postLogoutRedirectUris)}</dd>
    <dt>Allowed scopes</dt><dd>${client.allowedScopes.join(' ')}</dd>
    <dt>ARN</dt><dd>${arnText(client.arn)}</dd>
    <dt>Created</dt><dd>${timeAgo(client.createdAt, now)}</dd>
    ${client.public ? '' : html`<dt>Secret rotated</dt><dd>${client.secretRotatedAt ? timeAgo(client.secretRotatedAt, now) : html`<span class="muted">Never</span>`}</dd>`}
  </dl>
</section>
<section class="card" aria-labelledby="provider-heading">
  <h2 id="provider-heading">Settings for the application</h2>
  <dl class="facts">
    <dt>Issuer</dt><dd>${copyable({ value: urls.issuer, label: 'issuer' })}</dd>
    <dt>Discovery</dt><dd>${copyable({ value: urls.discovery, label: 'discovery URL' })}</dd>
  </dl>
</section>
<section class="card" aria-labelledby="who-heading">
  <h2 id="who-heading">Who may sign in</h2>
  <p>People of this account whose policies allow <code>${SIGN_IN_TO_CLIENT}</code> on the application's ARN; the root user always may. Attach a policy like this one to the users or groups who use it:</p>
  ${copyable({ value: signInPolicy(client.arn), label: 'policy', block: true })}
</section>
${view.mayUpdate ? editCard(frame.csrf, base, frame.values ?? formValuesOfClient(client), errors) : ''}
${
  view.mayRotateSecret
    ? html`<section class="card" aria-labelledby="secret-heading">
  <h2 id="secret-heading">Client secret</h2>
  <p>A new secret is shown once; the old one stops working at once, so the application must be given the new one.</p>
  <p><a class="button secondary" href="${base}/rotate-secret">Rotate secret</a></p>
</section>`
    : ''
}
${
  view.mayDelete
    ? html`<section class="card" aria-labelledby="delete-heading">
  <h2 id="delete-heading">Delete application</h2>
  <p>Nobody can sign in to it any more, and its tokens stop working.</p>
  <p><a class="button danger" href="${base}/delete">Delete ${client.name}</a></p>
</section>`
    : ''
}
${copyScript()}`,
  });
}

function editCard(csrf: string, base: string, values: ClientFormValues, errors: ClientFormErrors): SafeHtml {
  const refused = Object.keys(errors).length > 0;
  return html`<section class="card" id="settings" aria-labelledby="settings-heading">
  <h2 id="settings-heading">Edit settings</h2>
  ${alertBox(refused ? (errors.form ?? 'Some settings need correcting: see the fields below.') : undefined)}
  <form method="post" action="${base}/settings" novalidate>
    ${csrfField(csrf)}
    ${settingsFields(values, errors, false)}
    <button type="submit">Save settings</button>
  </form>
</section>`;
}
