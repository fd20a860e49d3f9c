import { sql } from 'kysely';
import type { Db, DialectName } from '../db/database.ts';

export type MailStatus = 'queued' | 'sending' | 'sent' | 'deferred' | 'failed';

export interface OutboxMessage {
  id: string;
  accountId: string | null;
  recipient: string;
  template: string;
  subject: string;
  text: string;
  html: string;
  status: MailStatus;
  attempts: number;
  nextAttemptAt: string;
  lastReply: string | null;
  createdAt: string;
  sentAt: string | null;
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
};

function toMessage(row: Row): OutboxMessage {
  return {
    id: row.id,
    accountId: row.account_id,
    recipient: row.recipient,
    template: row.template,
    subject: row.subject,
    text: row.text_body,
    html: row.html_body,
    status: row.status as MailStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    lastReply: row.last_reply,
    createdAt: row.created_at,
    sentAt: row.sent_at,
  };
}

export async function insertOutboxMessage(
  db: Db,
  m: Pick<OutboxMessage, 'id' | 'accountId' | 'recipient' | 'template' | 'subject' | 'text' | 'html' | 'createdAt'>,
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
      text_body: m.text,
      html_body: m.html,
      status: 'queued',
      attempts: 0,
      next_attempt_at: m.createdAt,
      created_at: m.createdAt,
    })
    .execute();
}

/**
 * Serialises writers for one recipient until the transaction ends (PostgreSQL), so the
 * per-recipient count and the insert that follows it cannot race. SQLite has one writer.
 */
export async function lockRecipient(db: Db, dialect: DialectName, recipientKey: string): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${'mail:' + recipientKey}))`.execute(db);
}

export async function countRecentForRecipient(db: Db, recipientKey: string, since: string): Promise<number> {
  const row = await db
    .selectFrom('mail_outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('recipient_key', '=', recipientKey)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findOutboxMessage(db: Db, id: string): Promise<OutboxMessage | null> {
  const row = await db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toMessage(row) : null;
}

/** Newest first. */
export async function listOutbox(db: Db, options: { limit: number; recipient?: string }): Promise<OutboxMessage[]> {
  let q = db.selectFrom('mail_outbox').selectAll();
  if (options.recipient) q = q.where('recipient_key', '=', options.recipient.toLowerCase());
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
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
export async function claimMessage(db: Db, id: string, owner: string, now: string, leaseUntil: string): Promise<boolean> {
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

/** Records the outcome of a send, only while `owner` still holds the claim. */
export async function settleMessage(
  db: Db,
  id: string,
  owner: string,
  outcome: { status: 'sent' | 'deferred' | 'failed'; reply: string | null; at: string; nextAttemptAt?: string },
): Promise<void> {
  await db
    .updateTable('mail_outbox')
    .set({
      status: outcome.status,
      last_reply: outcome.reply ? outcome.reply.slice(0, 1000) : null,
      lease_owner: null,
      lease_until: null,
      ...(outcome.status === 'sent' ? { sent_at: outcome.at } : {}),
      ...(outcome.nextAttemptAt ? { next_attempt_at: outcome.nextAttemptAt } : {}),
    })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'sending')
    .execute();
}

/**
 * Queues a message to `emailKey` only when it is some root user's address, in one
 * statement that runs the same whether or not it is (see `insertTokenForRootEmail`).
 */
export async function insertOutboxForRootEmail(
  db: Db,
  emailKey: string,
  m: Pick<OutboxMessage, 'id' | 'template' | 'subject' | 'text' | 'html' | 'createdAt'>,
): Promise<void> {
  await db
    .insertInto('mail_outbox')
    .columns(['id', 'account_id', 'recipient', 'recipient_key', 'template', 'subject', 'text_body', 'html_body', 'status', 'next_attempt_at', 'created_at'])
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
          eb.val(m.text).as('text_body'),
          eb.val(m.html).as('html_body'),
          eb.val('queued').as('status'),
          eb.val(m.createdAt).as('next_attempt_at'),
          eb.val(m.createdAt).as('created_at'),
        ])
        .where('email_key', '=', emailKey),
    )
    .execute();
}
