import type { FastifyInstance } from 'fastify';
import { noSession } from '../authz/console-access.ts';
import { pageRoutes, withStatus } from '../web/page-route.ts';
import type { WebContext } from '../web/web-context.ts';
import { unlockDonePage, unlockInvalidPage, unlockPage } from './unlock.pages.ts';
import { refuseUnlockLink, unlockLinkUsable, unlockWithLink } from './unlock.service.ts';

const UNLOCK_LINK = noSession('Sign-in is stopped: the emailed link, not a session, proves the owner.');

/** The emailed link that lifts a hard stop: opening it shows a button; only the button changes anything. */
export async function unlockRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);

  pages.get('/signin/unlock', { access: UNLOCK_LINK }, async (p) => {
    const token = typeof p.query.token === 'string' ? p.query.token : '';
    if (!(await unlockLinkUsable(p.deps, token)))
      return withStatus(400, unlockInvalidPage(await refuseUnlockLink(p.deps, token, p.meta)));
    // The page's URL carries the token: no Referer may take it elsewhere.
    p.reply.header('Referrer-Policy', 'no-referrer');
    return unlockPage(p.csrf, token);
  });

  pages.post('/signin/unlock', { access: UNLOCK_LINK, form: { token: { max: 200 } } }, async (p) => {
    if (!(await unlockWithLink(p.deps, p.form.token, p.meta)))
      return withStatus(400, unlockInvalidPage(await refuseUnlockLink(p.deps, p.form.token, p.meta)));
    return unlockDonePage();
  });
}
