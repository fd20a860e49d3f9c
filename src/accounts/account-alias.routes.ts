import type { FastifyInstance, FastifyReply } from 'fastify';
import { mayUse, permission } from '../authz/console-access.ts';
import { wholeAccount } from '../authz/console-resources.ts';
import { GatehouseError } from '../shared/errors.ts';
import { ownEntry } from '../shared/own-entry.ts';
import { readForm } from '../web/forms.ts';
import { signedInOf } from '../web/guard.ts';
import { metaOf } from '../web/request-meta.ts';
import type { SignedIn, WebContext } from '../web/web-context.ts';
import { accountAliasPage } from './account-alias.pages.ts';
import { deleteAccountAlias, setAccountAlias } from './account.service.ts';
import { actorOf } from '../identities/principal.ts';

const NOTICES: Record<string, string> = {
  saved: 'The account alias was saved.',
  deleted: 'The account alias was deleted.',
};

/** The Query API's permissions for the same reads and changes. */
export const ACCOUNT_ALIAS_ACCESS = {
  view: permission({ action: 'iam:ListAccountAliases', resource: wholeAccount }),
  create: permission({ action: 'iam:CreateAccountAlias', resource: wholeAccount }),
  delete: permission({ action: 'iam:DeleteAccountAlias', resource: wholeAccount }),
};

/** The console's Account alias page: set, change or delete the account's alias. */
export async function accountAliasRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const send = (reply: FastifyReply, status: number, body: string) =>
    reply.status(status).type('text/html; charset=utf-8').send(body);

  async function render(
    who: SignedIn,
    csrf: string,
    extra: { value?: string; error?: string; notice?: string | undefined } = {},
  ): Promise<string> {
    const [mayCreate, mayDelete] = await Promise.all([
      mayUse(web.deps, who, ACCOUNT_ALIAS_ACCESS.create),
      mayUse(web.deps, who, ACCOUNT_ALIAS_ACCESS.delete),
    ]);
    return accountAliasPage({
      principal: who.principal,
      csrf,
      origin: web.origin,
      alias: who.principal.accountAlias,
      mayCreate,
      mayDelete,
      ...extra,
    });
  }

  app.get<{ Querystring: { done?: string } }>(
    '/console/account-alias',
    { config: { access: ACCOUNT_ALIAS_ACCESS.view } },
    async (request, reply) => {
      const who = signedInOf(request);
      return send(
        reply,
        200,
        await render(who, web.csrfToken(request, reply), { notice: ownEntry(NOTICES, request.query.done) }),
      );
    },
  );

  app.post('/console/account-alias', { config: { access: ACCOUNT_ALIAS_ACCESS.create } }, async (request, reply) => {
    const who = signedInOf(request);
    const form = readForm(request, { alias: { max: 128 } });
    try {
      await setAccountAlias(web.deps, who.principal.accountId, form.alias, actorOf(who.principal), metaOf(request));
    } catch (error) {
      if (
        error instanceof GatehouseError &&
        (error.code === 'ValidationError' || error.code === 'EntityAlreadyExists')
      ) {
        return send(
          reply,
          error.status,
          await render(who, web.csrfToken(request, reply), { value: form.alias, error: error.message }),
        );
      }
      throw error;
    }
    return reply.redirect('/console/account-alias?done=saved', 303);
  });

  app.post(
    '/console/account-alias/delete',
    { config: { access: ACCOUNT_ALIAS_ACCESS.delete } },
    async (request, reply) => {
      const who = signedInOf(request);
      const form = readForm(request, { alias: { max: 128 } });
      await deleteAccountAlias(web.deps, who.principal.accountId, form.alias, actorOf(who.principal), metaOf(request));
      return reply.redirect('/console/account-alias?done=deleted', 303);
    },
  );
}
