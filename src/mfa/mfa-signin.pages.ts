import { type SafeHtml, html } from '../shared/html.ts';
import { referenceNote } from '../support/reference-note.ts';
import { alertBox, csrfField, field, page } from '../web/layout.ts';
import type { MfaDevice } from './mfa.repository.ts';
import { deviceTypeLabel } from './mfa.service.ts';

/** The one message every failed second-factor attempt shows, whatever went wrong. */
export const MFA_FAILED = 'The code or security key could not be verified. Try again, or choose another device.';

export type MfaChoice = { kind: 'device'; device: MfaDevice } | { kind: 'recovery-code' };

/** The one failure message, whatever went wrong, with the attempt's support reference. */
function failureNote(reference: string | undefined): SafeHtml {
  return reference ? html`${alertBox(MFA_FAILED)}${referenceNote(reference)}` : html``;
}

function shell(body: SafeHtml): string {
  return page({
    title: 'Multi-factor authentication',
    body: html`<section class="card narrow">
  <h1>Multi-factor authentication</h1>
  ${body}
  <div class="links">
    <p><a href="/signin/mfa-help">Trouble signing in with MFA?</a></p>
    <p><a href="/signin?choose=1">Start over</a></p>
  </div>
</section>`,
  });
}

/** Several ways to sign in: the person picks one, as AWS asks for the device first. */
export function chooseFactorPage(devices: MfaDevice[], hasRecoveryCodes: boolean): string {
  return shell(html`<p>Choose the MFA device to sign in with.</p>
  <ul class="choices-list">
    ${devices.map((d) => html`<li><a href="/signin/mfa?device=${d.id}">${d.name}</a> <span class="muted">(${deviceTypeLabel(d)})</span></li>`)}
    ${hasRecoveryCodes ? html`<li><a href="/signin/mfa?device=recovery-code">Use a recovery code</a></li>` : ''}
  </ul>`);
}

export function totpStepPage(csrf: string, device: MfaDevice, several: boolean, failure?: string): string {
  return shell(html`${failureNote(failure)}
  <p>Enter the code from your authenticator app <strong>${device.name}</strong>.</p>
  <form method="post" action="/signin/mfa" novalidate>
    ${csrfField(csrf)}
    <input type="hidden" name="device" value="${device.id}">
    ${field({ label: 'MFA code', name: 'code', autocomplete: 'one-time-code', inputmode: 'numeric', autofocus: true })}
    <button type="submit">Submit</button>
  </form>
  ${several ? html`<p class="links"><a href="/signin/mfa?choose=1">Choose another MFA device</a></p>` : ''}`);
}

export function securityKeyStepPage(csrf: string, optionsJson: string, several: boolean, failure?: string): string {
  return shell(html`${failureNote(failure)}
  <p>Use your security key or passkey: select the button, then touch the key or confirm on your device.</p>
  <p id="webauthn-status" role="status" class="muted"></p>
  <form method="post" action="/signin/mfa/security-key" id="webauthn-authenticate" data-options="${optionsJson}" novalidate>
    ${csrfField(csrf)}
    <input type="hidden" name="credential" value="">
    <button type="submit">Use security key</button>
  </form>
  ${several ? html`<p class="links"><a href="/signin/mfa?choose=1">Choose another MFA device</a></p>` : ''}
  <script src="/static/simplewebauthn-browser.js"></script>
  <script src="/static/mfa-webauthn.js"></script>`);
}

export function recoveryCodeStepPage(csrf: string, failure?: string): string {
  return shell(html`${failureNote(failure)}
  <p>Enter one of the recovery codes you saved when you set up MFA. Each code works once.</p>
  <form method="post" action="/signin/mfa/recovery-code" novalidate>
    ${csrfField(csrf)}
    ${field({ label: 'Recovery code', name: 'code', autocomplete: 'off', autofocus: true })}
    <button type="submit">Submit</button>
  </form>
  <p class="links"><a href="/signin/mfa?choose=1">Choose another MFA device</a></p>`);
}

/** Lost or broken device: what each kind of user can do. */
export function mfaHelpPage(kind: 'root' | 'user' | 'unknown', csrf?: string, notice?: string): string {
  const root = html`<h2>Root user</h2>
  <p>If you have another MFA device or a recovery code, <a href="/signin/mfa?choose=1">sign in with it</a>, then remove the lost device on the Security credentials page and add a new one.</p>
  <p>If you have neither, sign in with the root email and password, then follow "Trouble signing in with MFA?" to <strong>sign in using alternative factors</strong>: you prove the root email address and the account's verified phone number. A password reset alone never removes MFA.</p>`;
  const user = html`<h2>IAM user</h2>
  <p>You cannot remove a lost MFA device yourself. Ask an administrator of your account to deactivate it on the Users page (or with DeactivateMFADevice); then sign in with your password and add a new device.</p>
  <p>If you still have another MFA device or a recovery code, <a href="/signin/mfa?choose=1">sign in with it</a> instead.</p>
  ${
    kind === 'user' && csrf
      ? html`${alertBox(notice, 'success')}<form method="post" action="/signin/mfa-help/ask-admin">${csrfField(csrf)}<button type="submit">Ask my administrator</button></form>`
      : ''
  }`;
  return page({
    title: 'Trouble signing in with MFA',
    body: html`<section class="card narrow">
  <h1>Trouble signing in with MFA?</h1>
  <p>If your authenticator app shows codes that are not accepted, check that your phone's clock is set automatically, then try the newest code.</p>
  ${kind !== 'user' ? root : ''}
  ${kind !== 'root' ? user : ''}
  <p class="links"><a href="/signin?choose=1">Back to sign-in</a></p>
</section>`,
  });
}
