import type { FastifyInstance } from 'fastify';
import { actorOf } from '../identities/principal.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError } from '../shared/errors.ts';
import { getUser } from '../users/user.service.ts';
import { confirmationPage } from '../web/fragments.ts';
import { type HandoffSlot, handOver, takeHandoff } from '../web/handoff.ts';
import { pageRoutes, redirect, withStatus } from '../web/page-route.ts';
import type { SignedIn, WebContext } from '../web/web-context.ts';
import { ACCESS_KEY_ACCESS, ownKeyOwner, userKeyOwner } from './access-key-access.ts';
import { accessKeyCsv } from './access-key-csv.ts';
import { deleteKeyExplanation, newKeyPage } from './access-key.pages.ts';
import {
  type KeyOwner,
  createAccessKey,
  deleteAccessKey,
  findOwnedKey,
  updateAccessKeyStatus,
} from './access-key.service.ts';

/**
 * Whose keys the URL names (the decision on them was made before the handler): the user
 * `:name`, else the signed-in principal; the page to go back to, and where its keys' forms post.
 */
async function keysIn(p: {
  deps: Deps;
  who: SignedIn;
  params: Readonly<Record<string, string | undefined>>;
}): Promise<{ owner: KeyOwner; backTo: string; base: string; crumbs: Array<{ href: string; label: string }> }> {
  const { name } = p.params;
  if (name === undefined) {
    return {
      owner: ownKeyOwner(p.who),
      backTo: '/console/security-credentials#access-keys',
      base: '/console/security-credentials/access-keys',
      crumbs: [{ href: '/console/security-credentials', label: 'Security credentials' }],
    };
  }
  const user = await getUser(p.deps, p.who.principal.accountId, name);
  const userPage = `/console/users/${encodeURIComponent(user.name)}`;
  return {
    owner: userKeyOwner(p.who, user),
    backTo: `${userPage}#access-keys`,
    base: `${userPage}/access-keys`,
    crumbs: [
      { href: '/console/users', label: 'Users' },
      { href: userPage, label: user.name },
    ],
  };
}

/** Where a new key's `.csv` is downloaded, once. */
const csvSlot = (base: string, keyId: string): HandoffSlot => ({
  kind: 'credentials-csv',
  path: `${base}/${keyId}/csv`,
});

/**
 * Console forms for access keys: the caller's own (Security credentials) and, for
 * administrators, a user's (the user's page). Calls the same services as the Query API.
 * A new key's secret is shown once, on the response that created it, with a `.csv` download
 * offered there once; deleting a key asks first.
 */
export async function accessKeyRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);
  for (const base of ['/console/security-credentials/access-keys', '/console/users/:name/access-keys']) {
    pages.post(base, { access: ACCESS_KEY_ACCESS.create }, async (p) => {
      const keys = await keysIn(p);
      const key = await createAccessKey(p.deps, keys.owner, actorOf(p.who.principal), p.meta);
      const csv = csvSlot(keys.base, key.accessKeyId);
      handOver(p, csv, { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey });
      return withStatus(
        201,
        newKeyPage({
          principal: p.who.principal,
          csrf: p.csrf,
          key,
          backTo: keys.backTo,
          endpoint: p.deps.publicUrl,
          csvAction: csv.path,
        }),
      );
    });

    pages.post(`${base}/:id/csv`, { access: ACCESS_KEY_ACCESS.create, form: {} }, async (p) => {
      const keys = await keysIn(p);
      const handed = takeHandoff(p, csvSlot(keys.base, p.params.id));
      if (handed?.accessKeyId !== p.params.id || typeof handed.secretAccessKey !== 'string') {
        throw new GatehouseError(
          'NoSuchEntity',
          'A secret access key can be downloaded once, from the page that showed it. If it was lost, create a new key and delete this one.',
        );
      }
      return p.reply
        .type('text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="${keys.owner.userName ?? 'root'}_accessKeys.csv"`)
        .send(accessKeyCsv({ accessKeyId: p.params.id, secretAccessKey: handed.secretAccessKey }));
    });

    pages.post(`${base}/:id/status`, { access: ACCESS_KEY_ACCESS.update, form: { status: { max: 8 } } }, async (p) => {
      const { owner, backTo } = await keysIn(p);
      const { status } = p.form;
      if (status !== 'Active' && status !== 'Inactive')
        throw new GatehouseError('ValidationError', 'The status must be Active or Inactive.');
      await updateAccessKeyStatus(p.deps, owner, p.params.id, status, actorOf(p.who.principal), p.meta);
      return redirect(backTo);
    });

    pages.get(`${base}/:id/delete`, { access: ACCESS_KEY_ACCESS.delete }, async (p) => {
      const { owner, backTo, base: keysBase, crumbs } = await keysIn(p);
      const key = await findOwnedKey(p.deps, owner, p.params.id);
      return confirmationPage({
        principal: p.who.principal,
        csrf: p.csrf,
        title: `Delete access key ${key.id}?`,
        crumbs,
        explanation: deleteKeyExplanation(key, p.deps.clock.now()),
        action: `${keysBase}/${key.id}/delete`,
        button: 'Delete access key',
        cancel: backTo,
      });
    });

    pages.post(`${base}/:id/delete`, { access: ACCESS_KEY_ACCESS.delete }, async (p) => {
      const { owner, backTo } = await keysIn(p);
      await deleteAccessKey(p.deps, owner, p.params.id, actorOf(p.who.principal), p.meta);
      return redirect(backTo);
    });
  }
}
