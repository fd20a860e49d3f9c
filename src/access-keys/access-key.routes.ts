import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actorOf } from '../identities/principal.ts';
import { requireUserByName } from '../identities/user-lookup.ts';
import { GatehouseError } from '../shared/errors.ts';
import { readForm } from '../web/forms.ts';
import { signedInOf } from '../web/guard.ts';
import { metaOf } from '../web/request-meta.ts';
import type { WebContext } from '../web/web-context.ts';
import { ACCESS_KEY_ACCESS, ownKeyOwner } from './access-key-access.ts';
import { newKeyPage } from './access-key.pages.ts';
import { type KeyOwner, createAccessKey, deleteAccessKey, updateAccessKeyStatus } from './access-key.service.ts';

/**
 * Console forms for access keys: the caller's own (Security credentials) and, for
 * administrators, a user's (the user's page). Calls the same services as the Query API.
 */
export async function accessKeyRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const { deps } = web;

  /** Whose keys the URL names (the decision on them was made before the handler), and where to go back to. */
  async function ownerOf(request: FastifyRequest<{ Params: { name?: string } }>) {
    const who = signedInOf(request);
    if (request.params.name === undefined)
      return { who, owner: ownKeyOwner(who), backTo: '/console/security-credentials#access-keys' };
    const user = await requireUserByName(deps.db, who.principal.accountId, request.params.name);
    const owner: KeyOwner = { accountId: who.principal.accountId, principalId: user.id, userName: user.name };
    return { who, owner, backTo: `/console/users/${encodeURIComponent(user.name)}#access-keys` };
  }

  for (const base of ['/console/security-credentials/access-keys', '/console/users/:name/access-keys']) {
    app.post<{ Params: { name?: string } }>(
      base,
      { config: { access: ACCESS_KEY_ACCESS.create } },
      async (request, reply) => {
        const found = await ownerOf(request);
        const key = await createAccessKey(deps, found.owner, actorOf(found.who.principal), metaOf(request));
        return reply
          .status(201)
          .type('text/html; charset=utf-8')
          .send(newKeyPage(found.who.principal, web.csrfToken(request, reply), key, found.backTo));
      },
    );

    app.post<{ Params: { name?: string; id: string } }>(
      `${base}/:id/status`,
      { config: { access: ACCESS_KEY_ACCESS.update } },
      async (request, reply) => {
        const found = await ownerOf(request);
        const { status } = readForm(request, { status: { max: 8 } });
        if (status !== 'Active' && status !== 'Inactive')
          throw new GatehouseError('ValidationError', 'The status must be Active or Inactive.');
        await updateAccessKeyStatus(
          deps,
          found.owner,
          request.params.id,
          status,
          actorOf(found.who.principal),
          metaOf(request),
        );
        return reply.redirect(found.backTo, 303);
      },
    );

    app.post<{ Params: { name?: string; id: string } }>(
      `${base}/:id/delete`,
      { config: { access: ACCESS_KEY_ACCESS.delete } },
      async (request, reply) => {
        const found = await ownerOf(request);
        await deleteAccessKey(deps, found.owner, request.params.id, actorOf(found.who.principal), metaOf(request));
        return reply.redirect(found.backTo, 303);
      },
    );
  }
}
