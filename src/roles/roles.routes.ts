import type { FastifyInstance } from 'fastify';
import { actorOf } from '../identities/principal.ts';
import { noSuchRole } from '../identities/role-lookup.ts';
import { attachPolicy, detachPolicy } from '../policies/attachment.service.ts';
import { deleteInlinePolicy, putInlinePolicy } from '../policies/inline-policy.service.ts';
import {
  type InlinePolicyErrors,
  POLICY_TEMPLATE,
  inlinePolicyErrors as inlineErrors,
} from '../policies/policy-holder.pages.ts';
import type { GatehouseError } from '../shared/errors.ts';
import { ownEntry } from '../shared/own-entry.ts';
import { confirmationPage } from '../web/fragments.ts';
import type { FormSpec } from '../web/forms.ts';
import { type Page, ifAllowed, pageRoutes, redirect } from '../web/page-route.ts';
import type { SignedIn, WebContext } from '../web/web-context.ts';
import { ROLES_ACCESS } from './role-access.ts';
import {
  loadAttachPoliciesView,
  loadAttachedPolicy,
  loadInlinePolicy,
  loadInlinePolicyView,
  loadRole,
  loadRoleDependents,
  loadRoleView,
  loadRolesList,
} from './role-console.service.ts';
import { addInlinePolicyPage, attachPoliciesPage, inlinePolicyPage } from './role-policies.pages.ts';
import { revokeOlderRoleSessions } from '../sts/revoke-sessions.service.ts';
import { deleteRole, updateAssumeRolePolicy, updateRole } from './role.service.ts';
import {
  ROLE_NOTICES,
  type RolePageErrors,
  type TrustPolicyErrors,
  roleHref,
  rolePage,
  rolesListPage,
  trustPolicyPage,
} from './roles.pages.ts';

type AnyPage = Page<FormSpec, Record<string, string>>;

const withNotice = (href: string, done: keyof typeof ROLE_NOTICES, section = '') =>
  `${href}?done=${done}${section ? `#${section}` : ''}`;

/** An unknown role is the error page's to say, not a form's. */
const aboutRole = (p: AnyPage, error: GatehouseError) =>
  error.code === 'NoSuchEntity' && error.message === noSuchRole(p.params.name ?? '').message;

/**
 * The console's Roles pages: the list, a role's page (summary, permissions, trust policy) and
 * its managed and inline policies. Each route declares the permission of the Query API Action
 * for the same read or change, and calls the service that Action calls.
 */
