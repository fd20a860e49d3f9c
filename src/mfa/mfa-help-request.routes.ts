import type { FastifyInstance } from 'fastify';
import { actorOf } from '../identities/principal.ts';
import { signedInOf } from '../web/guard.ts';
import { metaOf } from '../web/request-meta.ts';
import type { WebContext } from '../web/web-context.ts';
import { ACT_ON_MFA_HELP } from './mfa-access.ts';
import { dismissMfaHelpRequest, resolveMfaHelpRequest } from './mfa-help-request.service.ts';

/** Administrators act on an IAM user's "lost my MFA device" request: deactivate the user's devices, or dismiss it. */
export async function mfaHelpRequestRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const { deps } = web;

  app.post<{ Params: { id: string } }>(
    '/console/users/mfa-help-requests/:id/resolve',
    { config: { access: ACT_ON_MFA_HELP } },
    async (request, reply) => {
      const who = signedInOf(request);
      await resolveMfaHelpRequest(
        deps,
        who.principal.accountId,
        request.params.id,
        actorOf(who.principal),
        metaOf(request),
      );
      return reply.redirect('/console/users?done=mfa-help-resolved', 303);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/console/users/mfa-help-requests/:id/dismiss',
    { config: { access: ACT_ON_MFA_HELP } },
    async (request, reply) => {
      const who = signedInOf(request);
      await dismissMfaHelpRequest(
        deps,
        who.principal.accountId,
        request.params.id,
        actorOf(who.principal),
        metaOf(request),
      );
      return reply.redirect('/console/users?done=mfa-help-dismissed', 303);
    },
  );
}
