import type { FastifyInstance } from 'fastify';
import { pageRoutes, redirect } from '../web/page-route.ts';
import type { WebContext } from '../web/web-context.ts';
import { recentRolesOf, withRecentRole } from './role-history.ts';
import { SWITCH_ROLE_ACCESS } from './switch-role-access.ts';
import { switchRolePage } from './switch-role.pages.ts';
import { switchRole } from './switch-role.service.ts';
import { switchBack } from './switched-session.service.ts';

/** How long a browser keeps its recently used roles: 400 days, the longest browsers keep a cookie. */
const HISTORY_SECONDS = 400 * 24 * 3600;

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

  pages.post(
    '/console/switch-role',
    {
      access: SWITCH_ROLE_ACCESS.switch,
      form: {
        account: { max: 64 },
        roleName: { max: 640 },
        displayName: { max: 256, optional: true },
        colour: { max: 16, optional: true },
      },
      // One message for every refusal; a malformed field says what is wrong with it.
      redisplay: (p, error) => {
        const user = p.who.switched?.user ?? p.who.principal;
        const field = (['account', 'roleName', 'displayName', 'colour'] as const).find((f) => f === error.field);
        return switchRolePage({
          principal: p.who.principal,
          csrf: p.csrf,
          recent: user.type === 'root' ? [] : recentRolesOf(p.request.cookies[web.rolesCookie], user.id),
          values: p.form,
          errors: { [field ?? 'form']: error.message },
        });
      },
    },
    async (p) => {
      const user = p.who.switched?.user ?? p.who.principal;
      const secure = p.request.protocol === 'https';
      const recent = await switchRole(p.deps, p.who.session, user, p.form, { secure }, p.meta);
      const history = withRecentRole(p.request.cookies[web.rolesCookie], user.id, recent);
      p.reply.setCookie(web.rolesCookie, history, web.cookieOptions(HISTORY_SECONDS));
      return redirect('/console');
    },
  );

  pages.post('/console/switch-role/back', { access: SWITCH_ROLE_ACCESS.back, form: {} }, async (p) => {
    if (p.who.switched) await switchBack(p.deps, p.who.session, p.who.switched, p.meta);
    return redirect('/console');
  });
}
