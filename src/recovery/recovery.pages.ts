import { securityCheckField, securityCheckHelp } from '../security-check/security-check.pages.ts';
import { html } from '../shared/html.ts';
import { referenceNote } from '../support/reference-note.ts';
import { alertBox, csrfField, field, page } from '../web/layout.ts';

/** The one answer for every link or code that cannot be used, whatever the reason. */
export const LINK_NO_LONGER_VALID = 'This link is no longer valid — request a new one.';

type Errors = Partial<Record<string, string>>;

export function forgotPage(
  csrf: string,
  options: { accountRef?: string; email?: string; errors?: Errors } = {},
): string {
  const errors = options.errors ?? {};
  const iamFirst = options.accountRef !== undefined;
  const rootSection = html`<section class="card" id="root">
    <h2>Root user</h2>
    <p>Enter the email address you sign in with as the root user. If it belongs to an account, we email it a link and a code to choose a new password. They work once, within 30 minutes.</p>
    <form method="post" action="/signin/forgot" novalidate>
      ${csrfField(csrf)}
      ${field({ label: 'Root user email address', name: 'email', type: 'email', autocomplete: 'username', value: options.email, error: errors.email, autofocus: !iamFirst })}
      ${securityCheckField()}
      <button type="submit">Send reset email</button>
    </form>
    <p class="links"><a href="/signin/find-account">Not sure which email you used?</a></p>
  </section>`;
  const iamSection = html`<section class="card" id="iam">
    <h2>IAM user</h2>
    <p>IAM users cannot reset their own password. Only an administrator of your account can set a new one for you. We can tell them you asked.</p>
    <form method="post" action="/signin/forgot/iam" novalidate>
      ${csrfField(csrf)}
      ${field({ label: 'Account ID (12 digits) or account alias', name: 'account', autocomplete: 'organization', value: options.accountRef, error: errors.account })}
      ${field({ label: 'Your user name', name: 'userName', autocomplete: 'username', error: errors.userName, autofocus: iamFirst })}
      ${securityCheckField()}
      <button type="submit">Ask my administrator</button>
    </form>
  </section>`;
  return page({
    title: 'Forgot your password?',
    body: html`<h1>Forgot your password?</h1>
${alertBox(errors.form)}
<div class="choices">
  ${iamFirst ? [iamSection, rootSection] : [rootSection, iamSection]}
</div>
<p class="links"><a href="/signin/help">Other sign-in problems</a> · <a href="/signin?choose=1">Back to sign-in</a></p>`,
  });
}

/** The answer to a reset request, the same whether or not the address has an account. */
export function resetRequestedPage(): string {
  return notice(
    'Check your email',
    html`<p>If an account uses that address as its root user email, we have sent it a message with a link and a code to reset the password. They work once, within 30 minutes; asking again replaces them.</p>
<p>No message after a few minutes? Check your spam folder, make sure you typed the address you sign in with, or <a href="/signin/find-account">find out which email you used</a>.</p>`,
  );
}

export function findAccountPage(csrf: string, options: { email?: string; error?: string } = {}): string {
  return page({
    title: 'Which email did I use?',
    body: html`<section class="card narrow">
  <h1>Which email did I use?</h1>
  <p>Enter an address you might have used as a root user email. If it belongs to one or more accounts, we email that address their account IDs, aliases and sign-in addresses. We never show them on this page.</p>
  <form method="post" action="/signin/find-account" novalidate>
    ${csrfField(csrf)}
    ${field({ label: 'Email address', name: 'email', type: 'email', autocomplete: 'email', value: options.email, error: options.error, autofocus: true })}
    ${securityCheckField()}
    <button type="submit">Email me my accounts</button>
  </form>
  <p class="links"><a href="/signin/help">Other sign-in problems</a> · <a href="/signin?choose=1">Back to sign-in</a></p>
</section>`,
  });
}

export function accountReminderSentPage(): string {
  return notice(
    'Check your email',
    html`<p>If that address is the root user email of any accounts, we have sent it a list of them with their sign-in addresses.</p>
<p>Nothing arrived? Try another address you use, and check your spam folder. If you sign in as an IAM user, ask the person who gave you your user name for your account's sign-in address.</p>`,
  );
}