export async function rolesRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);
  const now = () => web.deps.clock.now();

  async function showRole(
    who: SignedIn,
    csrf: string,
    name: string,
    extra: {
      errors?: RolePageErrors;
      settings?: { maxSessionDuration: string; description: string };
      notice?: string | undefined;
    } = {},
  ): Promise<string> {
    const view = await loadRoleView(web.deps, who, name);
    return rolePage({ principal: who.principal, csrf, view, now: now(), ...extra });
  }

  /** The role's page again, with the refusal in the section it concerns. */
  const backOnRolePage = (section: keyof RolePageErrors) => (p: AnyPage, error: GatehouseError) =>
    aboutRole(p, error)
      ? undefined
      : ifAllowed(p, ROLES_ACCESS.view, () =>
          showRole(p.who, p.csrf, p.params.name!, { errors: { [section]: error.message } }),
        );

  const roleCrumbs = (name: string) => [
    { href: '/console/roles', label: 'Roles' },
    { href: roleHref(name), label: name },
  ];

  pages.get('/console/roles', { access: ROLES_ACCESS.list }, async (p) => {
    const view = await loadRolesList(p.deps, p.who, {
      search: p.query.search ?? '',
      page: Number.parseInt(p.query.page ?? '1', 10),
    });
    return rolesListPage({
      principal: p.who.principal,
      csrf: p.csrf,
      view,
      now: now(),
      notice: ownEntry(ROLE_NOTICES, p.query.done),
    });
  });

  pages.get('/console/roles/:name', { access: ROLES_ACCESS.view }, async (p) =>
    showRole(p.who, p.csrf, p.params.name, { notice: ownEntry(ROLE_NOTICES, p.query.done) }),
  );

  // Settings: UpdateRole (maximum session duration, description)

  pages.post(
    '/console/roles/:name/settings',
    {
      access: ROLES_ACCESS.update,
      form: { maxSessionDuration: { max: 8 }, description: { max: 2000 } },
      redisplay: (p, error) => {
        if (aboutRole(p, error)) return undefined;
        const key = (['maxSessionDuration', 'description'] as const).find((f) => f === error.field) ?? 'settings';
        return ifAllowed(p, ROLES_ACCESS.view, () =>
          showRole(p.who, p.csrf, p.params.name, { errors: { [key]: error.message }, settings: p.form }),
        );
      },
    },
    async (p) => {
      const { maxSessionDuration, description } = p.form;
      const seconds = /^\d{1,6}$/.test(maxSessionDuration) ? Number(maxSessionDuration) : Number.NaN;
      const changes = { maxSessionDuration: seconds, description: description.trim() };
      await updateRole(p.deps, p.who.principal.accountId, p.params.name, changes, actorOf(p.who.principal), p.meta);
      return redirect(withNotice(roleHref(p.params.name), 'updated'));
    },
  );

  // The trust policy: UpdateAssumeRolePolicy

  async function trustPage(who: SignedIn, csrf: string, name: string, typed?: string, errors?: TrustPolicyErrors) {
    const role = await loadRole(web.deps, who, name);
    const document = typed ?? role.shownTrustPolicy;
    return trustPolicyPage({ principal: who.principal, csrf, role, document, ...(errors ? { errors } : {}) });
  }

  pages.get('/console/roles/:name/trust-policy', { access: ROLES_ACCESS.updateTrust }, async (p) =>
    trustPage(p.who, p.csrf, p.params.name),
  );

  pages.post(
    '/console/roles/:name/trust-policy',
    {
      access: ROLES_ACCESS.updateTrust,
      form: { policyDocument: { max: 131072 } },
      redisplay: (p, error) =>
        aboutRole(p, error)
          ? undefined
          : trustPage(p.who, p.csrf, p.params.name, p.form.policyDocument, {
              [error.field === 'policyDocument' ? 'policyDocument' : 'form']: error.message,
            }),
    },
    async (p) => {
      const { accountId } = p.who.principal;
      const actor = actorOf(p.who.principal);
      await updateAssumeRolePolicy(p.deps, accountId, p.params.name, p.form.policyDocument, actor, p.meta);
      return redirect(withNotice(roleHref(p.params.name), 'trust-saved', 'trust'));
    },
  );

  // Revoke active sessions: the AWSRevokeOlderSessions inline policy, as the AWS console puts it

  async function confirmRevoke(who: SignedIn, csrf: string, name: string, error?: string): Promise<string> {
    const role = await loadRole(web.deps, who, name);
    return confirmationPage({
      principal: who.principal,
      csrf,
      title: `Revoke the active sessions of ${role.name}?`,
      crumbs: roleCrumbs(role.name),
      explanation: `Every session of ${role.name} issued before now is refused from now on, whoever holds its temporary credentials (consoles that switched to it too): the inline policy AWSRevokeOlderSessions denies them everything. Whoever may assume the role can get new credentials, which work.`,
      action: `${roleHref(role.name)}/revoke-sessions`,
      button: 'Revoke active sessions',
      cancel: `${roleHref(role.name)}#sessions`,
      error,
    });
  }

  pages.get('/console/roles/:name/revoke-sessions', { access: ROLES_ACCESS.revokeSessions }, async (p) =>
    confirmRevoke(p.who, p.csrf, p.params.name),
  );

  pages.post(
    '/console/roles/:name/revoke-sessions',
    {
      access: ROLES_ACCESS.revokeSessions,
      form: {},
      redisplay: (p, error) =>
        aboutRole(p, error) ? undefined : confirmRevoke(p.who, p.csrf, p.params.name, error.message),
    },
    async (p) => {
      const { accountId } = p.who.principal;
      await revokeOlderRoleSessions(p.deps, accountId, p.params.name, actorOf(p.who.principal), p.meta);
      return redirect(withNotice(roleHref(p.params.name), 'revoked', 'sessions'));
    },
  );

  // Delete, after a confirmation that names what goes with the role

  async function confirmDelete(who: SignedIn, csrf: string, name: string, error?: string): Promise<string> {
    const { role, attached, inline } = await loadRoleDependents(web.deps, who, name);
    const policies = [
      attached > 0 ? `its ${attached === 1 ? 'managed policy is' : `${attached} managed policies are`} detached` : '',
      inline > 0 ? `its ${inline === 1 ? 'inline policy is' : `${inline} inline policies are`} deleted` : '',
    ].filter(Boolean);
    return confirmationPage({
      principal: who.principal,
      csrf,
      title: `Delete role ${role.name}?`,
      crumbs: roleCrumbs(role.name),
      explanation: `Deleting a role cannot be undone.${policies.length > 0 ? ` With it, ${policies.join(' and ')}.` : ''} Its sessions stop working at once, and whoever assumed it gets AccessDenied from then on.`,
      action: `${roleHref(role.name)}/delete`,
      button: `Delete ${role.name}`,
      cancel: roleHref(role.name),
      error,
    });
  }

  pages.get('/console/roles/:name/delete', { access: ROLES_ACCESS.delete }, async (p) =>
    confirmDelete(p.who, p.csrf, p.params.name),
  );

  pages.post(
    '/console/roles/:name/delete',
    {
      access: ROLES_ACCESS.delete,
      form: {},
      redisplay: (p, error) =>
        aboutRole(p, error) ? undefined : confirmDelete(p.who, p.csrf, p.params.name, error.message),
    },
    async (p) => {
      // As the AWS console: the role's policies go with it (the Query API's DeleteRole refuses while they remain).
      await deleteRole(p.deps, p.who.principal.accountId, p.params.name, actorOf(p.who.principal), p.meta);
      return redirect('/console/roles?done=deleted');
    },
  );

  // Managed policies

  async function attachPage(who: SignedIn, csrf: string, name: string, error?: string): Promise<string> {
    const view = await loadAttachPoliciesView(web.deps, who, name);
    return attachPoliciesPage({ principal: who.principal, csrf, view, error });
  }

  pages.get('/console/roles/:name/attach-policies', { access: ROLES_ACCESS.attachable }, async (p) =>
    attachPage(p.who, p.csrf, p.params.name),
  );

  pages.post(
    '/console/roles/:name/attach-policy',
    {
      access: ROLES_ACCESS.attach,
      form: { policyArn: { max: 2048 } },
      redisplay: (p, error) =>
        aboutRole(p, error)
          ? undefined
          : ifAllowed(p, ROLES_ACCESS.attachable, () => attachPage(p.who, p.csrf, p.params.name, error.message)),
    },
    async (p) => {
      const { accountId } = p.who.principal;
      await attachPolicy(p.deps, accountId, 'role', p.params.name, p.form.policyArn, actorOf(p.who.principal), p.meta);
      return redirect(withNotice(roleHref(p.params.name), 'attached', 'permissions'));
    },
  );

  pages.get('/console/roles/:name/detach-policy', { access: ROLES_ACCESS.detach }, async (p) => {
    const { role, policyName, policyArn } = await loadAttachedPolicy(
      p.deps,
      p.who,
      p.params.name,
      p.query.policyArn ?? '',
    );
    return confirmationPage({
      principal: p.who.principal,
      csrf: p.csrf,
      title: `Detach ${policyName} from ${role.name}?`,
      crumbs: roleCrumbs(role.name),
      explanation: `Sessions of ${role.name} lose what ${policyArn} allows, unless another of its policies allows it too.`,
      action: `${roleHref(role.name)}/detach-policy`,
      fields: { policyArn },
      button: 'Detach policy',
      cancel: `${roleHref(role.name)}#permissions`,
    });
  });

  pages.post(
    '/console/roles/:name/detach-policy',
    { access: ROLES_ACCESS.detach, form: { policyArn: { max: 2048 } }, redisplay: backOnRolePage('policies') },
    async (p) => {
      const { accountId } = p.who.principal;
      await detachPolicy(p.deps, accountId, 'role', p.params.name, p.form.policyArn, actorOf(p.who.principal), p.meta);
      return redirect(withNotice(roleHref(p.params.name), 'detached', 'permissions'));
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
    const role = await loadRole(web.deps, who, name);
    return addInlinePolicyPage({ principal: who.principal, csrf, roleName: role.name, values, errors });
  }

  pages.get('/console/roles/:name/inline-policies/new', { access: ROLES_ACCESS.putInline }, async (p) =>
    addInlinePage(p.who, p.csrf, p.params.name, { policyName: '', policyDocument: POLICY_TEMPLATE }),
  );

  // As PutRolePolicy: at most 131,072 characters reach the checks, which then say what is wrong.
  const DOCUMENT = { max: 131072 };
  const inlineHref = (name: string, policyName: string) =>
    `${roleHref(name)}/inline-policies/${encodeURIComponent(policyName)}`;

  pages.post(
    '/console/roles/:name/inline-policies',
    {
      access: ROLES_ACCESS.putInline,
      form: { policyName: { max: 128 }, policyDocument: DOCUMENT },
      redisplay: (p, error) =>
        aboutRole(p, error) ? undefined : addInlinePage(p.who, p.csrf, p.params.name, p.form, inlineErrors(error)),
    },
    async (p) => {
      const { policyName, policyDocument } = p.form;
      const { accountId } = p.who.principal;
      const actor = actorOf(p.who.principal);
      await putInlinePolicy(p.deps, accountId, 'role', p.params.name, policyName, policyDocument, actor, p.meta);
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

  pages.get('/console/roles/:name/inline-policies/:policyName', { access: ROLES_ACCESS.getInline }, async (p) =>
    showInline(p.who, p.csrf, p.params.name, p.params.policyName, { notice: ownEntry(ROLE_NOTICES, p.query.done) }),
  );

  pages.post(
    '/console/roles/:name/inline-policies/:policyName',
    {
      access: ROLES_ACCESS.putInline,
      form: { policyDocument: DOCUMENT },
      redisplay: (p, error) =>
        aboutRole(p, error)
          ? undefined
          : ifAllowed(p, ROLES_ACCESS.getInline, () =>
              showInline(p.who, p.csrf, p.params.name, p.params.policyName, {
                typed: p.form.policyDocument,
                errors: inlineErrors(error),
              }),
            ),
    },
    async (p) => {
      const { name, policyName } = p.params;
      const actor = actorOf(p.who.principal);
      const { accountId } = p.who.principal;
      await putInlinePolicy(p.deps, accountId, 'role', name, policyName, p.form.policyDocument, actor, p.meta);
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
    const found = await loadInlinePolicy(web.deps, who, name, policyName);
    return confirmationPage({
      principal: who.principal,
      csrf,
      title: `Delete inline policy ${found.policyName}?`,
      crumbs: roleCrumbs(found.roleName),
      explanation: `Sessions of ${found.roleName} lose what this policy allows, unless another of its policies allows it too. Deleting it cannot be undone.`,
      action: `${inlineHref(found.roleName, found.policyName)}/delete`,
      button: 'Delete inline policy',
      cancel: `${roleHref(found.roleName)}#permissions`,
      error,
    });
  }

  pages.get(
    '/console/roles/:name/inline-policies/:policyName/delete',
    { access: ROLES_ACCESS.deleteInline },
    async (p) => confirmDeleteInline(p.who, p.csrf, p.params.name, p.params.policyName),
  );

  pages.post(
    '/console/roles/:name/inline-policies/:policyName/delete',
    { access: ROLES_ACCESS.deleteInline, form: {}, redisplay: backOnRolePage('policies') },
    async (p) => {
      const { name, policyName } = p.params;
      const actor = actorOf(p.who.principal);
      await deleteInlinePolicy(p.deps, p.who.principal.accountId, 'role', name, policyName, actor, p.meta);
      return redirect(withNotice(roleHref(name), 'inline-deleted', 'permissions'));
    },
  );
}
