import { sql } from 'kysely';
import type { Db, DialectName } from '../db/database.ts';

/**
 * `held`: past the per-recipient limit, waiting for the recipient's window to end;
 * `folded`: a held message whose content went into the digest `digestId`.
 */
export type MailStatus = 'queued' | 'sending' | 'sent' | 'deferred' | 'failed' | 'held' | 'folded';

/** A row of the outbox as stored: the bodies sealed (src/mail/mail-body.ts), '' once erased. */
export interface StoredMessage {
  id: string;
  accountId: string | null;
  recipient: string;
  template: string;
  subject: string;
  sealedText: string;
  sealedHtml: string;
  status: MailStatus;
  attempts: number;
  nextAttemptAt: string;
  lastReply: string | null;
  createdAt: string;
  sentAt: string | null;
  digestId: string | null;
}

type Row = {
  id: string;
  account_id: string | null;
  recipient: string;
  template: string;
  subject: string;
  text_body: string;
  html_body: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  last_reply: string | null;
  created_at: string;
  sent_at: string | null;
  digest_id: string | null;
};

function toMessage(row: Row): StoredMessage {
  return {
    id: row.id,
    accountId: row.account_id,
    recipient: row.recipient,
    template: row.template,
    subject: row.subject,
    sealedText: row.text_body,
    sealedHtml: row.html_body,
    status: row.status as MailStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    lastReply: row.last_reply,
    createdAt: row.created_at,
    sentAt: row.sent_at,
    digestId: row.digest_id,
  };
}

/** What a new message is stored with; `nextAttemptAt` is when a held message's window ends. */
export type NewMessage = Pick<
  StoredMessage,
  'id' | 'template' | 'subject' | 'sealedText' | 'sealedHtml' | 'createdAt' | 'nextAttemptAt'
> & {
  status: 'queued' | 'held';
  replaceKey: string | null;
};

export async function insertOutboxMessage(
  db: Db,
  m: NewMessage & Pick<StoredMessage, 'accountId' | 'recipient'>,
): Promise<void> {
  await db
    .insertInto('mail_outbox')
    .values({
      id: m.id,
      account_id: m.accountId,
      recipient: m.recipient,
      recipient_key: m.recipient.toLowerCase(),
      template: m.template,
      subject: m.subject,
      text_body: m.sealedText,
      html_body: m.sealedHtml,
      status: m.status,
      attempts: 0,
      next_attempt_at: m.nextAttemptAt,
      created_at: m.createdAt,
      replace_key: m.replaceKey,
    })
    .execute();
}

/**
 * Queues a message to `emailKey` only when it is some root user's address, in one
 * statement that runs the same whether or not it is (see `insertTokenForRootEmail`).
 */
export async function insertOutboxForRootEmail(db: Db, emailKey: string, m: NewMessage): Promise<void> {
  await db
    .insertInto('mail_outbox')
    .columns([
      'id',
      'account_id',
      'recipient',
      'recipient_key',
      'template',
      'subject',
      'text_body',
      'html_body',
      'status',
      'next_attempt_at',
      'created_at',
      'replace_key',
    ])
    .expression((eb) =>
      eb
        .selectFrom('root_users')
        .select([
          eb.val(m.id).as('id'),
          'account_id',
          'email as recipient',
          'email_key as recipient_key',
          eb.val(m.template).as('template'),
          eb.val(m.subject).as('subject'),
          eb.val(m.sealedText).as('text_body'),
          eb.val(m.sealedHtml).as('html_body'),
          eb.val(m.status).as('status'),
          eb.val(m.nextAttemptAt).as('next_attempt_at'),
          eb.val(m.createdAt).as('created_at'),
          eb.val(m.replaceKey).as('replace_key'),
        ])
        .where('email_key', '=', emailKey),
    )
    .execute();
}

/**
 * Serialises writers for one recipient until the transaction ends (PostgreSQL), so the
 * per-recipient count and the insert that follows it, or the folding of held mail into a
 * digest, cannot race. SQLite has one writer.
 */
