import type { FastifyInstance } from 'fastify';
import { actorOf } from '../identities/principal.ts';
import { getUser } from '../users/user.service.ts';
import { pageRoutes, redirect } from '../web/page-route.ts';
import type { WebContext } from '../web/web-context.ts';
import { UNLOCK_SIGN_IN } from './throttle-access.ts';
import { unlockUserByAdministrator } from './unlock.service.ts';

/** `POST /console/users/:name/unlock-sign-in`: the root user or an administrator clears the user's failures. */
export async function throttleConsoleRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);
  pages.post('/console/users/:name/unlock-sign-in', { access: UNLOCK_SIGN_IN }, async (p) => {
    const { accountId } = p.who.principal;
    const user = await getUser(p.deps, accountId, p.params.name);
    await unlockUserByAdministrator(p.deps, accountId, user, actorOf(p.who.principal), p.meta);
    return redirect(`/console/users/${encodeURIComponent(user.name)}?done=sign-in-unlocked`);
  });
}
