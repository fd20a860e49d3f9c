import type { FastifyInstance } from 'fastify';
import { pageRoutes, redirect } from '../web/page-route.ts';
import type { WebContext } from '../web/web-context.ts';
import { recentRolesOf } from './role-history.ts';
import { SWITCH_ROLE_ACCESS } from './switch-role-access.ts';
import { switchRolePage } from './switch-role.pages.ts';
import { switchBack } from './switched-session.service.ts';

/**
 * Switch role: the page (form and recently used roles), the switch itself, and Switch back.
 * While switched, every console page acts as the role (`WebContext.signedIn`).
 */
export async function switchRoleRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);

  pages.get('/console/switch-role', { access: SWITCH_ROLE_ACCESS.page }, (p) => {
    const user = p.who.switched?.user ?? p.who.principal;
    return switchRolePage({
      principal: p.who.principal,
      csrf: p.csrf,
      recent: user.type === 'root' ? [] : recentRolesOf(p.request.cookies[web.rolesCookie], user.id),
      values: {},
      errors: {},
    });
  });

  pages.post('/console/switch-role/back', { access: SWITCH_ROLE_ACCESS.back, form: {} }, async (p) => {
    if (p.who.switched) await switchBack(p.deps, p.who.session, p.who.switched, p.meta);
    return redirect('/console');
  });
}
