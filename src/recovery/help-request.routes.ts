import type { FastifyInstance } from 'fastify';
import { actorOf } from '../identities/principal.ts';
import { pageRoutes, redirect } from '../web/page-route.ts';
import type { WebContext } from '../web/web-context.ts';
import { DISMISS_HELP_REQUEST } from './help-request-access.ts';
import { dismissHelp } from './help-request.service.ts';

/** Administrators close a "forgot my password" request without acting on it. */
export async function helpRequestRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);
  pages.post('/console/users/help-requests/:id/dismiss', { access: DISMISS_HELP_REQUEST }, async (p) => {
    await dismissHelp(p.deps, p.who.principal.accountId, p.params.id, 'password', actorOf(p.who.principal), p.meta);
    return redirect('/console/users');
  });
}
