import type { FastifyInstance } from 'fastify';
import { addUserToGroup, removeUserFromGroup } from '../groups/group.service.ts';
import { actorOf } from '../identities/principal.ts';
import { noSuchUser } from '../identities/user-lookup.ts';
import { attachPolicy, detachPolicy } from '../policies/attachment.service.ts';
import {
  type InlinePolicyErrors,
  POLICY_TEMPLATE,
  inlinePolicyErrors as inlineErrors,
} from '../policies/policy-holder.pages.ts';
import { deleteInlinePolicy, putInlinePolicy } from '../policies/inline-policy.service.ts';
import { deleteUserPermissionsBoundary, putUserPermissionsBoundary } from '../policies/permissions-boundary.service.ts';
import type { GatehouseError } from '../shared/errors.ts';
import { ownEntry } from '../shared/own-entry.ts';
import { tagUser, untagUser } from '../user-tags/user-tag.service.ts';
import { confirmationPage } from '../web/fragments.ts';
import type { FormSpec } from '../web/forms.ts';
import { type Page, ifAllowed, pageRoutes, redirect } from '../web/page-route.ts';
import type { SignedIn, WebContext } from '../web/web-context.ts';
import { USERS_ACCESS } from './user-access.ts';
import {
  loadAttachPoliciesView,
  loadAttachedPolicy,
  loadBoundaryChoicesView,
  loadInlinePolicyView,
  loadMembership,
  loadUser,
  loadUserView,
} from './user-console.service.ts';
import { checkTag, checkTagKey } from './user-tag-input.ts';
import {
  addInlinePolicyPage,
  attachPoliciesPage,
  boundaryChoicesPage,
  inlinePolicyPage,
} from './user-permissions.pages.ts';
import { USER_NOTICES, type UserPageErrors, userHref, userPage } from './users.pages.ts';

type AnyPage = Page<FormSpec, Record<string, string>>;
type Done = keyof typeof USER_NOTICES;

const withNotice = (href: string, done: Done, section: string) => `${href}?done=${done}#${section}`;

/** An unknown user is the error page's to say, not a form's. */
const aboutUser = (p: AnyPage, error: GatehouseError) =>
  error.code === 'NoSuchEntity' && error.message === noSuchUser(p.params.name ?? '').message;

/**
 * A user's Permissions, Groups and Tags in the console: attach and detach managed
 * policies, add, edit and delete inline policies, set or remove the permissions boundary,
 * add the user to groups and remove it, tag and untag it. Each route declares the
 * permission of the Query API Action for the same change (on the user's ARN; on the group's
 * for membership, as AddUserToGroup), with its condition keys, and calls that Action's
 * service, so the console refuses what the API refuses, with the same words.
 */
