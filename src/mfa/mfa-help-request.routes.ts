import type { FastifyInstance } from 'fastify';
import { actorOf } from '../identities/principal.ts';
import { pageRoutes, redirect } from '../web/page-route.ts';
import type { WebContext } from '../web/web-context.ts';
import { ACT_ON_MFA_HELP } from './mfa-access.ts';
import { dismissHelp } from '../recovery/help-request.service.ts';
import { resolveMfaHelpRequest } from './mfa-help-request.service.ts';

/** Administrators act on an IAM user's "lost my MFA device" request: deactivate the user's devices, or dismiss it. */
export async function mfaHelpRequestRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);

  pages.post('/console/users/mfa-help-requests/:id/resolve', { access: ACT_ON_MFA_HELP }, async (p) => {
    await resolveMfaHelpRequest(p.deps, p.who.principal.accountId, p.params.id, actorOf(p.who.principal), p.meta);
    return redirect('/console/users?done=mfa-help-resolved');
  });

  pages.post('/console/users/mfa-help-requests/:id/dismiss', { access: ACT_ON_MFA_HELP }, async (p) => {
    await dismissHelp(p.deps, p.who.principal.accountId, p.params.id, 'mfa', actorOf(p.who.principal), p.meta);
    return redirect('/console/users?done=mfa-help-dismissed');
  });
}
