import type { OutboxMessage } from './outbox.repository.ts';

/** The links in a message's text, in order (what a person would click). */
export function linksIn(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^\s<>"']+/g)].map((m) => m[0]);
}

/** A message as `outbox list --json` / `outbox show --json` print it. */
export function outboxJson(m: OutboxMessage, full: boolean) {
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
    ...(full ? { text: m.text, links: linksIn(m.text) } : {}),
  };
}
