import type { FastifyInstance, FastifyReply } from 'fastify';
import { readForm } from '../web/forms.ts';
import { metaOf } from '../web/request-meta.ts';
import type { WebContext } from '../web/web-context.ts';
import { unlockDonePage, unlockInvalidPage, unlockPage } from './unlock.pages.ts';
import { refuseUnlockLink, unlockLinkUsable, unlockWithLink } from './unlock.service.ts';

/** The emailed link that lifts a hard stop: opening it shows a button; only the button changes anything. */
export async function unlockRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const send = (reply: FastifyReply, status: number, body: string) =>
    reply.status(status).type('text/html; charset=utf-8').send(body);

  app.get<{ Querystring: { token?: string } }>('/signin/unlock', async (request, reply) => {
    const token = typeof request.query.token === 'string' ? request.query.token : '';
    if (!(await unlockLinkUsable(web.deps, token)))
      return send(reply, 400, unlockInvalidPage(await refuseUnlockLink(web.deps, token, metaOf(request))));
    reply.header('Referrer-Policy', 'no-referrer');
    return send(reply, 200, unlockPage(web.csrfToken(request, reply), token));
  });

  app.post('/signin/unlock', async (request, reply) => {
    web.assertCsrf(request);
    const { token } = readForm(request, { token: { max: 200 } });
    if (!(await unlockWithLink(web.deps, token, metaOf(request))))
      return send(reply, 400, unlockInvalidPage(await refuseUnlockLink(web.deps, token, metaOf(request))));
    return send(reply, 200, unlockDonePage());
  });
}
