import type { FastifyInstance } from 'fastify';
import { actorOf } from '../identities/principal.ts';
import { attachPolicy, detachPolicy } from '../policies/attachment.service.ts';
import { deleteInlinePolicy, putInlinePolicy } from '../policies/inline-policy.service.ts';
import {
  type InlinePolicyErrors,
  POLICY_TEMPLATE,
  inlinePolicyErrors as inlineErrors,
} from '../policies/policy-holder.pages.ts';
import type { GatehouseError } from '../shared/errors.ts';
import { ownEntry } from '../shared/own-entry.ts';
import { ifAllowed, pageRoutes, redirect } from '../web/page-route.ts';
import type { SignedIn, WebContext } from '../web/web-context.ts';
import { GROUPS_ACCESS } from './group-access.ts';
import {
  loadAttachPoliciesView,
  loadAttachedPolicy,
  loadGroup,
  loadGroupView,
  loadGroupsList,
  loadInlinePolicy,
  loadInlinePolicyView,
} from './group-console.service.ts';
import { addUserToGroup, createGroup, deleteGroup, removeUserFromGroup, updateGroup } from './group.service.ts';
import {
  type CreateGroupErrors,
  type GroupPageErrors,
  addInlinePolicyPage,
  attachPoliciesPage,
  confirmationPage,
  groupHref,
  groupPage,
  groupsListPage,
  inlinePolicyPage,
} from './groups.pages.ts';

const NOTICES = {
  created: 'The group was created. Add users and give it permissions below.',
  deleted: 'The group was deleted.',
  updated: 'The group’s name and path were saved.',
  'user-added': 'The user was added to the group.',
  'user-removed': 'The user was removed from the group.',
  attached: 'The policy was attached to the group.',
  detached: 'The policy was detached from the group.',
  'inline-saved': 'The inline policy was saved.',
  'inline-deleted': 'The inline policy was deleted.',
} as const satisfies Record<string, string>;

const withNotice = (href: string, done: keyof typeof NOTICES) => `${href}?done=${done}`;

/** An unknown group is the error page's to say, not a form's. */
const aboutGroup = (error: GatehouseError) => error.code === 'NoSuchEntity' && error.field === 'groupName';

/**
 * The console's Groups pages: list and create groups; a group's users, managed and inline
 * policies; rename, move and delete. Each route declares the permission the Query API
 * Action for the same change needs, and calls the service that Action calls.
 */
