import { ANONYMOUS, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import type { Db } from '../db/database.ts';
import { MINUTE } from '../shared/clock.ts';
import type { Deps } from '../deps.ts';
import { newRowId } from '../shared/ids.ts';
import { sealMailBody } from './mail-body.ts';
import type { Mail } from './mail-templates.ts';
import {
  type NewMessage,
  countRecentForRecipient,
  findHeldMessage,
  insertOutboxForRootEmail,
  insertOutboxMessage,
  lockRecipient,
  replaceHeldMessage,
} from './outbox.repository.ts';

/**
 * At most this many messages go to one address in `RECIPIENT_WINDOW_MS`, so no form can
 * flood a mailbox. The rest are held, never dropped, and go out together as one digest
 * when the window of the first held message ends.
 */
export const RECIPIENT_LIMIT = 10;
export const RECIPIENT_WINDOW_MS = 10 * MINUTE;

type MailDeps = Pick<Deps, 'dialect' | 'clock' | 'keyring'>;

export interface Outgoing {
  to: string;
  /** The account the message is about, for the audit trail. */
  accountId: string | null;
  mail: Mail;
  /**
   * Messages with the same key to the same address supersede each other: while one is held,
   * a newer one takes its place instead of adding another (a newer reset link replaces the
   * older; a newer report has the newer facts).
   */
  replaces?: string;
}

export type Enqueued = 'queued' | 'held' | 'replaced';

/**
 * Queues a message in the caller's transaction, so it exists exactly when the change
 * that caused it does; the sender delivers it after the response. Past the per-recipient
 * limit, or while earlier mail to the address is held, the message is held too (and the
 * hold audited): the caller is never told, and the requester sees no difference.
 */
export async function enqueueMail(tx: Db, deps: MailDeps, meta: RequestMeta, message: Outgoing): Promise<Enqueued> {
  const now = deps.clock.now();
  const recipientKey = message.to.trim().toLowerCase();
  const admission = await admit(tx, deps, recipientKey, message.replaces ?? null);
  const id = admission.replaces ?? newRowId(deps.clock.now());
  const sealed = sealBodies(deps, id, message.mail);
  if (admission.replaces) {
    await replaceHeldMessage(tx, id, {
      accountId: message.accountId,
      subject: message.mail.subject,
      ...sealed,
      createdAt: now.toISOString(),
    });
  } else {
    await insertOutboxMessage(tx, {
      ...newMessage(id, message.mail, sealed, admission.status, now, message.replaces ?? null),
      accountId: message.accountId,
      recipient: message.to.trim(),
    });
  }
  if (admission.status === 'queued') return 'queued';
  await auditHold(tx, deps, meta, message.accountId, message.mail, message.to, now, admission.replaces !== null);
  return admission.replaces ? 'replaced' : 'held';
}

/**
 * Queues `mail` to whoever has `emailKey` as root user email, if anyone does. The
 * statements run are the same either way, so forms that must not reveal whether an
 * address is known (forgot password, find my account) also take the same time. A newer
 * message of the same template replaces a held one: these forms answer repeated requests.
 */
export async function enqueueMailIfRootEmail(
  tx: Db,
  deps: MailDeps,
  meta: RequestMeta,
  emailKey: string,
  accountId: string | null,
  mail: Mail,
): Promise<void> {
  const now = deps.clock.now();
  // Only a known address can have mail, so the hold branches reveal nothing.
  const admission = await admit(tx, deps, emailKey, mail.template);
  const id = admission.replaces ?? newRowId(deps.clock.now());
  const sealed = sealBodies(deps, id, mail);
  if (admission.replaces)
    await replaceHeldMessage(tx, id, { accountId, subject: mail.subject, ...sealed, createdAt: now.toISOString() });
  else await insertOutboxForRootEmail(tx, emailKey, newMessage(id, mail, sealed, admission.status, now, mail.template));
  if (admission.status === 'held')
    await auditHold(tx, deps, meta, accountId, mail, emailKey, now, admission.replaces !== null);
}

/**
 * Whether a message with `replaces` to `to` is held now, so a newer one would take its place
 * (a request that only replaces held mail need not count against its own limit). Call it in
 * the transaction that then queues the message: it holds the recipient until that ends.
 */
export async function isHeld(tx: Db, deps: Pick<Deps, 'dialect'>, to: string, replaces: string): Promise<boolean> {
  const recipientKey = to.trim().toLowerCase();
  await lockRecipient(tx, deps.dialect, recipientKey);
  return (await findHeldMessage(tx, recipientKey, replaces)) !== null;
}

/** An absolute link into Gatehouse, built from the configured origin, never from the request. */
export function publicLink(deps: Pick<Deps, 'publicUrl'>, path: string, query: Record<string, string> = {}): string {
  const url = new URL(path, deps.publicUrl);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url.toString();
}

type Admission = { status: 'queued'; replaces: null } | { status: 'held'; replaces: string | null };

async function admit(tx: Db, deps: MailDeps, recipientKey: string, replaceKey: string | null): Promise<Admission> {
  await lockRecipient(tx, deps.dialect, recipientKey);
  const since = new Date(deps.clock.now().getTime() - RECIPIENT_WINDOW_MS).toISOString();
  const recent = await countRecentForRecipient(tx, recipientKey, since);
  // While anything is held, newer mail waits behind it, so the digest keeps the order.
  const anyHeld = await findHeldMessage(tx, recipientKey, null);
  if (recent < RECIPIENT_LIMIT && !anyHeld) return { status: 'queued', replaces: null };
  const replaced = replaceKey === null ? null : await findHeldMessage(tx, recipientKey, replaceKey);
  return { status: 'held', replaces: replaced?.id ?? null };
}

function sealBodies(deps: Pick<Deps, 'keyring'>, id: string, mail: Mail): { sealedText: string; sealedHtml: string } {
  return {
    sealedText: sealMailBody(deps.keyring, id, mail.text),
    sealedHtml: sealMailBody(deps.keyring, id, mail.html),
  };
}

function newMessage(
  id: string,
  mail: Mail,
  sealed: { sealedText: string; sealedHtml: string },
  status: 'queued' | 'held',
  now: Date,
  replaceKey: string | null,
): NewMessage {
  return {
    id,
    template: mail.template,
    subject: mail.subject,
    ...sealed,
    status,
    createdAt: now.toISOString(),
    // A held message goes out at the latest when its own window ends.
    nextAttemptAt: new Date(now.getTime() + (status === 'held' ? RECIPIENT_WINDOW_MS : 0)).toISOString(),
    replaceKey,
  };
}

async function auditHold(
  tx: Db,
  deps: MailDeps,
  meta: RequestMeta,
  accountId: string | null,
  mail: Mail,
  to: string,
  now: Date,
  replaced: boolean,
) {
  await recordAudit(tx, deps, meta, {
    accountId,
    actor: ANONYMOUS,
    eventName: 'MailHeld',
    reason: 'RecipientRateLimit',
    details: {
      template: mail.template,
      recipient: to,
      deliverBy: new Date(now.getTime() + RECIPIENT_WINDOW_MS).toISOString(),
      ...(replaced ? { replacedHeld: true } : {}),
    },
  });
}
