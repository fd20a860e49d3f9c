import type { FastifyInstance } from 'fastify';
import { actorOf } from '../accounts/principal.ts';
import { assertConsoleAllowed } from '../policies/console-authorization.ts';
import { requireSignIn } from '../web/guard.ts';
import { metaOf } from '../web/request-meta.ts';
import type { WebContext } from '../web/web-context.ts';
import { dismissHelp } from './help-request.service.ts';

/** Administrators close a "forgot my password" request without acting on it. */
export async function helpRequestRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  app.post<{ Params: { id: string } }>('/console/users/help-requests/:id/dismiss', async (request, reply) => {
    web.assertCsrf(request);
    const who = await requireSignIn(web, request, reply);
    if (!who) return reply;
    await assertConsoleAllowed(web.deps, who, request, 'iam:ListUsers', '*');
    await dismissHelp(web.deps, who.principal.accountId, request.params.id, actorOf(who.principal), metaOf(request));
    return reply.redirect('/console/users', 303);
  });
}
