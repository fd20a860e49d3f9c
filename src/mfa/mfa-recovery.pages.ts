import { formatTime } from '../mail/mail-templates.ts';
import { type SafeHtml, html } from '../shared/html.ts';
import { referenceNote } from '../support/reference-note.ts';
import { alertBox, csrfField, field, page } from '../web/layout.ts';
import type { RecoveryView } from './mfa-recovery.service.ts';

function card(title: string, body: SafeHtml): string {
  return page({
    title,
    body: html`<section class="card narrow">
  <h1>${title}</h1>
  ${body}
  <p class="links"><a href="/signin/mfa?choose=1">Back to MFA sign-in</a> · <a href="/signin?choose=1">Start over</a></p>
</section>`,
  });
}

/** The root user's sign-in with alternative factors, at whatever stage it is. */
export function alternativeFactorsPage(
  csrf: string,
  recovery: RecoveryView | null,
  message?: { text: string; kind: 'error' | 'success'; reference?: string },
): string {
  const notice = message ? html`${alertBox(message.text, message.kind)}${referenceNote(message.reference)}` : html``;
  if (!recovery) {
    return card(
      'Sign in using alternative factors',
      html`${notice}<p>Lost or broken every MFA device, and no recovery code? Prove the root user's email address and the account's phone number instead. Both are needed.</p>
  <form method="post" action="/signin/mfa-help/start">${csrfField(csrf)}<button type="submit">Send verification email</button></form>`,
    );
  }
  if (recovery.stage === 'email') {
    return card(
      'Step 1 of 2: email',
      html`${notice}<p>We sent a message to the root user's email address. Open the link in it, confirm, then come back to this page.</p>
  <p><a class="button" href="/signin/mfa-help">I have confirmed my email</a></p>
  <form method="post" action="/signin/mfa-help/start">${csrfField(csrf)}<button type="submit" class="secondary">Resend the email</button></form>`,
    );
  }
  if (recovery.stage === 'phone') {
    return card(
      'Step 2 of 2: phone',
      html`${notice}<p>Your email is confirmed. Now we send a six-digit code to the account phone number ${recovery.phoneHint ?? ''}.</p>
  <form method="post" action="/signin/mfa-help/phone/send" class="inline-form">${csrfField(csrf)}<input type="hidden" name="channel" value="sms"><button type="submit" class="secondary">Send code by SMS</button></form>
  <form method="post" action="/signin/mfa-help/phone/send" class="inline-form">${csrfField(csrf)}<input type="hidden" name="channel" value="voice"><button type="submit" class="secondary">Call me now</button></form>
  ${
    recovery.codeSent
      ? html`<form method="post" action="/signin/mfa-help/phone" novalidate>
    ${csrfField(csrf)}
    ${field({ label: 'Code from your phone', name: 'code', autocomplete: 'one-time-code', inputmode: 'numeric', autofocus: true })}
    <button type="submit">Verify</button>
  </form>`
      : ''
  }`,
    );
  }
  if (recovery.stage === 'waiting') {
    return card(
      'Waiting period',
      html`${notice}<p>Your email and phone are confirmed. This account has a waiting period: you can sign in from <strong>${formatTime(recovery.readyAt ?? '')}</strong>. Until then the owner can cancel it from the email we sent or from a signed-in session.</p>
  <p>Come back then and sign in with your password again.</p>`,
    );
  }
  return card(
    'Sign in to the console',
    html`${notice}<p>Your email and phone are confirmed. Sign in, then remove the lost MFA device on the Security credentials page and add a new one.</p>
  <form method="post" action="/signin/mfa-help/complete">${csrfField(csrf)}<button type="submit">Sign in to the console</button></form>`,
  );
}

/** The page a mailed link opens: nothing changes until the person confirms (mail scanners follow links). */
export function recoveryLinkPage(
  csrf: string,
  which: 'email' | 'cancel',
  token: string,
  state: 'usable' | 'done' | { refused: string },
): string {
  const title = which === 'email' ? 'Confirm your email address' : 'Cancel the sign-in without MFA';
  if (state === 'done') {
    return page({
      title,
      body: html`<section class="card narrow"><h1>${title}</h1>${alertBox(
        which === 'email'
          ? 'Your email address is confirmed. Go back to the sign-in window to continue with your phone.'
          : 'The sign-in was cancelled. Your MFA devices are unchanged.',
        'success',
      )}<p class="links"><a href="/signin/mfa-help">Continue</a></p></section>`,
    });
  }
  if (state !== 'usable') {
    return page({
      title,
      body: html`<section class="card narrow"><h1>${title}</h1>${alertBox('This link has expired, was cancelled, or was already used.')}${referenceNote(state.refused)}<p class="links"><a href="/signin">Go to sign-in</a></p></section>`,
    });
  }
  return page({
    title,
    body: html`<section class="card narrow"><h1>${title}</h1>
  <p>${which === 'email' ? 'Confirm that you asked to sign in to the root user without its MFA device.' : 'Cancel the sign-in with alternative factors that someone started for the root user.'}</p>
  <form method="post" action="/signin/mfa-help/${which}">${csrfField(csrf)}<input type="hidden" name="token" value="${token}"><button type="submit"${which === 'cancel' ? html` class="danger"` : ''}>${which === 'email' ? 'Confirm my email address' : 'Cancel the sign-in'}</button></form>
</section>`,
  });
}

/** The root user's recovery settings on the Security credentials page. */
export function rootRecoverySection(
  csrf: string,
  input: {
    phone: string | null;
    phoneVerified: boolean;
    pendingPhone: string | null;
    waitHours: number;
    openRecoveryId: string | null;
    error?: string | undefined;
  },
): SafeHtml {
  return html`<section class="card" id="recovery">
  <h2>Account phone and MFA recovery</h2>
  ${
    input.openRecoveryId
      ? html`${alertBox('Someone is signing in as the root user without an MFA device (alternative factors). If this is not you, cancel it now and change the root password.', 'warning')}
  <form method="post" action="/console/mfa/recovery/${input.openRecoveryId}/cancel">${csrfField(csrf)}<button type="submit" class="danger">Cancel the sign-in without MFA</button></form>`
      : ''
  }
  ${alertBox(input.error)}
  <p>Phone number: ${input.phone && input.phoneVerified ? html`<strong>${input.phone}</strong> (verified)` : 'none'}. With it and the root email, the root user can sign in if every MFA device is lost.</p>
  <form method="post" action="/console/mfa/phone" novalidate>
    ${csrfField(csrf)}
    ${field({ label: 'New phone number', name: 'phone', autocomplete: 'tel', hint: 'International form, e.g. +44 20 7946 0000. We send a code to confirm it.' })}
    <input type="hidden" name="channel" value="sms">
    <button type="submit" class="secondary">Send code</button>
  </form>
  ${
    input.pendingPhone
      ? html`<form method="post" action="/console/mfa/phone/confirm" novalidate>
    ${csrfField(csrf)}
    ${field({ label: 'Code sent to the new number', name: 'code', autocomplete: 'one-time-code', inputmode: 'numeric' })}
    <button type="submit">Confirm phone number</button>
  </form>`
      : ''
  }
  <form method="post" action="/console/mfa/recovery-wait" novalidate>
    ${csrfField(csrf)}
    ${field({ label: 'Waiting period for signing in without MFA (hours)', name: 'waitHours', value: String(input.waitHours), hint: 'Time between proving email and phone and being signed in, so you can cancel it if it was not you. 0 for none.' })}
    <button type="submit" class="secondary">Save waiting period</button>
  </form>
</section>`;
}
