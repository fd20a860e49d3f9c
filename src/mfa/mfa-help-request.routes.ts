import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from '../accounts/principal.ts';
import { assertConsoleAllowed } from '../policies/console-authorization.ts';
import { requireSignIn } from '../web/guard.ts';
import { metaOf } from '../web/request-meta.ts';
import type { SignedIn, WebContext } from '../web/web-context.ts';
import { MFA_HELP_PERMISSION, dismissMfaHelpRequest, findMfaHelpRequest, resolveMfaHelpRequest } from './mfa-help-request.service.ts';
import { mfaDepsOf } from './mfa.routes.ts';

/**
 * Administrators act on an IAM user's "lost my MFA device" request: deactivate the user's
 * devices, or dismiss it. Either needs iam:DeactivateMFADevice on the user, the permission
 * the Query API's DeactivateMFADevice checks.
 */
export async function mfaHelpRequestRoutes(app: FastifyInstance, { web, secretKey }: { web: WebContext; secretKey: Buffer }): Promise<void> {
  const deps = mfaDepsOf(web, secretKey);

  async function allowed(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply): Promise<SignedIn | null> {
    web.assertCsrf(request);
    const who = await requireSignIn(web, request, reply);
    if (!who) return null;
    const { userArn } = await findMfaHelpRequest(deps, who.principal.accountId, request.params.id);
    await assertConsoleAllowed(deps, who, request, MFA_HELP_PERMISSION, userArn);
    return who;
  }

  app.post<{ Params: { id: string } }>('/console/users/mfa-help-requests/:id/resolve', async (request, reply) => {
    const who = await allowed(request, reply);
    if (!who) return reply;
    await resolveMfaHelpRequest(deps, who.principal.accountId, request.params.id, actorOf(who.principal), metaOf(request));
    return reply.redirect('/console/users?done=mfa-help-resolved', 303);
  });

  app.post<{ Params: { id: string } }>('/console/users/mfa-help-requests/:id/dismiss', async (request, reply) => {
    const who = await allowed(request, reply);
    if (!who) return reply;
    await dismissMfaHelpRequest(deps, who.principal.accountId, request.params.id, actorOf(who.principal), metaOf(request));
    return reply.redirect('/console/users?done=mfa-help-dismissed', 303);
  });
}
