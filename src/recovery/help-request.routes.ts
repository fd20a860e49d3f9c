import type { FastifyInstance } from 'fastify';
import { actorOf, userArn } from '../identities/principal.ts';
import { type ResourceOf, param, permission } from '../authz/console-access.ts';
import { findUserByName } from '../identities/user.repository.ts';
import { signedInOf } from '../web/guard.ts';
import { metaOf } from '../web/request-meta.ts';
import type { WebContext } from '../web/web-context.ts';
import { findPendingHelpRequest } from './help-request.repository.ts';
import { dismissHelp } from './help-request.service.ts';

/** The user who asked (`user/*` when the request is unknown or closed: the handler then says so). */
const askingUser: ResourceOf = async (input, who, deps) => {
  const accountId = who.principal.accountId;
  const request = await findPendingHelpRequest(deps.db, accountId, param(input, 'id'), 'password');
  const user = request ? await findUserByName(deps.db, accountId, request.userName) : null;
  return userArn(accountId, user?.path ?? '/', user?.name ?? request?.userName ?? '*');
};

/**
 * Dismissing a "forgot my password" request is deciding not to reset that user's
 * password: it takes the permission that would reset it (iam:UpdateLoginProfile on the user).
 */
export const DISMISS_HELP_REQUEST = permission({ action: 'iam:UpdateLoginProfile', resource: askingUser });

/** Administrators close a "forgot my password" request without acting on it. */
export async function helpRequestRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  app.post<{ Params: { id: string } }>('/console/users/help-requests/:id/dismiss', { config: { access: DISMISS_HELP_REQUEST } }, async (request, reply) => {
    const who = signedInOf(request);
    await dismissHelp(web.deps, who.principal.accountId, request.params.id, actorOf(who.principal), metaOf(request));
    return reply.redirect('/console/users', 303);
  });
}
