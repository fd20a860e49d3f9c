import { html } from '../shared/html.ts';
import type { Mail } from '../mail/mail-templates.ts';

/** The message a root user gets when sign-in stops after too many failed attempts. */
export function unlockMail(input: { link: string; failures: number }): Mail {
  const subject = 'Sign-in to your Gatehouse root user was stopped';
  const text = `Someone tried to sign in to your root user with a wrong password ${input.failures} times in a row, so password sign-in has stopped.

If you made those attempts, or once you have checked, lift the stop with this link (it works once, within 24 hours). Your password stays as it is:
${input.link}

Browsers where you signed in before are not affected and can still sign in.
If you did not make those attempts, someone may be guessing your password: choose a long, unique one ("Forgot password?" on the sign-in page) and turn on MFA.`;
  const body = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${subject}</title></head>
<body>
<p>Someone tried to sign in to your root user with a wrong password ${input.failures} times in a row, so password sign-in has stopped.</p>
<p>If you made those attempts, or once you have checked, <a href="${input.link}">lift the stop</a> (the link works once, within 24 hours). Your password stays as it is.</p>
<p>Browsers where you signed in before are not affected and can still sign in.</p>
<p>If you did not make those attempts, someone may be guessing your password: choose a long, unique one ("Forgot password?" on the sign-in page) and turn on MFA.</p>
</body></html>`;
  return { template: 'sign-in-unlock', subject, text, html: body.value };
}
