import type { RequestMeta } from '../audit/audit.service.ts';
import { findRootUser } from '../identities/account.repository.ts';
import type { Db } from '../db/database.ts';
import type { Mail } from '../mail/mail-templates.ts';
import { formatTime } from '../mail/mail-templates.ts';
import { enqueueMail } from '../mail/mail.service.ts';
import type { Deps } from '../deps.ts';
import { html } from '../shared/html.ts';
import { findUserById } from '../identities/user.repository.ts';
import { formatAccountId } from '../shared/validation.ts';

/** What changed about a principal's second factors, for the notice sent to its owner. */
export type MfaNotice =
  | { kind: 'device-added'; deviceName: string; deviceType: string }
  | { kind: 'device-removed'; deviceName: string; deviceType: string; byName: string }
  | { kind: 'recovery-codes-created' }
  | { kind: 'recovery-code-used'; left: number };

function describe(notice: MfaNotice, who: string): { subject: string; what: string } {
  switch (notice.kind) {
    case 'device-added':
      return {
        subject: 'An MFA device was added to your Gatehouse sign-in',
        what: `A ${notice.deviceType} named "${notice.deviceName}" was added as a second factor for ${who}.`,
      };
    case 'device-removed':
      return {
        subject: 'An MFA device was removed from your Gatehouse sign-in',
        what: `The ${notice.deviceType} named "${notice.deviceName}" was removed from ${who} by ${notice.byName}. It can no longer be used to sign in.`,
      };
    case 'recovery-codes-created':
      return {
        subject: 'New MFA recovery codes were created',
        what: `New recovery codes were created for ${who}. Any earlier codes no longer work.`,
      };
    case 'recovery-code-used':
      return {
        subject: 'An MFA recovery code was used to sign in',
        what: `A recovery code was used instead of an MFA device to sign in as ${who}. ${notice.left} unused code${notice.left === 1 ? '' : 's'} remain${notice.left === 1 ? 's' : ''}.`,
      };
  }
}

function noticeMail(notice: MfaNotice, who: string, time: string, meta: RequestMeta): Mail {
  const { subject, what } = describe(notice, who);
  const when = formatTime(time);
  const where = meta.ip
    ? `${meta.ip}${meta.userAgent ? ` (${meta.userAgent})` : ''}`
    : 'the command line or an automated process';
  const notYou =
    'If this was not you, someone may know your password: change it at once, review your MFA devices on the Security credentials page, and tell your administrator.';
  return {
    template: `mfa-${notice.kind}`,
    subject,
    text: `${what}\n\nWhen: ${when}\nFrom: ${where}\n\n${notYou}\n`,
    html: html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${subject}</title></head>
<body style="font-family: system-ui, sans-serif; line-height: 1.5; max-width: 40em; margin: 1em auto; color: #1b1f24">
<p style="font-weight: bold">Gatehouse</p>
<p>${what}</p>
<p>When: ${when}<br>From: ${where}</p>
<p>${notYou}</p>
<hr><p style="color: #57606a; font-size: 0.9em">This message was sent by Gatehouse because of an action on your account. Gatehouse never asks for your password by email.</p>
</body></html>
`.value,
  };
}

/**
 * Queues the notice in the caller's transaction to the principal's own address: the root
 * user's email, or an IAM user's contact email when it has one (IAM users without one
 * are told nothing by mail; their administrators see the audit trail).
 */
export async function notifyMfaChange(
  tx: Db,
  deps: Pick<Deps, 'dialect' | 'clock' | 'keyring'>,
  meta: RequestMeta,
  accountId: string,
  principalId: string,
  notice: MfaNotice,
): Promise<void> {
  let to: string | null = null;
  let who: string;
  if (principalId === accountId) {
    to = (await findRootUser(tx, accountId))?.email ?? null;
    who = `the root user of account ${formatAccountId(accountId)}`;
  } else {
    const user = await findUserById(tx, principalId);
    to = user?.contactEmail ?? null;
    who = `IAM user ${user?.name ?? principalId} of account ${formatAccountId(accountId)}`;
  }
  if (!to) return;
  await enqueueMail(tx, deps, meta, {
    to,
    accountId,
    mail: noticeMail(notice, who, deps.clock.now().toISOString(), meta),
  });
}

/**
 * A message to the root user's address about a sign-in with alternative factors. `link`
 * lines are shown as links in HTML; every value is escaped.
 */
export async function mailRootAboutRecovery(
  tx: Db,
  deps: Pick<Deps, 'dialect' | 'clock' | 'keyring'>,
  meta: RequestMeta,
  accountId: string,
  message: { template: string; subject: string; paragraphs: string[]; links: Array<{ label: string; url: string }> },
): Promise<void> {
  const to = (await findRootUser(tx, accountId))?.email;
  if (!to) return;
  const when = formatTime(deps.clock.now().toISOString());
  const where = meta.ip ? `${meta.ip}${meta.userAgent ? ` (${meta.userAgent})` : ''}` : 'an automated process';
  const text = [
    ...message.paragraphs,
    ...message.links.map((l) => `${l.label}:\n${l.url}`),
    `When: ${when}\nFrom: ${where}`,
  ].join('\n\n');
  const body = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${message.subject}</title></head>
<body style="font-family: system-ui, sans-serif; line-height: 1.5; max-width: 40em; margin: 1em auto; color: #1b1f24">
<p style="font-weight: bold">Gatehouse</p>
${message.paragraphs.map((p) => html`<p>${p}</p>`)}
${message.links.map((l) => html`<p><a href="${l.url}">${l.label}</a></p>`)}
<p>When: ${when}<br>From: ${where}</p>
<hr><p style="color: #57606a; font-size: 0.9em">This message was sent by Gatehouse because of an action on your account. Gatehouse never asks for your password by email.</p>
</body></html>
`.value;
  await enqueueMail(tx, deps, meta, {
    to,
    accountId,
    mail: { template: message.template, subject: message.subject, text: `${text}\n`, html: body },
  });
}
