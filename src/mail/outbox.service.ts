import type { Principal } from '../identities/principal.ts';
import type { Deps } from '../deps.ts';
import { openMailBody } from './mail-body.ts';
import { HELD_DIGEST_TEMPLATE } from './mail-templates.ts';
import { type StoredMessage, findOutboxMessage, listOutbox, listUndelivered } from './outbox.repository.ts';

/** A message of the outbox without its bodies. */
export type OutboxHeader = Omit<StoredMessage, 'sealedText' | 'sealedHtml'>;

/**
 * A message of the outbox with its bodies opened. `body` says why text and html are empty:
 * erased once sent, moved into a digest, or sealed under a key no longer given.
 */
export interface OutboxMessage extends OutboxHeader {
  text: string;
  html: string;
  body: 'readable' | 'erased' | 'in-digest' | 'unreadable';
}

type ReadDeps = Pick<Deps, 'db' | 'keyring'>;

/** Opens a stored message; only the sender and the outbox readers (CLI, development page) do. */
export function openMessage(deps: Pick<Deps, 'keyring'>, stored: StoredMessage): OutboxMessage {
  const { sealedText, sealedHtml, ...rest } = stored;
  const text = openMailBody(deps.keyring, stored.id, sealedText);
  const html = openMailBody(deps.keyring, stored.id, sealedHtml);
  if (text === null || html === null) return { ...rest, text: '', html: '', body: 'unreadable' };
  if (text === '') return { ...rest, text, html, body: stored.digestId ? 'in-digest' : 'erased' };
  return { ...rest, text, html, body: 'readable' };
}

export async function findOutboxMail(deps: ReadDeps, id: string): Promise<OutboxMessage | null> {
  const stored = await findOutboxMessage(deps.db, id);
  return stored ? openMessage(deps, stored) : null;
}

/** Queued mail without its bodies (the development outbox page), newest first. */
export async function listOutboxHeaders(deps: Pick<Deps, 'db'>, options: { limit: number }): Promise<OutboxHeader[]> {
  return (await listOutbox(deps.db, options)).map(({ sealedText: _text, sealedHtml: _html, ...rest }) => rest);
}

/** Newest first. */
export async function listOutboxMail(
  deps: ReadDeps,
  options: { limit: number; recipient?: string },
): Promise<OutboxMessage[]> {
  return (await listOutbox(deps.db, options)).map((m) => openMessage(deps, m));
}

/** What the owner is shown of a message to them that has not arrived; never its body. */
export type UndeliveredMail = Pick<
  StoredMessage,
  'id' | 'subject' | 'status' | 'lastReply' | 'createdAt' | 'nextAttemptAt'
>;

/** Mail to the root user's address held back or failed for good (the console home's card); an IAM user has no address here. */
export async function undeliveredMailOf(deps: Pick<Deps, 'db'>, principal: Principal): Promise<UndeliveredMail[]> {
  return principal.type === 'root' ? undeliveredMailTo(deps, principal.email) : [];
}

/** Mail to `email` that is held back or failed for good, newest first (the messages a digest carried, not the digest). */
export async function undeliveredMailTo(deps: Pick<Deps, 'db'>, email: string): Promise<UndeliveredMail[]> {
  const messages = await listUndelivered(deps.db, email.trim().toLowerCase(), HELD_DIGEST_TEMPLATE, 20);
  return messages.map(({ id, subject, status, lastReply, createdAt, nextAttemptAt }) => ({
    id,
    subject,
    status,
    lastReply,
    createdAt,
    nextAttemptAt,
  }));
}
