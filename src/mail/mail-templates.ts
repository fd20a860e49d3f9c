import type { RequestMeta } from '../audit/audit.service.ts';
import { type SafeHtml, html, raw } from '../shared/html.ts';
import { formatAccountId } from '../shared/validation.ts';

/**
 * Every message Gatehouse sends, as plain text and HTML. The HTML goes through the
 * escaping `html` tag like the pages do, so nothing a person typed (an account name,
 * a user agent) can inject markup into a mail.
 */
export interface Mail {
  template: string;
  subject: string;
  text: string;
  html: string;
}

/** When and from where a change was made, for notices. */
export interface Origin {
  time: string;
  meta: RequestMeta;
}

function layout(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body style="font-family: system-ui, sans-serif; line-height: 1.5; max-width: 40em; margin: 1em auto; color: #1b1f24">
<p style="font-weight: bold">Gatehouse</p>
${body}
<hr><p style="color: #57606a; font-size: 0.9em">This message was sent by Gatehouse because of an action on your account. Gatehouse never asks for your password by email.</p>
</body></html>
`.value;
}

function whenAndWhere(origin: Origin): { text: string; html: SafeHtml } {
  const when = formatTime(origin.time);
  const where = origin.meta.ip
    ? `${origin.meta.ip}${origin.meta.userAgent ? ` (${origin.meta.userAgent})` : ''}`
    : 'the command line or an automated process';
  return {
    text: `When: ${when}\nFrom: ${where}`,
    html: html`<p>When: ${when}<br>From: ${where}</p>`,
  };
}

export function formatTime(iso: string): string {
  return iso
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC')
    .replace(/Z$/, ' UTC');
}

const NOT_YOU_ROOT =
  'If this was not you, reset your password at once from the sign-in page ("Forgot password?"), then review the account\'s users and their access.';

export function passwordResetMail(input: { link: string; code: string; minutes: number; origin: Origin }): Mail {
  const subject = 'Reset your Gatehouse root user password';
  const where = whenAndWhere(input.origin);
  return {
    template: 'password-reset',
    subject,
    text: `Someone asked to reset the password of the root user that signs in with this address.

To choose a new password, open this link:
${input.link}

Or enter this code on the reset page:
${input.code}

The link and the code work once, within ${input.minutes} minutes. A newer request replaces this one.
Resetting the password signs out every session of the root user. It does not sign you in,
and any second factor you have set up is still required when you sign in.

${where.text}

If you did not ask for this, ignore this message: your password stays as it is.
`,
    html: layout(
      subject,
      html`<p>Someone asked to reset the password of the root user that signs in with this address.</p>
<p><a href="${input.link}">Choose a new password</a></p>
<p>Or enter this code on the reset page: <code>${input.code}</code></p>
<p>The link and the code work once, within ${input.minutes} minutes. A newer request replaces this one. Resetting the password signs out every session of the root user. It does not sign you in, and any second factor you have set up is still required when you sign in.</p>
${where.html}
<p>If you did not ask for this, ignore this message: your password stays as it is.</p>`,
    ),
  };
}

export function rootPasswordChangedMail(input: { accountId: string; how: 'reset' | 'changed'; origin: Origin }): Mail {
  const subject = 'Your Gatehouse root user password was changed';
  const what =
    input.how === 'reset'
      ? `The root user password of account ${formatAccountId(input.accountId)} was reset with a link sent to this address. Every session of the root user was signed out.`
      : `The root user password of account ${formatAccountId(input.accountId)} was changed by the signed-in root user. Its other sessions were signed out.`;
  const where = whenAndWhere(input.origin);
  return {
    template: 'root-password-changed',
    subject,
    text: `${what}\n\n${where.text}\n\n${NOT_YOU_ROOT}\n`,
    html: layout(subject, html`<p>${what}</p>${where.html}<p>${NOT_YOU_ROOT}</p>`),
  };
}

export function verifyEmailMail(input: { link: string; accountId: string; accountName: string; hours: number }): Mail {
  const subject = 'Confirm your email address for Gatehouse';
  const id = formatAccountId(input.accountId);
  return {
    template: 'verify-email',
    subject,
    text: `Welcome to Gatehouse. An account was created with this address as its root user:

Account ID: ${id}
Account name: ${input.accountName}

Confirm that this address is yours by opening this link (valid for ${input.hours} hours):
${input.link}

If you did not create this account, ignore this message.
`,
    html: layout(
      subject,
      html`<p>Welcome to Gatehouse. An account was created with this address as its root user:</p>
<p>Account ID: <strong>${id}</strong><br>Account name: ${input.accountName}</p>
<p><a href="${input.link}">Confirm your email address</a> (valid for ${input.hours} hours).</p>
<p>If you did not create this account, ignore this message.</p>`,
    ),
  };
}

export function signupAttemptMail(input: {
  accountId: string;
  signinUrl: string;
  forgotUrl: string;
  origin: Origin;
}): Mail {
  const subject = 'Someone tried to create a Gatehouse account with your address';
  const id = formatAccountId(input.accountId);
  const where = whenAndWhere(input.origin);
  return {
    template: 'signup-attempt',
    subject,
    text: `Someone tried to create a new account with this address, but it is already the root user email of account ${id}. No new account was created.

To sign in: ${input.signinUrl}
Forgot your password? ${input.forgotUrl}

${where.text}

If this was not you, you need not do anything.
`,
    html: layout(
      subject,
      html`<p>Someone tried to create a new account with this address, but it is already the root user email of account <strong>${id}</strong>. No new account was created.</p>
<p><a href="${input.signinUrl}">Sign in</a> · <a href="${input.forgotUrl}">Forgot your password?</a></p>
${where.html}
<p>If this was not you, you need not do anything.</p>`,
    ),
  };
}

export function confirmNewEmailMail(input: { link: string; accountId: string; hours: number }): Mail {
  const subject = 'Confirm your new Gatehouse root user email address';
  const id = formatAccountId(input.accountId);
  return {
    template: 'confirm-new-email',
    subject,
    text: `The root user of account ${id} asked to sign in with this address from now on.

Confirm by opening this link (valid for ${input.hours} hours):
${input.link}

Until you confirm, nothing changes. If you did not expect this, ignore this message.
`,
    html: layout(
      subject,
      html`<p>The root user of account <strong>${id}</strong> asked to sign in with this address from now on.</p>
<p><a href="${input.link}">Confirm the new address</a> (valid for ${input.hours} hours).</p>
<p>Until you confirm, nothing changes. If you did not expect this, ignore this message.</p>`,
    ),
  };
}

export function emailChangeRequestedMail(input: { accountId: string; newEmail: string; origin: Origin }): Mail {
  const subject = 'A change of your Gatehouse root user email was requested';
  const what = `The signed-in root user of account ${formatAccountId(input.accountId)} asked to change its email address to ${input.newEmail}. The change happens only when that address confirms it.`;
  const where = whenAndWhere(input.origin);
  return {
    template: 'email-change-requested',
    subject,
    text: `${what}\n\n${where.text}\n\n${NOT_YOU_ROOT}\n`,
    html: layout(subject, html`<p>${what}</p>${where.html}<p>${NOT_YOU_ROOT}</p>`),
  };
}

export function rootEmailChangedMail(input: { accountId: string; newEmail: string; origin: Origin }): Mail {
  const subject = 'Your Gatehouse root user email was changed';
  const what = `The root user of account ${formatAccountId(input.accountId)} now signs in with ${input.newEmail} instead of this address.`;
  const where = whenAndWhere(input.origin);
  const notYou =
    'If this was not you, someone else controls your account: contact your Gatehouse operator at once, with the account ID above.';
  return {
    template: 'root-email-changed',
    subject,
    text: `${what}\n\n${where.text}\n\n${notYou}\n`,
    html: layout(subject, html`<p>${what}</p>${where.html}<p>${notYou}</p>`),
  };
}

export interface AccountListing {
  accountId: string;
  alias: string | null;
  rootSigninUrl: string;
  iamSigninUrl: string;
}

export function accountsForEmailMail(input: { accounts: AccountListing[] }): Mail {
  const subject = 'Your Gatehouse accounts';
  const lines = input.accounts.map(
    (a) =>
      `Account ID: ${formatAccountId(a.accountId)}\nAlias: ${a.alias ?? '(none)'}\nRoot user sign-in: ${a.rootSigninUrl}\nIAM user sign-in: ${a.iamSigninUrl}`,
  );
  return {
    template: 'accounts-for-email',
    subject,
    text: `Someone asked which Gatehouse accounts use this address as their root user email. These do:

${lines.join('\n\n')}

Sign in as the root user with this address. IAM users sign in at their account's IAM address with the user name their administrator gave them.
If you did not ask, you need not do anything.
`,
    html: layout(
      subject,
      html`<p>Someone asked which Gatehouse accounts use this address as their root user email. These do:</p>
<ul>${input.accounts.map(
        (a) =>
          html`<li>Account ID <strong>${formatAccountId(a.accountId)}</strong>${a.alias ? html`, alias <strong>${a.alias}</strong>` : ''}: <a href="${a.rootSigninUrl}">root user sign-in</a> · <a href="${a.iamSigninUrl}">IAM user sign-in</a></li>`,
      )}</ul>
<p>Sign in as the root user with this address. IAM users sign in at their account's IAM address with the user name their administrator gave them.</p>
<p>If you did not ask, you need not do anything.</p>`,
    ),
  };
}

export function userAskedForResetMail(input: {
  accountId: string;
  userName: string;
  usersUrl: string;
  origin: Origin;
}): Mail {
  const subject = `IAM user ${input.userName} asked for a password reset`;
  const what = `Someone signing in as IAM user ${input.userName} of account ${formatAccountId(input.accountId)} says they forgot their password and asked an administrator to reset it. IAM users cannot reset their own password.`;
  const todo = `If you know this request is genuine, sign in and set a new password for ${input.userName} on the Users page: ${input.usersUrl}. Give it to them in person or another channel you trust, and require them to change it at their next sign-in. If you do not recognise the request, leave the password as it is.`;
  const where = whenAndWhere(input.origin);
  return {
    template: 'user-asked-for-reset',
    subject,
    text: `${what}\n\n${where.text}\n\n${todo}\n`,
    html: layout(subject, html`<p>${what}</p>${where.html}<p>${todo}</p>`),
  };
}

export function userPasswordSetMail(input: {
  accountId: string;
  userName: string;
  actorName: string;
  created: boolean;
  origin: Origin;
}): Mail {
  const subject = `The password of IAM user ${input.userName} was ${input.created ? 'set' : 'reset'}`;
  const what = `${input.actorName} ${input.created ? 'set a console password for' : 'reset the console password of'} IAM user ${input.userName} in account ${formatAccountId(input.accountId)}. The user's sessions were signed out.`;
  const notYou = `If you did not expect this, review who administers the account's users, and reset ${input.userName}'s password yourself.`;
  const where = whenAndWhere(input.origin);
  return {
    template: 'user-password-set',
    subject,
    text: `${what}\n\n${where.text}\n\n${notYou}\n`,
    html: layout(subject, html`<p>${what}</p>${where.html}<p>${notYou}</p>`),
  };
}

