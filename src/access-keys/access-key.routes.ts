import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actorOf } from '../identities/principal.ts';
import { type AccessInput, type ResourceOf, mayUse, param, permission } from '../authz/console-access.ts';
import type { ConsoleCaller } from '../authz/console-authorization.ts';
import { signedInPrincipal, userInUrl } from '../authz/console-resources.ts';
import { requireUserByName } from '../identities/user-lookup.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError } from '../shared/errors.ts';
import type { SafeHtml } from '../shared/html.ts';
import { readForm } from '../web/forms.ts';
import { signedInOf } from '../web/guard.ts';
import { metaOf } from '../web/request-meta.ts';
import type { WebContext } from '../web/web-context.ts';
import { accessKeysCard, newKeyPage } from './access-key.pages.ts';
import { type KeyOwner, createAccessKey, deleteAccessKey, listAccessKeys, updateAccessKeyStatus } from './access-key.service.ts';

/** Whose keys: the user the URL names, else the signed-in principal (as the API's UserName defaults to the caller). */
const keyOwner: ResourceOf = (input, who, deps) => (param(input, 'name') === '' ? signedInPrincipal(input, who, deps) : userInUrl()(input, who, deps));

/** The Query API's permissions for the same changes, on the same resources. */
export const ACCESS_KEY_ACCESS = {
  create: permission({ action: 'iam:CreateAccessKey', resource: keyOwner }),
  update: permission({ action: 'iam:UpdateAccessKey', resource: keyOwner }),
  delete: permission({ action: 'iam:DeleteAccessKey', resource: keyOwner }),
};

/** Which access-key forms to offer: the decisions their handlers make. */
async function keyForms(deps: Deps, who: ConsoleCaller, input: AccessInput) {
  const [mayCreate, mayUpdate, mayDelete] = await Promise.all([
    mayUse(deps, who, ACCESS_KEY_ACCESS.create, input),
    mayUse(deps, who, ACCESS_KEY_ACCESS.update, input),
    mayUse(deps, who, ACCESS_KEY_ACCESS.delete, input),
  ]);
  return { mayCreate, mayUpdate, mayDelete };
}

function ownKeyOwner(who: ConsoleCaller): KeyOwner {
  const { principal } = who;
  return { accountId: principal.accountId, principalId: principal.id, userName: principal.type === 'user' ? principal.name : null };
}

/** The Access keys card of the Security credentials page: the signed-in principal's own keys. */
export async function ownAccessKeysSection(deps: Deps, who: ConsoleCaller, csrf: string): Promise<SafeHtml> {
  return accessKeysCard({
    keys: await listAccessKeys(deps, ownKeyOwner(who)),
    csrf,
    now: deps.clock.now(),
    actionBase: '/console/security-credentials/access-keys',
    userName: null,
    isRoot: who.principal.type === 'root',
    ...(await keyForms(deps, who, { params: {}, body: {} })),
  });
}

/** The Access keys card of an administrator's view of a user. */
export async function adminUserAccessKeysSection(deps: Deps, who: ConsoleCaller, user: { id: string; name: string; path: string }, csrf: string): Promise<SafeHtml> {
  return accessKeysCard({
    keys: await listAccessKeys(deps, { accountId: who.principal.accountId, principalId: user.id, userName: user.name }),
    csrf,
    now: deps.clock.now(),
    actionBase: `/console/users/${encodeURIComponent(user.name)}/access-keys`,
    userName: user.name,
    isRoot: false,
    ...(await keyForms(deps, who, { params: { name: user.name }, body: {} })),
  });
}

/**
 * Console forms for access keys: the caller's own (Security credentials) and, for
 * administrators, a user's (the user's page). Calls the same services as the Query API.
 */
export async function accessKeyRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const { deps } = web;

  /** Whose keys the URL names (the decision on them was made before the handler), and where to go back to. */
  async function ownerOf(request: FastifyRequest<{ Params: { name?: string } }>) {
    const who = signedInOf(request);
    if (request.params.name === undefined) return { who, owner: ownKeyOwner(who), backTo: '/console/security-credentials#access-keys' };
    const user = await requireUserByName(deps.db, who.principal.accountId, request.params.name);
    const owner: KeyOwner = { accountId: who.principal.accountId, principalId: user.id, userName: user.name };
    return { who, owner, backTo: `/console/users/${encodeURIComponent(user.name)}#access-keys` };
  }

  for (const base of ['/console/security-credentials/access-keys', '/console/users/:name/access-keys']) {
    app.post<{ Params: { name?: string } }>(base, { config: { access: ACCESS_KEY_ACCESS.create } }, async (request, reply) => {
      const found = await ownerOf(request);
      const key = await createAccessKey(deps, found.owner, actorOf(found.who.principal), metaOf(request));
      return reply.status(201).type('text/html; charset=utf-8').send(newKeyPage(found.who.principal, web.csrfToken(request, reply), key, found.backTo));
    });

    app.post<{ Params: { name?: string; id: string } }>(`${base}/:id/status`, { config: { access: ACCESS_KEY_ACCESS.update } }, async (request, reply) => {
      const found = await ownerOf(request);
      const { status } = readForm(request, { status: { max: 8 } });
      if (status !== 'Active' && status !== 'Inactive') throw new GatehouseError('ValidationError', 'The status must be Active or Inactive.');
      await updateAccessKeyStatus(deps, found.owner, request.params.id, status, actorOf(found.who.principal), metaOf(request));
      return reply.redirect(found.backTo, 303);
    });

    app.post<{ Params: { name?: string; id: string } }>(`${base}/:id/delete`, { config: { access: ACCESS_KEY_ACCESS.delete } }, async (request, reply) => {
      const found = await ownerOf(request);
      await deleteAccessKey(deps, found.owner, request.params.id, actorOf(found.who.principal), metaOf(request));
      return reply.redirect(found.backTo, 303);
    });
  }
}
