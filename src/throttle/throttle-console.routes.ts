import type { FastifyInstance } from 'fastify';
import { actorOf } from '../identities/principal.ts';
import { getUser } from '../users/user.service.ts';
import { signedInOf } from '../web/guard.ts';
import { metaOf } from '../web/request-meta.ts';
import type { WebContext } from '../web/web-context.ts';
import { UNLOCK_SIGN_IN } from './throttle-access.ts';
import { unlockUserByAdministrator } from './unlock.service.ts';

/** `POST /console/users/:name/unlock-sign-in`: the root user or an administrator clears the user's failures. */
export async function throttleConsoleRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  app.post<{ Params: { name: string } }>(
    '/console/users/:name/unlock-sign-in',
    { config: { access: UNLOCK_SIGN_IN } },
    async (request, reply) => {
      const who = signedInOf(request);
      const user = await getUser(web.deps, who.principal.accountId, request.params.name);
      await unlockUserByAdministrator(web.deps, who.principal.accountId, user, actorOf(who.principal), metaOf(request));
      return reply.redirect(`/console/users/${encodeURIComponent(user.name)}?done=sign-in-unlocked`, 303);
    },
  );
}
