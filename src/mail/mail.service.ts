import { ANONYMOUS, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import type { Db } from '../db/database.ts';
import { MINUTE } from '../shared/clock.ts';
import type { Deps } from '../shared/deps.ts';
import { newRowId } from '../shared/ids.ts';
import type { Mail } from './mail-templates.ts';
import { countRecentForRecipient, insertOutboxForRootEmail, insertOutboxMessage, lockRecipient } from './outbox.repository.ts';

/** At most this many messages to one address in `RECIPIENT_WINDOW_MS`; the rest are dropped. */
export const RECIPIENT_LIMIT = 10;
export const RECIPIENT_WINDOW_MS = 10 * MINUTE;

export interface Outgoing {
  to: string;
  /** The account the message is about, for the audit trail. */
  accountId: string | null;
  mail: Mail;
}

/**
 * Queues a message in the caller's transaction, so it exists exactly when the change
 * that caused it does; the sender delivers it after the response. Past the per-recipient
 * limit the message is dropped and the drop audited: the caller is never told, so a
 * form cannot be used to flood someone's mailbox and the requester sees no difference.
 */
export async function enqueueMail(
  tx: Db,
  deps: Pick<Deps, 'dialect' | 'clock'>,
  meta: RequestMeta,
  message: Outgoing,
): Promise<'queued' | 'dropped'> {
  const now = deps.clock.now();
  const recipientKey = message.to.trim().toLowerCase();
  await lockRecipient(tx, deps.dialect, recipientKey);
  const recent = await countRecentForRecipient(tx, recipientKey, new Date(now.getTime() - RECIPIENT_WINDOW_MS).toISOString());
  if (recent >= RECIPIENT_LIMIT) {
    await recordAudit(tx, deps, meta, {
      accountId: message.accountId,
      actor: ANONYMOUS,
      eventName: 'MailDropped',
      outcome: 'Failure',
      reason: 'RecipientRateLimit',
      details: { template: message.mail.template, recipient: message.to },
    });
    return 'dropped';
  }
  await insertOutboxMessage(tx, {
    id: newRowId(),
    accountId: message.accountId,
    recipient: message.to.trim(),
    template: message.mail.template,
    subject: message.mail.subject,
    text: message.mail.text,
    html: message.mail.html,
    createdAt: now.toISOString(),
  });
  return 'queued';
}

/**
 * Queues `mail` to whoever has `emailKey` as root user email, if anyone does. The
 * statements run are the same either way, so forms that must not reveal whether an
 * address is known (forgot password, find my account) also take the same time.
 */
export async function enqueueMailIfRootEmail(
  tx: Db,
  deps: Pick<Deps, 'dialect' | 'clock'>,
  meta: RequestMeta,
  emailKey: string,
  accountId: string | null,
  mail: Mail,
): Promise<void> {
  const now = deps.clock.now();
  await lockRecipient(tx, deps.dialect, emailKey);
  const recent = await countRecentForRecipient(tx, emailKey, new Date(now.getTime() - RECIPIENT_WINDOW_MS).toISOString());
  if (recent >= RECIPIENT_LIMIT) {
    // Only a known address can have mail queued, so this branch reveals nothing.
    await recordAudit(tx, deps, meta, {
      accountId,
      actor: ANONYMOUS,
      eventName: 'MailDropped',
      outcome: 'Failure',
      reason: 'RecipientRateLimit',
      details: { template: mail.template, recipient: emailKey },
    });
    return;
  }
  await insertOutboxForRootEmail(tx, emailKey, {
    id: newRowId(),
    template: mail.template,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    createdAt: now.toISOString(),
  });
}

/** An absolute link into Gatehouse, built from the configured origin, never from the request. */
export function publicLink(deps: Pick<Deps, 'mail'>, path: string, query: Record<string, string> = {}): string {
  const url = new URL(path, deps.mail.publicUrl);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url.toString();
}
