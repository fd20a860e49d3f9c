import type { FastifyInstance } from 'fastify';
import { actorOf } from '../identities/principal.ts';
import { signedInOf } from '../web/guard.ts';
import { metaOf } from '../web/request-meta.ts';
import type { WebContext } from '../web/web-context.ts';
import { DISMISS_HELP_REQUEST } from './help-request-access.ts';
import { dismissHelp } from './help-request.service.ts';

/** Administrators close a "forgot my password" request without acting on it. */
export async function helpRequestRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  app.post<{ Params: { id: string } }>(
    '/console/users/help-requests/:id/dismiss',
    { config: { access: DISMISS_HELP_REQUEST } },
    async (request, reply) => {
      const who = signedInOf(request);
      await dismissHelp(web.deps, who.principal.accountId, request.params.id, actorOf(who.principal), metaOf(request));
      return reply.redirect('/console/users', 303);
    },
  );
}
