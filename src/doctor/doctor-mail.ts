import type { Mail } from '../mail/mail-templates.ts';
import { formatTime } from '../mail/mail-templates.ts';
import { html } from '../shared/html.ts';
import type { Audience, Cause } from './diagnosis.ts';

/** The sign-in report: each cause found, and the one action that fixes it. */
export function diagnosisMail(input: {
  audience: Audience;
  subjectName: string;
  accountRef: string;
  causes: Cause[];
  time: string;
}): Mail {
  const forAdmins = input.audience === 'administrators';
  const subject = forAdmins
    ? `${input.subjectName} could not sign in to account ${input.accountRef}`
    : input.subjectName === 'root'
      ? 'Why you could not sign in as the root user'
      : `Why you could not sign in as ${input.subjectName}`;
  const intro = forAdmins
    ? `Someone asked why IAM user ${input.subjectName} cannot sign in to account ${input.accountRef}. The user has no verified contact email, so this report comes to the account's administrators. Here is what the record shows:`
    : `Someone (we hope you) asked why signing in does not work. Here is what the record shows:`;
  const outro =
    'If you did not ask for this report, you need not do anything: it went only to this address, and the person who asked saw none of it.';
  const text = `${intro}\n\n${input.causes.map((c, i) => `${i + 1}. ${c.text}\n   Fix: ${c.fix.label}: ${c.fix.url}`).join('\n\n')}\n\nAsked at ${formatTime(input.time)}.\n${outro}\n`;
  const body = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${subject}</title></head>
<body style="font-family: system-ui, sans-serif; line-height: 1.5; max-width: 40em; margin: 1em auto; color: #1b1f24">
<p style="font-weight: bold">Gatehouse</p>
<p>${intro}</p>
<ol>${input.causes.map((c) => html`<li data-cause="${c.code}"><p>${c.text}</p><p><a href="${c.fix.url}">${c.fix.label}</a></p></li>`)}</ol>
<p>Asked at ${formatTime(input.time)}.</p>
<p style="color: #57606a; font-size: 0.9em">${outro}</p>
</body></html>
`.value;
  return { template: 'sign-in-diagnosis', subject, text, html: body };
}
