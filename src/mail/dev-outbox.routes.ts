import type { FastifyInstance } from 'fastify';
import { noSession } from '../authz/console-access.ts';
import { GatehouseError } from '../shared/errors.ts';
import { pageRoutes } from '../web/page-route.ts';
import type { WebContext } from '../web/web-context.ts';
import { outboxListPage, outboxMessagePage } from './dev-outbox.pages.ts';
import { findOutboxMail, listOutboxHeaders } from './outbox.service.ts';

const DEVELOPMENT_ONLY = noSession(
  'A development aid with no accounts behind it: it is registered only when GATEHOUSE_ENV=development.',
);

/**
 * `/_dev/outbox`: the mail Gatehouse queued, readable in the browser. Registered only
 * when GATEHOUSE_ENV=development, since it shows every message, reset links included.
 */
export async function devOutboxRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);

  pages.get('/_dev/outbox', { access: DEVELOPMENT_ONLY }, async (p) =>
    outboxListPage(await listOutboxHeaders(p.deps, { limit: 100 })),
  );

  pages.get('/_dev/outbox/:id', { access: DEVELOPMENT_ONLY }, async (p) => {
    const message = await findOutboxMail(p.deps, p.params.id);
    if (!message) throw new GatehouseError('NoSuchEntity', 'There is no such message.');
    return outboxMessagePage(message);
  });
}
