import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { assertConsoleAllowed } from '../policies/console-authorization.ts';
import { GatehouseError } from '../shared/errors.ts';
import { ownEntry } from '../shared/own-entry.ts';
import { readForm } from '../web/forms.ts';
import { requireSignIn } from '../web/guard.ts';
import { metaOf } from '../web/request-meta.ts';
import type { SignedIn, WebContext } from '../web/web-context.ts';
import { accountAliasPage } from './account-alias.pages.ts';
import { deleteAccountAlias, setAccountAlias } from './account.service.ts';
import { actorOf } from './principal.ts';

const NOTICES: Record<string, string> = {
  saved: 'The account alias was saved.',
  deleted: 'The account alias was deleted.',
};

/** The console's Account alias page: set, change or delete the account's alias. */
export async function accountAliasRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const send = (reply: FastifyReply, status: number, body: string) => reply.status(status).type('text/html; charset=utf-8').send(body);

  async function administrator(request: FastifyRequest, reply: FastifyReply): Promise<SignedIn | null> {
    const who = await requireSignIn(web, request, reply);
    if (!who) return null;
    const action = request.method === 'GET' || request.method === 'HEAD' ? 'iam:ListAccountAliases' : 'iam:CreateAccountAlias';
    await assertConsoleAllowed(web.deps, who, request, action, '*');
    return who;
  }

  app.get<{ Querystring: { done?: string } }>('/console/account-alias', async (request, reply) => {
    const who = await administrator(request, reply);
    if (!who) return reply;
    return send(
      reply,
      200,
      accountAliasPage({
        principal: who.principal,
        csrf: web.csrfToken(request, reply),
        origin: web.origin,
        alias: who.principal.accountAlias,
        notice: ownEntry(NOTICES, request.query.done),
      }),
    );
  });

  app.post('/console/account-alias', async (request, reply) => {
    web.assertCsrf(request);
    const who = await administrator(request, reply);
    if (!who) return reply;
    const form = readForm(request, { alias: { max: 128 } });
    try {
      await setAccountAlias(web.deps, who.principal.accountId, form.alias, actorOf(who.principal), metaOf(request));
    } catch (error) {
      if (error instanceof GatehouseError && (error.code === 'ValidationError' || error.code === 'EntityAlreadyExists')) {
        const csrf = web.csrfToken(request, reply);
        const body = accountAliasPage({
          principal: who.principal,
          csrf,
          origin: web.origin,
          alias: who.principal.accountAlias,
          value: form.alias,
          error: error.message,
        });
        return send(reply, error.status, body);
      }
      throw error;
    }
    return reply.redirect('/console/account-alias?done=saved', 303);
  });

  app.post('/console/account-alias/delete', async (request, reply) => {
    web.assertCsrf(request);
    const who = await administrator(request, reply);
    if (!who) return reply;
    const form = readForm(request, { alias: { max: 128 } });
    await deleteAccountAlias(web.deps, who.principal.accountId, form.alias, actorOf(who.principal), metaOf(request));
    return reply.redirect('/console/account-alias?done=deleted', 303);
  });
}
