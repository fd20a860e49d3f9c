import { html } from '../shared/html.ts';
import { page } from '../web/layout.ts';
import { bodyNote, linksIn } from './outbox.format.ts';
import type { OutboxHeader, OutboxMessage } from './outbox.service.ts';

/** The development outbox: the queued mail, newest first. */
export function outboxListPage(messages: OutboxHeader[]): string {
  return page({
    title: 'Outbox (development)',
    body: html`<h1>Outbox</h1>
<p class="muted">Development mode only. Newest first.</p>
<section class="card">
  ${
    messages.length === 0
      ? html`<p class="muted">No mail yet.</p>`
      : html`<table>
    <thead><tr><th scope="col">Queued</th><th scope="col">To</th><th scope="col">Subject</th><th scope="col">Status</th></tr></thead>
    <tbody>${messages.map(
      (m) =>
        html`<tr><td>${m.createdAt}</td><td>${m.recipient}</td><td><a href="/_dev/outbox/${m.id}">${m.subject}</a></td><td>${m.status}</td></tr>`,
    )}</tbody>
  </table>`
  }
</section>`,
  });
}

/** One queued message: its links, to follow in the browser, and its text. */
export function outboxMessagePage(message: OutboxMessage): string {
  return page({
    title: message.subject,
    body: html`<h1>${message.subject}</h1>
<section class="card">
  <dl class="facts"><dt>To</dt><dd>${message.recipient}</dd><dt>Status</dt><dd>${message.status}${message.lastReply ? ` (${message.lastReply})` : ''}</dd><dt>Queued</dt><dd>${message.createdAt}</dd></dl>
  <h2>Links</h2>
  <ul>${linksIn(message.text).map((link) => html`<li><a href="${link}">${link}</a></li>`)}</ul>
  <h2>Text</h2>
  <pre>${bodyNote(message) ?? message.text}</pre>
</section>
<p class="links"><a href="/_dev/outbox">All mail</a></p>`,
  });
}
