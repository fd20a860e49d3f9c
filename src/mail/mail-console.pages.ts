import { MINUTE } from '../shared/clock.ts';
import { type SafeHtml, html } from '../shared/html.ts';
import { formatTime } from './mail-templates.ts';
import { RECIPIENT_LIMIT, RECIPIENT_WINDOW_MS } from './mail.service.ts';
import type { UndeliveredMail } from './outbox.service.ts';

function state(m: UndeliveredMail): string {
  if (m.status === 'held') {
    return `held back: more than ${RECIPIENT_LIMIT} messages went to your address within ${RECIPIENT_WINDOW_MS / MINUTE} minutes. It arrives with the others held back, in one message, by ${formatTime(m.nextAttemptAt)}.`;
  }
  return `could not be delivered${m.lastReply ? `: ${m.lastReply}` : ''}. Queued ${formatTime(m.createdAt)}.`;
}

/**
 * The console home's card for the root user: mail to their address that is held back by the
 * per-recipient limit or failed for good, by subject and status, so nothing a page promised
 * ("check your email") goes missing unnoticed.
 */
export function undeliveredMailCard(messages: UndeliveredMail[]): SafeHtml {
  if (messages.length === 0) return html``;
  return html`<section class="card">
  <h2>Mail to you that has not arrived</h2>
  <ul>${messages.map((m) => html`<li><strong>${m.subject}</strong> — ${state(m)}</li>`)}</ul>
</section>`;
}