export async function userPermissionsRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);

  async function showUser(who: SignedIn, csrf: string, name: string, errors: UserPageErrors): Promise<string> {
    const view = await loadUserView(web.deps, who, name);
    return userPage({ principal: who.principal, csrf, view, now: web.deps.clock.now(), errors });
  }

  /** The user's page again, with the refusal in the section it concerns. */
  const backOnUserPage = (section: keyof UserPageErrors) => (p: AnyPage, error: GatehouseError) =>
    aboutUser(p, error)
      ? undefined
      : ifAllowed(p, USERS_ACCESS.view, () => showUser(p.who, p.csrf, p.params.name!, { [section]: error.message }));

  const userCrumbs = (name: string) => [
    { href: '/console/users', label: 'Users' },
    { href: userHref(name), label: name },
  ];

  // Managed policies

  async function attachPage(who: SignedIn, csrf: string, name: string, error?: string): Promise<string> {
    const view = await loadAttachPoliciesView(web.deps, who, name);
    return attachPoliciesPage({ principal: who.principal, csrf, view, error });
  }

  pages.get('/console/users/:name/attach-policies', { access: USERS_ACCESS.attachable }, async (p) =>
    attachPage(p.who, p.csrf, p.params.name),
  );

  pages.post(
    '/console/users/:name/attach-policy',
    {
      access: USERS_ACCESS.attach,
      form: { policyArn: { max: 2048 } },
      redisplay: (p, error) =>
        aboutUser(p, error)
          ? undefined
          : ifAllowed(p, USERS_ACCESS.attachable, () => attachPage(p.who, p.csrf, p.params.name, error.message)),
    },
    async (p) => {
      const { accountId } = p.who.principal;
      const actor = actorOf(p.who.principal);
      await attachPolicy(p.deps, accountId, 'user', p.params.name, p.form.policyArn, actor, p.meta);
      return redirect(withNotice(userHref(p.params.name), 'attached', 'permissions'));
    },
  );

  pages.get('/console/users/:name/detach-policy', { access: USERS_ACCESS.detach }, async (p) => {
    const { user, policyName, policyArn } = await loadAttachedPolicy(
      p.deps,
      p.who,
      p.params.name,
      p.query.policyArn ?? '',
    );
    return confirmationPage({
      principal: p.who.principal,
      csrf: p.csrf,
      title: `Detach ${policyName} from ${user.name}?`,
      crumbs: userCrumbs(user.name),
      explanation: `${user.name} loses what ${policyArn} allows, unless another of its policies (or its groups’) allows it too.`,
      action: `${userHref(user.name)}/detach-policy`,
      fields: { policyArn },
      button: 'Detach policy',
      cancel: `${userHref(user.name)}#permissions`,
    });
  });

  pages.post(
    '/console/users/:name/detach-policy',
    { access: USERS_ACCESS.detach, form: { policyArn: { max: 2048 } }, redisplay: backOnUserPage('permissions') },
    async (p) => {
      const { accountId } = p.who.principal;
      const actor = actorOf(p.who.principal);
      await detachPolicy(p.deps, accountId, 'user', p.params.name, p.form.policyArn, actor, p.meta);
      return redirect(withNotice(userHref(p.params.name), 'detached', 'permissions'));
    },
  );

  // Inline policies

  async function addInlinePage(
    who: SignedIn,
    csrf: string,
    name: string,
    values: { policyName: string; policyDocument: string },
    errors: InlinePolicyErrors = {},
  ): Promise<string> {
    const user = await loadUser(web.deps, who, name);
    return addInlinePolicyPage({ principal: who.principal, csrf, userName: user.name, values, errors });
  }

  pages.get('/console/users/:name/inline-policies/new', { access: USERS_ACCESS.putInline }, async (p) =>
    addInlinePage(p.who, p.csrf, p.params.name, { policyName: '', policyDocument: POLICY_TEMPLATE }),
  );

  // As PutUserPolicy: at most 131,072 characters reach the checks, which then say what is wrong.
  const DOCUMENT = { max: 131072 };
  const inlineHref = (name: string, policyName: string) =>
    `${userHref(name)}/inline-policies/${encodeURIComponent(policyName)}`;

  pages.post(
    '/console/users/:name/inline-policies',
    {
      access: USERS_ACCESS.putInline,
      form: { policyName: { max: 128 }, policyDocument: DOCUMENT },
      redisplay: (p, error) =>
        aboutUser(p, error) ? undefined : addInlinePage(p.who, p.csrf, p.params.name, p.form, inlineErrors(error)),
    },
    async (p) => {
      const { policyName, policyDocument } = p.form;
      const actor = actorOf(p.who.principal);
      await putInlinePolicy(
        p.deps,
        p.who.principal.accountId,
        'user',
        p.params.name,
        policyName,
        policyDocument,
        actor,
        p.meta,
      );
      return redirect(`${inlineHref(p.params.name, policyName)}?done=inline-saved`);
    },
  );

  async function showInline(
    who: SignedIn,
    csrf: string,
    name: string,
    policyName: string,
    extra: { typed?: string; errors?: InlinePolicyErrors; notice?: string | undefined } = {},
  ): Promise<string> {
    const view = await loadInlinePolicyView(web.deps, who, name, policyName);
    return inlinePolicyPage({ principal: who.principal, csrf, view, ...extra });
  }

  pages.get('/console/users/:name/inline-policies/:policyName', { access: USERS_ACCESS.getInline }, async (p) =>
    showInline(p.who, p.csrf, p.params.name, p.params.policyName, { notice: ownEntry(USER_NOTICES, p.query.done) }),
  );

  pages.post(
    '/console/users/:name/inline-policies/:policyName',
    {
      access: USERS_ACCESS.putInline,
      form: { policyDocument: DOCUMENT },
      redisplay: (p, error) =>
        aboutUser(p, error)
          ? undefined
          : ifAllowed(p, USERS_ACCESS.getInline, () =>
              showInline(p.who, p.csrf, p.params.name, p.params.policyName, {
                typed: p.form.policyDocument,
                errors: inlineErrors(error),
              }),
            ),
    },
    async (p) => {
      const { name, policyName } = p.params;
      const actor = actorOf(p.who.principal);
      await putInlinePolicy(
        p.deps,
        p.who.principal.accountId,
        'user',
        name,
        policyName,
        p.form.policyDocument,
        actor,
        p.meta,
      );
      return redirect(`${inlineHref(name, policyName)}?done=inline-saved`);
    },
  );

  async function confirmDeleteInline(
    who: SignedIn,
    csrf: string,
    name: string,
    policyName: string,
    error?: string,
  ): Promise<string> {
    const found = await loadInlinePolicyView(web.deps, who, name, policyName);
    return confirmationPage({
      principal: who.principal,
      csrf,
      title: `Delete inline policy ${found.policyName}?`,
      crumbs: userCrumbs(found.holderName),
      explanation: `${found.holderName} loses what this policy allows, unless another of its policies (or its groups’) allows it too. Deleting it cannot be undone.`,
      action: `${inlineHref(found.holderName, found.policyName)}/delete`,
      button: 'Delete inline policy',
      cancel: `${userHref(found.holderName)}#permissions`,
      error,
    });
  }

  pages.get(
    '/console/users/:name/inline-policies/:policyName/delete',
    { access: USERS_ACCESS.deleteInline },
    async (p) => confirmDeleteInline(p.who, p.csrf, p.params.name, p.params.policyName),
  );

  pages.post(
    '/console/users/:name/inline-policies/:policyName/delete',
    {
      access: USERS_ACCESS.deleteInline,
      form: {},
      redisplay: backOnUserPage('permissions'),
    },
    async (p) => {
      const { name, policyName } = p.params;
      const actor = actorOf(p.who.principal);
      await deleteInlinePolicy(p.deps, p.who.principal.accountId, 'user', name, policyName, actor, p.meta);
      return redirect(withNotice(userHref(name), 'inline-deleted', 'permissions'));
    },
  );

  // The permissions boundary

  async function boundaryPage(who: SignedIn, csrf: string, name: string, error?: string): Promise<string> {
    const view = await loadBoundaryChoicesView(web.deps, who, name);
    return boundaryChoicesPage({ principal: who.principal, csrf, view, error });
  }

  pages.get('/console/users/:name/permissions-boundary', { access: USERS_ACCESS.boundaryChoices }, async (p) =>
    boundaryPage(p.who, p.csrf, p.params.name),
  );

  pages.post(
    '/console/users/:name/permissions-boundary',
    {
      access: USERS_ACCESS.putBoundary,
      form: { permissionsBoundary: { max: 2048 } },
      redisplay: (p, error) =>
        aboutUser(p, error)
          ? undefined
          : ifAllowed(p, USERS_ACCESS.boundaryChoices, () => boundaryPage(p.who, p.csrf, p.params.name, error.message)),
    },
    async (p) => {
      const actor = actorOf(p.who.principal);
      const { accountId } = p.who.principal;
      await putUserPermissionsBoundary(p.deps, accountId, p.params.name, p.form.permissionsBoundary, actor, p.meta);
      return redirect(withNotice(userHref(p.params.name), 'boundary-set', 'permissions'));
    },
  );

  pages.get('/console/users/:name/permissions-boundary/delete', { access: USERS_ACCESS.deleteBoundary }, async (p) => {
    const user = await loadUser(p.deps, p.who, p.params.name);
    return confirmationPage({
      principal: p.who.principal,
      csrf: p.csrf,
      title: `Remove the permissions boundary of ${user.name}?`,
      crumbs: userCrumbs(user.name),
      explanation: user.permissionsBoundary
        ? `${user.name} may then do everything its policies allow, no longer capped by ${user.permissionsBoundary}.`
        : `${user.name} has no permissions boundary.`,
      action: `${userHref(user.name)}/permissions-boundary/delete`,
      button: 'Remove boundary',
      cancel: `${userHref(user.name)}#permissions`,
    });
  });

  pages.post(
    '/console/users/:name/permissions-boundary/delete',
    { access: USERS_ACCESS.deleteBoundary, form: {}, redisplay: backOnUserPage('permissions') },
    async (p) => {
      const actor = actorOf(p.who.principal);
      await deleteUserPermissionsBoundary(p.deps, p.who.principal.accountId, p.params.name, actor, p.meta);
      return redirect(withNotice(userHref(p.params.name), 'boundary-removed', 'permissions'));
    },
  );

  // Groups

  pages.post(
    '/console/users/:name/groups',
    { access: USERS_ACCESS.addToGroup, form: { groupName: { max: 128 } }, redisplay: backOnUserPage('groups') },
    async (p) => {
      const actor = actorOf(p.who.principal);
      await addUserToGroup(p.deps, p.who.principal.accountId, p.form.groupName, p.params.name, actor, p.meta);
      return redirect(withNotice(userHref(p.params.name), 'group-added', 'groups'));
    },
  );

  pages.get('/console/users/:name/groups/remove', { access: USERS_ACCESS.removeFromGroup }, async (p) => {
    const { user, group } = await loadMembership(p.deps, p.who, p.params.name, p.query.groupName ?? '');
    return confirmationPage({
      principal: p.who.principal,
      csrf: p.csrf,
      title: `Remove ${user.name} from ${group.name}?`,
      crumbs: userCrumbs(user.name),
      explanation: `${user.name} loses what the policies of ${group.name} allow, unless another of its policies allows it too. The group and its other users stay.`,
      action: `${userHref(user.name)}/groups/remove`,
      fields: { groupName: group.name },
      button: 'Remove from group',
      cancel: `${userHref(user.name)}#groups`,
    });
  });

  pages.post(
    '/console/users/:name/groups/remove',
    {
      access: USERS_ACCESS.removeFromGroup,
      form: { groupName: { max: 128 } },
      redisplay: backOnUserPage('groups'),
    },
    async (p) => {
      const actor = actorOf(p.who.principal);
      await removeUserFromGroup(p.deps, p.who.principal.accountId, p.form.groupName, p.params.name, actor, p.meta);
      return redirect(withNotice(userHref(p.params.name), 'group-removed', 'groups'));
    },
  );

  // Tags

  pages.post(
    '/console/users/:name/tags',
    {
      access: USERS_ACCESS.tag,
      form: { tagKey: { max: 512 }, tagValue: { max: 1024, optional: true } },
      redisplay: (p, error) => {
        const key = error.field === 'tagKey' || error.field === 'tagValue' ? error.field : 'tags';
        return aboutUser(p, error)
          ? undefined
          : ifAllowed(p, USERS_ACCESS.view, () => showUser(p.who, p.csrf, p.params.name, { [key]: error.message }));
      },
    },
    async (p) => {
      const tag = checkTag(p.form.tagKey, p.form.tagValue);
      await tagUser(p.deps, p.who.principal.accountId, p.params.name, [tag], actorOf(p.who.principal), p.meta);
      return redirect(withNotice(userHref(p.params.name), 'tagged', 'tags'));
    },
  );

  pages.post(
    '/console/users/:name/tags/remove',
    { access: USERS_ACCESS.untag, form: { tagKey: { max: 512 } }, redisplay: backOnUserPage('tags') },
    async (p) => {
      const key = checkTagKey(p.form.tagKey);
      await untagUser(p.deps, p.who.principal.accountId, p.params.name, [key], actorOf(p.who.principal), p.meta);
      return redirect(withNotice(userHref(p.params.name), 'untagged', 'tags'));
    },
  );
}
