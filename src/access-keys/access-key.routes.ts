import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app.ts';
import { type Principal, actorOf, userArn } from '../accounts/principal.ts';
import { requireUserByName } from '../users/user-lookup.ts';
import { assertConsoleAllowed, consoleMay } from '../policies/console-authorization.ts';
import type { Deps } from '../shared/deps.ts';
import { GatehouseError } from '../shared/errors.ts';
import type { SafeHtml } from '../shared/html.ts';
import { readForm } from '../web/forms.ts';
import { requireSignIn } from '../web/guard.ts';
import { metaOf } from '../web/request-meta.ts';
import type { WebContext } from '../web/web-context.ts';
import { accessKeysCard, newKeyPage } from './access-key.pages.ts';
import { findUserByName } from '../users/user.repository.ts';
import { type KeyOwner, createAccessKey, deleteAccessKey, listAccessKeys, updateAccessKeyStatus } from './access-key.service.ts';

/** Whether to offer access-key buttons: the same policy decision the Query API makes. */
function mayDo(deps: Deps, principal: Principal, action: string, resource: string): Promise<boolean> {
  return consoleMay(deps, principal, action, resource);
}

/** The Access keys card of the Security credentials page: the signed-in principal's own keys. */
export async function ownAccessKeysSection(deps: Deps, principal: Principal, csrf: string): Promise<SafeHtml> {
  const owner: KeyOwner = { accountId: principal.accountId, principalId: principal.id, userName: principal.type === 'user' ? principal.name : null };
  return accessKeysCard({
    keys: await listAccessKeys(deps, owner),
    csrf,
    now: deps.clock.now(),
    actionBase: '/console/security-credentials/access-keys',
    userName: null,
    isRoot: principal.type === 'root',
    mayManage: await mayDo(deps, principal, 'iam:CreateAccessKey', principal.arn),
  });
}

/** The Access keys card of an administrator's view of a user. */
export async function adminUserAccessKeysSection(deps: Deps, principal: Principal, user: { id: string; name: string; path: string }, csrf: string): Promise<SafeHtml> {
  return accessKeysCard({
    keys: await listAccessKeys(deps, { accountId: principal.accountId, principalId: user.id, userName: user.name }),
    csrf,
    now: deps.clock.now(),
    actionBase: `/console/users/${encodeURIComponent(user.name)}/access-keys`,
    userName: user.name,
    isRoot: false,
    mayManage: await mayDo(deps, principal, 'iam:CreateAccessKey', userArn(principal.accountId, user.path, user.name)),
  });
}

/**
 * Console forms for access keys: the caller's own (Security credentials) and, for
 * administrators, a user's (the user's page). Calls the same services as the Query API.
 */
export async function accessKeyRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const deps = web.deps as AppDeps;

  /** Whose keys the URL names, once the signed-in principal may manage them; null after a redirect to sign-in. */
  async function ownerFor(request: FastifyRequest<{ Params: { name?: string } }>, reply: FastifyReply, action: string) {
    const who = await requireSignIn(web, request, reply);
    if (!who) return null;
    const { principal } = who;
    let owner: KeyOwner;
    let resource: string;
    if (request.params.name === undefined) {
      owner = { accountId: principal.accountId, principalId: principal.id, userName: principal.type === 'user' ? principal.name : null };
      resource = principal.arn;
    } else {
      const user = await requireUserByName(deps.db, principal.accountId, request.params.name);
      owner = { accountId: principal.accountId, principalId: user.id, userName: user.name };
      resource = userArn(principal.accountId, user.path, user.name);
    }
    await assertConsoleAllowed(deps, who, request, action, resource);
    const backTo =
      request.params.name === undefined ? '/console/security-credentials#access-keys' : `/console/users/${encodeURIComponent(owner.userName ?? '')}#access-keys`;
    return { who, owner, backTo };
  }

  for (const base of ['/console/security-credentials/access-keys', '/console/users/:name/access-keys']) {
    app.post<{ Params: { name?: string } }>(base, async (request, reply) => {
      web.assertCsrf(request);
      const found = await ownerFor(request, reply, 'iam:CreateAccessKey');
      if (!found) return reply;
      const key = await createAccessKey(deps, found.owner, actorOf(found.who.principal), metaOf(request));
      return reply.status(201).type('text/html; charset=utf-8').send(newKeyPage(found.who.principal, web.csrfToken(request, reply), key, found.backTo));
    });

    app.post<{ Params: { name?: string; id: string } }>(`${base}/:id/status`, async (request, reply) => {
      web.assertCsrf(request);
      const found = await ownerFor(request, reply, 'iam:UpdateAccessKey');
      if (!found) return reply;
      const { status } = readForm(request, { status: { max: 8 } });
      if (status !== 'Active' && status !== 'Inactive') throw new GatehouseError('ValidationError', 'The status must be Active or Inactive.');
      await updateAccessKeyStatus(deps, found.owner, request.params.id, status, actorOf(found.who.principal), metaOf(request));
      return reply.redirect(found.backTo, 303);
    });

    app.post<{ Params: { name?: string; id: string } }>(`${base}/:id/delete`, async (request, reply) => {
      web.assertCsrf(request);
      const found = await ownerFor(request, reply, 'iam:DeleteAccessKey');
      if (!found) return reply;
      await deleteAccessKey(deps, found.owner, request.params.id, actorOf(found.who.principal), metaOf(request));
      return reply.redirect(found.backTo, 303);
    });
  }
}