export async function groupsRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);
  const now = () => web.deps.clock.now();

  async function listPage(
    who: SignedIn,
    csrf: string,
    pageNumber: number,
    values: { groupName?: string; path?: string } = {},
    errors: CreateGroupErrors = {},
    notice?: string,
  ): Promise<string> {
    const view = await loadGroupsList(web.deps, who, pageNumber);
    return groupsListPage({ principal: who.principal, csrf, view, now: now(), values, errors, notice });
  }

  async function showGroup(
    who: SignedIn,
    csrf: string,
    name: string,
    extra: { errors?: GroupPageErrors; rename?: { newGroupName: string; newPath: string }; notice?: string } = {},
  ): Promise<string> {
    const view = await loadGroupView(web.deps, who, name);
    return groupPage({ principal: who.principal, csrf, view, now: now(), ...extra });
  }

  pages.get('/console/groups', { access: GROUPS_ACCESS.list }, async (p) => {
    const requested = Number.parseInt(p.query.page ?? '1', 10);
    return listPage(p.who, p.csrf, Number.isFinite(requested) ? requested : 1, {}, {}, ownEntry(NOTICES, p.query.done));
  });

  pages.post(
    '/console/groups',
    {
      access: GROUPS_ACCESS.create,
      form: { groupName: { max: 128 }, path: { max: 512, optional: true } },
      redisplay: (p, error) => {
        const key = (['groupName', 'path'] as const).find((f) => f === error.field) ?? 'form';
        return ifAllowed(p, GROUPS_ACCESS.list, () => listPage(p.who, p.csrf, 1, p.form, { [key]: error.message }));
      },
    },
    async (p) => {
      const { groupName, path } = p.form;
      const group = await createGroup(
        p.deps,
        p.who.principal.accountId,
        { name: groupName, ...(path ? { path } : {}) },
        actorOf(p.who.principal),
        p.meta,
      );
      return redirect(withNotice(groupHref(group.name), 'created'));
    },
  );

  pages.get('/console/groups/:name', { access: GROUPS_ACCESS.view }, async (p) =>
    showGroup(p.who, p.csrf, p.params.name, { notice: ownEntry(NOTICES, p.query.done) }),
  );

  // Members

  for (const [path, access, change, done] of [
    ['/console/groups/:name/add-user', GROUPS_ACCESS.addUser, addUserToGroup, 'user-added'],
    ['/console/groups/:name/remove-user', GROUPS_ACCESS.removeUser, removeUserFromGroup, 'user-removed'],
  ] as const) {
    pages.post(
      path,
      {
        access,
        form: { userName: { max: 128 } },
        redisplay: (p, error) =>
          aboutGroup(error)
            ? undefined
            : ifAllowed(p, GROUPS_ACCESS.view, () =>
                showGroup(p.who, p.csrf, p.params.name, { errors: { users: error.message } }),
              ),
      },
      async (p) => {
        await change(
          p.deps,
          p.who.principal.accountId,
          p.params.name,
          p.form.userName,
          actorOf(p.who.principal),
          p.meta,
        );
        return redirect(withNotice(groupHref(p.params.name), done));
      },
    );
  }

  // Rename and move

  pages.post(
    '/console/groups/:name/update',
    {
      access: GROUPS_ACCESS.update,
      form: { newGroupName: { max: 128 }, newPath: { max: 512 } },
      redisplay: (p, error) => {
        if (aboutGroup(error)) return undefined;
        // A name taken by another group is the new name's problem.
        const key =
          error.code === 'EntityAlreadyExists'
            ? 'newGroupName'
            : ((['newGroupName', 'newPath'] as const).find((f) => f === error.field) ?? 'rename');
        return ifAllowed(p, GROUPS_ACCESS.view, () =>
          showGroup(p.who, p.csrf, p.params.name, { errors: { [key]: error.message }, rename: p.form }),
        );
      },
    },
    async (p) => {
      const group = await updateGroup(
        p.deps,
        p.who.principal.accountId,
        p.params.name,
        { newName: p.form.newGroupName, newPath: p.form.newPath },
        actorOf(p.who.principal),
        p.meta,
      );
      return redirect(withNotice(groupHref(group.name), 'updated'));
    },
  );

  // Delete, after a confirmation

  async function confirmDelete(who: SignedIn, csrf: string, name: string, error?: string): Promise<string> {
    const group = await loadGroup(web.deps, who, name);
    return confirmationPage({
      principal: who.principal,
      csrf,
      title: `Delete group ${group.name}?`,
      groupName: group.name,
      explanation:
        'Deleting a group cannot be undone. It is refused while the group has users, attached managed policies or inline policies: remove those first.',
      action: `${groupHref(group.name)}/delete`,
      button: `Delete ${group.name}`,
      error,
    });
  }

  pages.get('/console/groups/:name/delete', { access: GROUPS_ACCESS.delete }, async (p) =>
    confirmDelete(p.who, p.csrf, p.params.name),
  );

  pages.post(
    '/console/groups/:name/delete',
    {
      access: GROUPS_ACCESS.delete,
      form: {},
      redisplay: (p, error) =>
        aboutGroup(error) ? undefined : confirmDelete(p.who, p.csrf, p.params.name, error.message),
    },
    async (p) => {
      await deleteGroup(p.deps, p.who.principal.accountId, p.params.name, actorOf(p.who.principal), p.meta);
      return redirect(withNotice('/console/groups', 'deleted'));
    },
  );

  // Managed policies

  async function attachPage(who: SignedIn, csrf: string, name: string, error?: string): Promise<string> {
    const view = await loadAttachPoliciesView(web.deps, who, name);
    return attachPoliciesPage({ principal: who.principal, csrf, view, error });
  }

  pages.get('/console/groups/:name/attach-policies', { access: GROUPS_ACCESS.attachable }, async (p) =>
    attachPage(p.who, p.csrf, p.params.name),
  );

  pages.post(
    '/console/groups/:name/attach-policy',
    {
      access: GROUPS_ACCESS.attach,
      form: { policyArn: { max: 2048 } },
      redisplay: (p, error) =>
        aboutGroup(error)
          ? undefined
          : ifAllowed(p, GROUPS_ACCESS.attachable, () => attachPage(p.who, p.csrf, p.params.name, error.message)),
    },
    async (p) => {
      await attachPolicy(
        p.deps,
        p.who.principal.accountId,
        'group',
        p.params.name,
        p.form.policyArn,
        actorOf(p.who.principal),
        p.meta,
      );
      return redirect(withNotice(groupHref(p.params.name), 'attached'));
    },
  );

  pages.get('/console/groups/:name/detach-policy', { access: GROUPS_ACCESS.detach }, async (p) => {
    const { group, policyName, policyArn } = await loadAttachedPolicy(
      p.deps,
      p.who,
      p.params.name,
      p.query.policyArn ?? '',
    );
    return confirmationPage({
      principal: p.who.principal,
      csrf: p.csrf,
      title: `Detach ${policyName} from ${group.name}?`,
      groupName: group.name,
      explanation: `The users of ${group.name} lose what ${policyArn} allows them, unless another of their policies allows it too.`,
      action: `${groupHref(group.name)}/detach-policy`,
      fields: { policyArn },
      button: 'Detach policy',
    });
  });

  pages.post(
    '/console/groups/:name/detach-policy',
    {
      access: GROUPS_ACCESS.detach,
      form: { policyArn: { max: 2048 } },
      redisplay: (p, error) =>
        aboutGroup(error)
          ? undefined
          : ifAllowed(p, GROUPS_ACCESS.view, () =>
              showGroup(p.who, p.csrf, p.params.name, { errors: { policies: error.message } }),
            ),
    },
    async (p) => {
      await detachPolicy(
        p.deps,
        p.who.principal.accountId,
        'group',
        p.params.name,
        p.form.policyArn,
        actorOf(p.who.principal),
        p.meta,
      );
      return redirect(withNotice(groupHref(p.params.name), 'detached'));
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
    const group = await loadGroup(web.deps, who, name);
    return addInlinePolicyPage({ principal: who.principal, csrf, groupName: group.name, values, errors });
  }

  pages.get('/console/groups/:name/add-inline-policy', { access: GROUPS_ACCESS.putInline }, async (p) =>
    addInlinePage(p.who, p.csrf, p.params.name, { policyName: '', policyDocument: POLICY_TEMPLATE }),
  );

  const DOCUMENT = { max: 131072 };

  pages.post(
    '/console/groups/:name/inline-policies',
    {
      access: GROUPS_ACCESS.putInline,
      form: { policyName: { max: 128 }, policyDocument: DOCUMENT },
      redisplay: (p, error) =>
        aboutGroup(error) ? undefined : addInlinePage(p.who, p.csrf, p.params.name, p.form, inlineErrors(error)),
    },
    async (p) => {
      await putInlinePolicy(
        p.deps,
        p.who.principal.accountId,
        'group',
        p.params.name,
        p.form.policyName,
        p.form.policyDocument,
        actorOf(p.who.principal),
        p.meta,
      );
      return redirect(
        withNotice(
          `${groupHref(p.params.name)}/inline-policies/${encodeURIComponent(p.form.policyName)}`,
          'inline-saved',
        ),
      );
    },
  );

  async function showInline(
    who: SignedIn,
    csrf: string,
    name: string,
    policyName: string,
    extra: { typed?: string; errors?: InlinePolicyErrors; notice?: string } = {},
  ): Promise<string> {
    const view = await loadInlinePolicyView(web.deps, who, name, policyName);
    return inlinePolicyPage({ principal: who.principal, csrf, view, ...extra });
  }

  pages.get('/console/groups/:name/inline-policies/:policyName', { access: GROUPS_ACCESS.getInline }, async (p) =>
    showInline(p.who, p.csrf, p.params.name, p.params.policyName, { notice: ownEntry(NOTICES, p.query.done) }),
  );

  pages.post(
    '/console/groups/:name/inline-policies/:policyName',
    {
      access: GROUPS_ACCESS.putInline,
      form: { policyDocument: DOCUMENT },
      redisplay: (p, error) =>
        aboutGroup(error)
          ? undefined
          : ifAllowed(p, GROUPS_ACCESS.getInline, () =>
              showInline(p.who, p.csrf, p.params.name, p.params.policyName, {
                typed: p.form.policyDocument,
                errors: inlineErrors(error),
              }),
            ),
    },
    async (p) => {
      await putInlinePolicy(
        p.deps,
        p.who.principal.accountId,
        'group',
        p.params.name,
        p.params.policyName,
        p.form.policyDocument,
        actorOf(p.who.principal),
        p.meta,
      );
      return redirect(
        withNotice(
          `${groupHref(p.params.name)}/inline-policies/${encodeURIComponent(p.params.policyName)}`,
          'inline-saved',
        ),
      );
    },
  );

  async function confirmDeleteInline(
    who: SignedIn,
    csrf: string,
    name: string,
    policyName: string,
    error?: string,
  ): Promise<string> {
    const found = await loadInlinePolicy(web.deps, who, name, policyName);
    return confirmationPage({
      principal: who.principal,
      csrf,
      title: `Delete inline policy ${found.policyName}?`,
      groupName: found.groupName,
      explanation: `The users of ${found.groupName} lose what this policy allows them, unless another of their policies allows it too. Deleting it cannot be undone.`,
      action: `${groupHref(found.groupName)}/inline-policies/${encodeURIComponent(found.policyName)}/delete`,
      button: 'Delete inline policy',
      error,
    });
  }

  pages.get(
    '/console/groups/:name/inline-policies/:policyName/delete',
    { access: GROUPS_ACCESS.deleteInline },
    async (p) => confirmDeleteInline(p.who, p.csrf, p.params.name, p.params.policyName),
  );

  pages.post(
    '/console/groups/:name/inline-policies/:policyName/delete',
    {
      access: GROUPS_ACCESS.deleteInline,
      form: {},
      redisplay: (p, error) =>
        aboutGroup(error)
          ? undefined
          : confirmDeleteInline(p.who, p.csrf, p.params.name, p.params.policyName, error.message),
    },
    async (p) => {
      await deleteInlinePolicy(
        p.deps,
        p.who.principal.accountId,
        'group',
        p.params.name,
        p.params.policyName,
        actorOf(p.who.principal),
        p.meta,
      );
      return redirect(withNotice(groupHref(p.params.name), 'inline-deleted'));
    },
  );
}
