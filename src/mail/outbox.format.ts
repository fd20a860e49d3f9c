import type { StoredMessage } from './outbox.repository.ts';
import type { OutboxMessage } from './outbox.service.ts';

/** The links in a message's text, in order (what a person would click). */
export function linksIn(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^\s<>"']+/g)].map((m) => m[0]);
}

/** Why a message shows no text, in words; null when it has its text. */
export function bodyNote(m: OutboxMessage): string | null {
  switch (m.body) {
    case 'readable':
      return null;
    case 'erased':
      return '(The text was erased after delivery.)';
    case 'in-digest':
      return `(Held back, then sent with others in message ${m.digestId}.)`;
    case 'unreadable':
      return '(The text is sealed under a SECRET_KEY that is no longer configured.)';
  }
}

type Summary = Pick<
  StoredMessage,
  'id' | 'recipient' | 'subject' | 'template' | 'status' | 'attempts' | 'createdAt' | 'sentAt' | 'lastReply'
>;

/** A message as `outbox list --json` prints it (no body: listing opens nothing). */
export function outboxJson(m: Summary) {
  return {
    id: m.id,
    to: m.recipient,
    subject: m.subject,
    template: m.template,
    status: m.status,
    attempts: m.attempts,
    createdAt: m.createdAt,
    sentAt: m.sentAt,
    lastReply: m.lastReply,
  };
}

/** A message as `outbox show --json` prints it: the list fields, its opened text and links. */
export function outboxFullJson(m: OutboxMessage) {
  return { ...outboxJson(m), text: m.text, links: linksIn(m.text), body: m.body, digestId: m.digestId };
}
