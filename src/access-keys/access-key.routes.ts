import type { FastifyInstance } from 'fastify';
import { actorOf } from '../identities/principal.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError } from '../shared/errors.ts';
import { getUser } from '../users/user.service.ts';
import { pageRoutes, redirect, withStatus } from '../web/page-route.ts';
import type { SignedIn, WebContext } from '../web/web-context.ts';
import { ACCESS_KEY_ACCESS, ownKeyOwner, userKeyOwner } from './access-key-access.ts';
import { newKeyPage } from './access-key.pages.ts';
import { type KeyOwner, createAccessKey, deleteAccessKey, updateAccessKeyStatus } from './access-key.service.ts';

/**
 * Whose keys the URL names (the decision on them was made before the handler): the user
 * `:name`, else the signed-in principal; and the page to go back to.
 */
async function keysIn(p: {
  deps: Deps;
  who: SignedIn;
  params: Readonly<Record<string, string | undefined>>;
}): Promise<{ owner: KeyOwner; backTo: string }> {
  const { name } = p.params;
  if (name === undefined) return { owner: ownKeyOwner(p.who), backTo: '/console/security-credentials#access-keys' };
  const user = await getUser(p.deps, p.who.principal.accountId, name);
  return { owner: userKeyOwner(p.who, user), backTo: `/console/users/${encodeURIComponent(user.name)}#access-keys` };
}

/**
 * Console forms for access keys: the caller's own (Security credentials) and, for
 * administrators, a user's (the user's page). Calls the same services as the Query API.
 */
export async function accessKeyRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);

  for (const base of ['/console/security-credentials/access-keys', '/console/users/:name/access-keys']) {
    pages.post(base, { access: ACCESS_KEY_ACCESS.create }, async (p) => {
      const { owner, backTo } = await keysIn(p);
      const key = await createAccessKey(p.deps, owner, actorOf(p.who.principal), p.meta);
      return withStatus(201, newKeyPage(p.who.principal, p.csrf, key, backTo));
    });

    pages.post(`${base}/:id/status`, { access: ACCESS_KEY_ACCESS.update, form: { status: { max: 8 } } }, async (p) => {
      const { owner, backTo } = await keysIn(p);
      const { status } = p.form;
      if (status !== 'Active' && status !== 'Inactive')
        throw new GatehouseError('ValidationError', 'The status must be Active or Inactive.');
      await updateAccessKeyStatus(p.deps, owner, p.params.id, status, actorOf(p.who.principal), p.meta);
      return redirect(backTo);
    });

    pages.post(`${base}/:id/delete`, { access: ACCESS_KEY_ACCESS.delete }, async (p) => {
      const { owner, backTo } = await keysIn(p);
      await deleteAccessKey(p.deps, owner, p.params.id, actorOf(p.who.principal), p.meta);
      return redirect(backTo);
    });
  }
}