export async function lockRecipient(db: Db, dialect: DialectName, recipientKey: string): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${`mail:${recipientKey}`}))`.execute(db);
}

/** Messages to `recipientKey` queued since `since` that go out on their own (held and folded ones do not). */
export async function countRecentForRecipient(db: Db, recipientKey: string, since: string): Promise<number> {
  const row = await db
    .selectFrom('mail_outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('recipient_key', '=', recipientKey)
    .where('created_at', '>', since)
    .where('status', 'not in', ['held', 'folded'])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The held message to `recipientKey` with `replaceKey` (or any held message, without one), if there is one. */
export async function findHeldMessage(
  db: Db,
  recipientKey: string,
  replaceKey: string | null,
): Promise<{ id: string } | null> {
  let q = db
    .selectFrom('mail_outbox')
    .select('id')
    .where('recipient_key', '=', recipientKey)
    .where('status', '=', 'held');
  if (replaceKey !== null) q = q.where('replace_key', '=', replaceKey);
  return (await q.orderBy('created_at', 'desc').limit(1).executeTakeFirst()) ?? null;
}

/** Puts a newer message in the place of a held one: same ID, and the same window (it goes out no later). */
export async function replaceHeldMessage(
  db: Db,
  id: string,
  m: Pick<StoredMessage, 'accountId' | 'subject' | 'sealedText' | 'sealedHtml' | 'createdAt'>,
): Promise<boolean> {
  const result = await db
    .updateTable('mail_outbox')
    .set({
      account_id: m.accountId,
      subject: m.subject,
      text_body: m.sealedText,
      html_body: m.sealedHtml,
      created_at: m.createdAt,
    })
    .where('id', '=', id)
    .where('status', '=', 'held')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findOutboxMessage(db: Db, id: string): Promise<StoredMessage | null> {
  const row = await db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toMessage(row) : null;
}

/** Newest first. */
export async function listOutbox(db: Db, options: { limit: number; recipient?: string }): Promise<StoredMessage[]> {
  let q = db.selectFrom('mail_outbox').selectAll();
  if (options.recipient) q = q.where('recipient_key', '=', options.recipient.toLowerCase());
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
  return rows.map(toMessage);
}

/** Messages to `recipientKey` still held back or given up on, newest first; digests are shown through what they carry. */
export async function listUndelivered(
  db: Db,
  recipientKey: string,
  digestTemplate: string,
  limit: number,
): Promise<StoredMessage[]> {
  const rows = await db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('recipient_key', '=', recipientKey)
    .where('status', 'in', ['held', 'failed'])
    .where('template', '!=', digestTemplate)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toMessage);
}

/** IDs of messages that are due, or whose claim has lapsed (a sender died mid-send). */
export async function dueMessageIds(db: Db, now: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('mail_outbox')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', 'in', ['queued', 'deferred']), eb('next_attempt_at', '<=', now)]),
        eb.and([eb('status', '=', 'sending'), eb('lease_until', '<=', now)]),
      ]),
    )
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Claims one message for one sender. A single conditional UPDATE: when several instances
 * race for the same row, the database lets exactly one of them change it (PostgreSQL
 * re-checks the WHERE after the row lock; SQLite has one writer), so each message is
 * handed to one sender at a time.
 */
export async function claimMessage(
  db: Db,
  id: string,
  owner: string,
  now: string,
  leaseUntil: string,
): Promise<boolean> {
  const result = await db
    .updateTable('mail_outbox')
    .set((eb) => ({ status: 'sending', lease_owner: owner, lease_until: leaseUntil, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where((eb) =>
      eb.or([
        eb.and([eb('status', 'in', ['queued', 'deferred']), eb('next_attempt_at', '<=', now)]),
        eb.and([eb('status', '=', 'sending'), eb('lease_until', '<=', now)]),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface Outcome {
  status: 'sent' | 'deferred' | 'failed';
  reply: string | null;
  at: string;
  nextAttemptAt?: string;
}

/**
 * Records the outcome of a send, only while `owner` still holds the claim (true when it did).
 * A sent message's body is erased: its links and codes are in the mailbox now, nowhere else.
 */
export async function settleMessage(db: Db, id: string, owner: string, outcome: Outcome): Promise<boolean> {
  const result = await db
    .updateTable('mail_outbox')
    .set({
      status: outcome.status,
      last_reply: outcome.reply ? outcome.reply.slice(0, 1000) : null,
      lease_owner: null,
      lease_until: null,
      ...(outcome.status === 'sent' ? { sent_at: outcome.at, text_body: '', html_body: '' } : {}),
      ...(outcome.nextAttemptAt ? { next_attempt_at: outcome.nextAttemptAt } : {}),
    })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The messages folded into digest `digestId` follow it once it is sent or has failed for good. */
export async function settleFoldedMessages(db: Db, digestId: string, outcome: Outcome): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set({
      status: outcome.status,
      last_reply: outcome.reply ? outcome.reply.slice(0, 1000) : null,
      ...(outcome.status === 'sent' ? { sent_at: outcome.at } : {}),
    })
    .where('digest_id', '=', digestId)
    .where('status', '=', 'folded')
    .execute();
}

/** Recipients with held mail whose window has ended. */
export async function recipientsWithDueHeldMail(db: Db, now: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('mail_outbox')
    .select('recipient_key')
    .distinct()
    .where('status', '=', 'held')
    .where('next_attempt_at', '<=', now)
    .limit(limit)
    .execute();
  return rows.map((r) => r.recipient_key);
}

/**
 * Claims every message held for `recipientKey` for digest `digestId`: one conditional
 * UPDATE, so of several senders racing for the same recipient exactly one folds each message.
 */
export async function foldHeldMessages(db: Db, recipientKey: string, digestId: string): Promise<number> {
  const result = await db
    .updateTable('mail_outbox')
    .set({ status: 'folded', digest_id: digestId })
    .where('recipient_key', '=', recipientKey)
    .where('status', '=', 'held')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The messages folded into `digestId`, in the order they were queued. */
export async function foldedMessages(db: Db, digestId: string): Promise<StoredMessage[]> {
  const rows = await db
    .selectFrom('mail_outbox')
    .selectAll()
    .where('digest_id', '=', digestId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toMessage);
}

/** Once the digest holds their content, folded messages keep only their subject. */
export async function eraseFoldedBodies(db: Db, digestId: string): Promise<void> {
  await db.updateTable('mail_outbox').set({ text_body: '', html_body: '' }).where('digest_id', '=', digestId).execute();
}
