import { type SafeHtml, html } from '../shared/html.ts';
import { formatAccountId } from '../shared/validation.ts';
import { alertBox, csrfField, field, page } from '../web/layout.ts';
import type { RiskLevel } from '../guard/throttle.ts';
import { CHECK_MESSAGES, type CheckProblem } from '../guard/security-check.ts';

/**
 * The security check inside a form: the widget (served by Gatehouse, solved by the
 * browser without any puzzle to look at or listen to), what it is, and what to do
 * without JavaScript. The widget puts its answer in the form's `altcha` field.
 */
export function securityCheckField(problem?: CheckProblem | null, level: RiskLevel = 1): SafeHtml {
  return html`<fieldset class="security-check" aria-describedby="security-check-about">
  <legend>Security check</legend>
  ${problem ? alertBox(CHECK_MESSAGES[problem]) : ''}
  <p id="security-check-about" class="muted">Your browser does a few seconds of work to show this is not an automated guessing program. There is nothing to read, type or listen to; it starts by itself.</p>
  <link rel="stylesheet" href="/static/altcha/altcha.css">
  <altcha-widget challenge="/security-check/challenge${level > 1 ? `?level=${level}` : ''}" name="altcha" auto="onload" configuration='{"hideFooter":true,"hideLogo":true}'></altcha-widget>
  <noscript><p class="alert alert-warning">The security check needs JavaScript. Everything else on this page works without it; turn JavaScript on for this site to send the form, or <a href="/signin/help#security-check">see other ways to get help</a>.</p></noscript>
  <p class="links"><a href="/signin/help#security-check">Trouble with the security check?</a></p>
</fieldset>
<script type="module" src="/static/security-check.js"></script>`;
}

/** Root sign-in again, with the security check, after risk rose. */
export function rootCheckPage(csrf: string, email: string, problem: CheckProblem, level: RiskLevel): string {
  return page({
    title: 'Root user sign-in',
    body: html`<section class="card narrow">
  <h1>Root user sign-in</h1>
  <p class="alert alert-warning" role="status">Your attempt was not checked yet: nothing you typed was compared. Let the security check below finish, then press <strong>Sign in</strong> again.</p>
  <form method="post" action="/signin/root/password" novalidate>
    ${csrfField(csrf)}
    <input type="hidden" name="email" value="${email}">
    <p>Email: <strong>${email}</strong></p>
    ${field({ label: 'Password', name: 'password', type: 'password', autocomplete: 'current-password', autofocus: true })}
    ${securityCheckField(problem, level)}
    <button type="submit">Sign in</button>
  </form>
  <p class="links"><a href="/signin/forgot?email=${encodeURIComponent(email)}">Forgot password?</a> · <a href="/signin/help">I can't sign in</a></p>
</section>`,
  });
}

/** IAM user sign-in again, with the security check, after risk rose. */
export function iamCheckPage(
  csrf: string,
  accountRef: string,
  userName: string,
  problem: CheckProblem,
  level: RiskLevel,
): string {
  const shown = /^\d{12}$/.test(accountRef) ? formatAccountId(accountRef) : accountRef;
  return page({
    title: 'IAM user sign-in',
    body: html`<section class="card narrow">
  <h1>IAM user sign-in</h1>
  <p class="alert alert-warning" role="status">Your attempt was not checked yet: nothing you typed was compared. Let the security check below finish, then press <strong>Sign in</strong> again.</p>
  <p>Account: <strong>${shown}</strong></p>
  <form method="post" action="/signin/${accountRef}" novalidate>
    ${csrfField(csrf)}
    ${field({ label: 'User name', name: 'userName', autocomplete: 'username', value: userName })}
    ${field({ label: 'Password', name: 'password', type: 'password', autocomplete: 'current-password', autofocus: true })}
    ${securityCheckField(problem, level)}
    <button type="submit">Sign in</button>
  </form>
  <p class="links"><a href="/signin/forgot?account=${accountRef}">Forgot password?</a> · <a href="/signin/help">I can't sign in</a></p>
</section>`,
  });
}

/** Troubleshooting for the help page. */
export function securityCheckHelp(): SafeHtml {
  return html`<h2 id="security-check">4. The security check does not finish</h2>
  <p>Some forms ask your browser to do a short piece of work first (a proof of work). There is no picture to read and no sound to hear; it runs by itself and usually takes a few seconds.</p>
  <ul>
    <li>It needs JavaScript. Turn it on for this site, or try another browser. The rest of each page works without it.</li>
    <li>"The security check expired": a check works once, within 10 minutes. The page already holds a fresh one; send the form again.</li>
    <li>It takes long on an old phone or a busy computer: wait a little, close other tabs, or use another device.</li>
    <li>Extensions that block scripts or workers can stop it: allow this site, or use a private window without them.</li>
    <li>Still stuck? Ask your administrator (IAM users), or use "Forgot password?" from another device or network.</li>
  </ul>`;
}
