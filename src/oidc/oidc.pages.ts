import { type SafeHtml, html, raw } from '../shared/html.ts';
import { csrfField, page } from '../web/layout.ts';

const SCOPE_TEXT: Record<string, string> = {
  openid: 'Who you are: your unique ID and your account',
  profile: 'Your user name',
  email: 'Your email address',
  groups: 'The IAM groups you belong to',
  offline_access: 'Stay signed in when you are away',
};

/** Asks, once per application, whether it may read what it asked for. */
export function consentPage(o: { csrf: string; action: string; clientName: string; who: string; scopes: string[] }) {
  const items: SafeHtml[] = o.scopes.map((s) => html`<li>${SCOPE_TEXT[s] ?? s}</li>`);
  return page({
    title: `Sign in to ${o.clientName}`,
    body: html`<h1>Sign in to ${o.clientName}?</h1>
<p>${o.clientName} asks to know, about ${o.who}:</p>
<ul>${items}</ul>
<form method="post" action="${o.action}">
  ${csrfField(o.csrf)}
  <button type="submit" name="decision" value="allow">Allow</button>
  <button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form>`,
  });
}

/**
 * The provider's "sign out?" question. `form` is the provider's own hidden form (its
 * anti-forgery token and the request), trusted markup from the library.
 */
export function logoutPage(form: string, clientName: string | undefined): string {
  return page({
    title: 'Sign out',
    body: html`<h1>Sign out${clientName ? html` of ${clientName}` : ''} and Gatehouse?</h1>
${raw(form)}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm" class="secondary">No, stay signed in</button>`,
  });
}

export function loggedOutPage(clientName: string | undefined): string {
  return page({
    title: 'Signed out',
    body: html`<h1>You are signed out</h1><p>You signed out${clientName ? html` of ${clientName}` : ''}.</p>`,
  });
}

export function oidcErrorPage(error: string, description: string | undefined): string {
  return page({
    title: 'Sign-in could not go on',
    body: html`<h1>Sign-in could not go on</h1>
<p>The application's sign-in request was refused: ${description ?? error}.</p>
<p><a href="/console">Go to the console</a></p>`,
  });
}

/**
 * The way back to the application. Not a redirect: a sign-in, MFA or consent form may have led
 * here through redirects, and browsers hold the whole chain to that form's CSP `form-action
 * 'self'`, which the application's address would break. A refresh is a navigation of its own.
 */
export function continuePage(to: string, clientName: string): string {
  return page({
    title: `Back to ${clientName}`,
    head: html`<meta http-equiv="refresh" content="0;url=${to}">`,
    body: html`<h1>Back to ${clientName}</h1><p><a href="${to}">Continue to ${clientName}</a></p>`,
  });
}