export const HELD_DIGEST_TEMPLATE = 'held-digest';

/** A held message as the digest carries it; `text` and `html` are null when its body could not be opened. */
export interface HeldMessage {
  subject: string;
  text: string | null;
  html: string | null;
  time: string;
}

/**
 * What a held message's HTML shows, to place in the digest: the inside of its <body>. The HTML
 * was written by these templates, every value escaped, and was stored sealed (authenticated),
 * so it goes in as it is: its links stay exactly the links it had, and no others.
 */
function insideBody(document: string): SafeHtml | null {
  const inside = /<body[^>]*>([\s\S]*)<\/body>/i.exec(document)?.[1];
  return inside === undefined ? null : raw(inside);
}

/**
 * The messages held back past the per-recipient limit, in one message when the window ends:
 * each one whole (subject, text, links and codes), in the order they were queued.
 */
export function heldDigestMail(input: { messages: HeldMessage[]; limit: number; windowMinutes: number }): Mail {
  const count = input.messages.length;
  const subject =
    count === 1
      ? 'A message from Gatehouse, held back'
      : `${count} messages from Gatehouse, held back and sent together`;
  const intro = `More than ${input.limit} messages for this address were queued within ${input.windowMinutes} minutes. So that no one can flood a mailbox, Gatehouse held back the ones after the first ${input.limit} and sends them here together, each in full, in the order they were queued. Links and codes that expire count from when their message was queued.`;
  const lost = '(This message could not be opened: it was sealed under a SECRET_KEY that is no longer configured.)';
  return {
    template: HELD_DIGEST_TEMPLATE,
    subject,
    text: `${intro}\n\n${input.messages
      .map(
        (m, i) =>
          `--- ${i + 1} of ${count}: ${m.subject}\nQueued ${formatTime(m.time)}\n\n${(m.text ?? lost).trimEnd()}`,
      )
      .join('\n\n')}\n`,
    html: layout(
      subject,
      html`<p>${intro}</p>
${input.messages.map(
  (m, i) => html`<h2 style="font-size: 1.1em">${i + 1} of ${count}: ${m.subject}</h2>
<p style="color: #57606a">Queued ${formatTime(m.time)}</p>
${m.html === null ? html`<p>${lost}</p>` : (insideBody(m.html) ?? html`<div style="white-space: pre-wrap">${m.text ?? ''}</div>`)}`,
)}`,
    ),
  };
}