export function administratorAskedPage(): string {
  return notice(
    'Request passed on',
    html`<p>If that account has a user with that name, its administrators have been told that you asked for a new password. They will see the request in the console and can set a new password for you.</p>
<p>Gatehouse never sends IAM users a reset link: your new password comes from your administrator. If you do not hear back, contact them directly.</p>`,
  );
}

export function resetPage(csrf: string, options: { token?: string; code?: string; errors?: Errors }): string {
  const errors = options.errors ?? {};
  return page({
    title: 'Choose a new password',
    body: html`<section class="card narrow">
  <h1>Choose a new password</h1>
  ${alertBox(errors.form)}
  <form method="post" action="/signin/reset" novalidate>
    ${csrfField(csrf)}
    ${
      options.token
        ? html`<input type="hidden" name="token" value="${options.token}">`
        : field({
            label: 'Code from the email',
            name: 'code',
            autocomplete: 'one-time-code',
            value: options.code,
            error: errors.code,
            hint: 'Five groups of letters and digits, e.g. ABCDE-FGH23-…',
            autofocus: true,
          })
    }
    ${field({ label: 'New password', name: 'password', type: 'password', autocomplete: 'new-password', error: errors.password, hint: 'At least 8 characters; a long passphrase is best. Not your email or account name.', autofocus: !!options.token })}
    ${field({ label: 'Confirm new password', name: 'confirm', type: 'password', autocomplete: 'new-password', error: errors.confirm })}
    <button type="submit">Set new password</button>
  </form>
  <p class="muted">Setting a new password signs out every session of the root user. You then sign in with the new password, including any second factor you use.</p>
</section>`,
  });
}

export function linkInvalidPage(reference?: string): string {
  return notice(
    'Link no longer valid',
    html`${alertBox(LINK_NO_LONGER_VALID)}
<p>Links and codes work once, for a limited time, and only the newest one you asked for works.</p>
${referenceNote(reference)}
<p><a class="button" href="/signin/forgot">Request a new reset email</a></p>`,
  );
}

export function resetDonePage(): string {
  return notice(
    'Password changed',
    html`${alertBox('Your password was changed. Every session of the root user was signed out.', 'success')}
<p>Sign in with your email address and the new password. We sent a notice of the change to your root user email.</p>
<p><a class="button" href="/signin?choose=1">Sign in</a></p>`,
  );
}

export function helpPage(): string {
  return page({
    title: "I can't sign in",
    body: html`<section class="card">
  <h1>I can't sign in</h1>
  <p>Almost every sign-in problem has one of three causes. Find yours below.</p>

  <h2>1. You forgot your password</h2>
  <ul>
    <li><strong>Root user</strong> (you sign in with an email address): <a href="/signin/forgot">reset your password by email</a>. The link works once, within 30 minutes.</li>
    <li><strong>IAM user</strong> (you sign in with an account and a user name): only your administrator can give you a new password. <a href="/signin/forgot?account=">Ask your administrator</a> and we tell them.</li>
  </ul>

  <h2>2. You are signing in to the wrong account, or as the wrong kind of user</h2>
  <ul>
    <li>An email address means root user; a user name means IAM user, and it only works together with its account ID or alias. <a href="/signin?choose=1">Choose again</a>.</li>
    <li>Not sure which email owns the account? <a href="/signin/find-account">We email the accounts to the address</a>, never to this page.</li>
    <li>IAM users: your account's own sign-in address (ending in its ID or alias) fills the account in for you. Ask your administrator for it.</li>
  </ul>

  <h2>3. Someone changed your credentials</h2>
  <ul>
    <li>An administrator may have reset your password or required a new one: use the password they gave you, then choose your own.</li>
    <li>Root users get an email whenever the password or email address changes. If you got one you did not expect, <a href="/signin/forgot">reset the password</a> at once.</li>
  </ul>
  ${securityCheckHelp()}
  <h2>Still stuck?</h2>
  <p><a class="button" href="/signin/help/diagnose">Why can't I sign in? Send me a report</a> — we read the record of your attempts and send the cause and its fix to the owner's address on file. Or <a href="/support">contact support</a>.</p>
  <p class="links"><a href="/signin?choose=1">Back to sign-in</a></p>
</section>`,
  });
}

function notice(title: string, body: ReturnType<typeof html>): string {
  return page({ title, body: html`<section class="card narrow"><h1>${title}</h1>${body}</section>` });
}
