import type { FastifyInstance, FastifyReply } from 'fastify';
import { GatehouseError } from '../shared/errors.ts';
import { html } from '../shared/html.ts';
import { page } from '../web/layout.ts';
import type { WebContext } from '../web/web-context.ts';
import { bodyNote, linksIn } from './outbox.format.ts';
import { findOutboxMail, listOutboxHeaders } from './outbox.service.ts';

/**
 * `/_dev/outbox`: the mail Gatehouse queued, readable in the browser. Registered only
 * when GATEHOUSE_ENV=development, since it shows every message, reset links included.
 */
export async function devOutboxRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const send = (reply: FastifyReply, body: string) => reply.status(200).type('text/html; charset=utf-8').send(body);

  app.get('/_dev/outbox', async (_request, reply) => {
    const messages = await listOutboxHeaders(web.deps, { limit: 100 });
    return send(
      reply,
      page({
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
      }),
    );
  });

  app.get<{ Params: { id: string } }>('/_dev/outbox/:id', async (request, reply) => {
    const message = await findOutboxMail(web.deps, request.params.id);
    if (!message) throw new GatehouseError('NoSuchEntity', 'There is no such message.');
    return send(
      reply,
      page({
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
      }),
    );
  });
}
