import type { FastifyInstance } from 'fastify';
import { mayUse, permission } from '../authz/console-access.ts';
import { wholeAccount } from '../authz/console-resources.ts';
import { ownEntry } from '../shared/own-entry.ts';
import { pageRoutes, redirect } from '../web/page-route.ts';
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
  const pages = pageRoutes(app, web);

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

  pages.get('/console/account-alias', { access: ACCOUNT_ALIAS_ACCESS.view }, async (p) =>
    render(p.who, p.csrf, { notice: ownEntry(NOTICES, p.query.done) }),
  );

  pages.post(
    '/console/account-alias',
    {
      access: ACCOUNT_ALIAS_ACCESS.create,
      form: { alias: { max: 128 } },
      // An alias that is malformed, reserved or taken: the form again, as typed, with why.
      redisplay: (p, error) =>
        error.code === 'ValidationError' || error.code === 'EntityAlreadyExists'
          ? render(p.who, p.csrf, { value: p.form.alias, error: error.message })
          : undefined,
    },
    async (p) => {
      await setAccountAlias(p.deps, p.who.principal.accountId, p.form.alias, actorOf(p.who.principal), p.meta);
      return redirect('/console/account-alias?done=saved');
    },
  );

  pages.post(
    '/console/account-alias/delete',
    { access: ACCOUNT_ALIAS_ACCESS.delete, form: { alias: { max: 128 } } },
    async (p) => {
      await deleteAccountAlias(p.deps, p.who.principal.accountId, p.form.alias, actorOf(p.who.principal), p.meta);
      return redirect('/console/account-alias?done=deleted');
    },
  );
}
