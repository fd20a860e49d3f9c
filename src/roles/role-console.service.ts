import { type AccessInput, mayUse } from '../authz/console-access.ts';
import type { ConsoleCaller } from '../authz/console-authorization.ts';
import type { Deps } from '../deps.ts';
import { ATTACHMENT_QUOTAS, listAttachedPolicies } from '../policies/attachment.service.ts';
import { getInlinePolicy, listInlinePolicyNames } from '../policies/inline-policy.service.ts';
import { type ManagedPolicy, listPolicies } from '../policies/managed-policy.service.ts';
import {
  type AttachedPolicyView,
  type InlinePolicyView,
  type PolicyChoice,
  findAttachedPolicy,
  loadAttachChoices,
  loadAttachedPolicies,
  loadInlinePolicyView as loadHolderInlinePolicy,
} from '../policies/policy-holder-console.service.ts';
import { type PolicyDocument, formatPolicyDocument, parsePolicyDocument } from '../policy-engine/document.ts';
import { trustSummary } from '../policy-engine/trust.ts';
import { ROLES_ACCESS } from './role-access.ts';
import { type RoleView as ShownRole, getRole, listRolesOf } from './role-view.ts';
import { trustedEntities } from './trusted-entities.ts';

/**
 * What the console's Roles pages show, with which forms and links to offer: each the decision
 * its route makes (`ROLES_ACCESS`), so a form is shown exactly when posting it would be allowed.
 */

export const ROLES_PER_PAGE = 50;
/** The most managed policies a role can have attached (AWS's PoliciesPerRole). */
export const ROLE_ATTACHMENT_QUOTA = ATTACHMENT_QUOTAS.role;

/** A role as the console shows it: as GetRole shows it, with its trust policy read. */
export interface Role extends ShownRole {
  /** The trust policy as shown (deleted pinned principals as their unique IDs). */
  trust: PolicyDocument;
}

export interface RoleListRow {
  role: Role;
  /** Who the trust policy lets assume the role, in a few words each. */
  trustedEntities: string[];
}

export interface RolesListView {
  rows: RoleListRow[];
  search: string;
  total: number;
  /** 1-based, within 1…pages. */
  page: number;
  pages: number;
  mayCreate: boolean;
}

function read(role: ShownRole): Role {
  return { ...role, trust: parsePolicyDocument(role.shownTrustPolicy) };
}

/** One page of the account's roles whose name contains `search` (ignoring case); a page past the last shows the last. */
export async function loadRolesList(
  deps: Deps,
  who: ConsoleCaller,
  request: { search: string; page: number },
): Promise<RolesListView> {
  const { accountId } = who.principal;
  const search = request.search.trim().slice(0, 128);
  const [all, mayCreate] = await Promise.all([listRolesOf(deps, accountId), mayUse(deps, who, ROLES_ACCESS.create)]);
  const matching = search ? all.filter((r) => r.name.toLowerCase().includes(search.toLowerCase())) : all;
  const pages = Math.max(1, Math.ceil(matching.length / ROLES_PER_PAGE));
  const wanted = Number.isFinite(request.page) ? request.page : 1;
  const page = Math.min(Math.max(1, wanted), pages);
  const shown = matching.slice((page - 1) * ROLES_PER_PAGE, page * ROLES_PER_PAGE).map(read);
  return {
    rows: shown.map((role) => ({ role, trustedEntities: trustedEntities(role.trust, accountId) })),
    search,
    total: matching.length,
    page,
    pages,
    mayCreate,
  };
}

export interface RolePageView {
  role: Role;
  trustJson: string;
  /** The trust policy in words, one line per statement. */
  trustLines: string[];
  /** Null when the person may not list them (iam:ListAttachedRolePolicies). */
  attached: AttachedPolicyView[] | null;
  /** The attach page opens and at least one of its policies may be attached. */
  mayAttach: boolean;
  /** Null when the person may not list them (iam:ListRolePolicies). */
  inline: string[] | null;
  mayReadInline: boolean;
  mayAddInline: boolean;
  mayUpdate: boolean;
  mayUpdateTrust: boolean;
  mayDelete: boolean;
  mayRevokeSessions: boolean;
}

function onRole(name: string, body: Record<string, string> = {}): AccessInput {
  return { params: { name }, body };
}

/** The role the URL names, as stored, with its trust policy as shown; NoSuchEntity with AWS's message otherwise. */
export async function loadRole(deps: Deps, who: ConsoleCaller, name: string): Promise<Role> {
  return read(await getRole(deps, who.principal.accountId, name));
}

/** A role's page: its summary, trust policy and permissions, each part only as far as the person may read it. */
export async function loadRoleView(deps: Deps, who: ConsoleCaller, name: string): Promise<RolePageView> {
  const { accountId } = who.principal;
  const role = await loadRole(deps, who, name);
  const input = onRole(role.name);
  const may = async (access: keyof typeof ROLES_ACCESS) => mayUse(deps, who, ROLES_ACCESS[access], input);
  const [mayListAttached, mayOpenAttach, mayListInline, mayReadInline, mayAddInline] = await Promise.all([
    may('listAttached'),
    may('attachable'),
    may('listInline'),
    may('getInline'),
    may('putInline'),
  ]);
  const [mayUpdate, mayUpdateTrust, mayDelete] = await Promise.all([may('update'), may('updateTrust'), may('delete')]);

  let attached: AttachedPolicyView[] | null = null;
  let mayAttach = false;
  if (mayListAttached) {
    const mayWith = (access: 'attach' | 'detach') => async (policyArn: string) =>
      mayUse(deps, who, ROLES_ACCESS[access], onRole(role.name, { policyArn }));
    const holder = { type: 'role' as const, name: role.name };
    const decide = {
      detach: mayWith('detach'),
      attach: mayOpenAttach ? mayWith('attach') : null,
      quota: ROLE_ATTACHMENT_QUOTA,
    };
    ({ attached, mayAttach } = await loadAttachedPolicies(deps, accountId, holder, decide));
  }
  const inline = mayListInline ? await listInlinePolicyNames(deps, accountId, 'role', role.name) : null;
  return {
    role,
    trustJson: formatPolicyDocument(role.trust, 2),
    trustLines: trustSummary(role.trust),
    attached,
    mayAttach,
    inline,
    mayReadInline,
    mayAddInline,
    mayUpdate,
    mayUpdateTrust,
    mayDelete,
    // Revoking writes an inline policy, as the AWS console does.
    mayRevokeSessions: mayAddInline,
  };
}

export interface AttachPoliciesView {
  role: Role;
  attachedCount: number;
  /** AWS managed and customer managed policies, in name order. */
  policies: PolicyChoice[];
}

/** The policies a role could be given, each with whether the person may attach it (`iam:PolicyARN` decided per policy). */
export async function loadAttachPoliciesView(
  deps: Deps,
  who: ConsoleCaller,
  name: string,
): Promise<AttachPoliciesView> {
  const role = await loadRole(deps, who, name);
  const mayAttach = async (policyArn: string) =>
    mayUse(deps, who, ROLES_ACCESS.attach, onRole(role.name, { policyArn }));
  const choices = await loadAttachChoices(deps, who.principal.accountId, { type: 'role', name: role.name }, mayAttach);
  return { role, ...choices };
}

/** One inline policy of a role, with whether the person may replace or delete it. */
export async function loadInlinePolicyView(
  deps: Deps,
  who: ConsoleCaller,
  roleName: string,
  policyName: string,
): Promise<InlinePolicyView> {
  const may = (access: 'putInline' | 'deleteInline') => async (holderName: string) =>
    mayUse(deps, who, ROLES_ACCESS[access], onRole(holderName));
  const holder = { type: 'role' as const, name: roleName };
  return loadHolderInlinePolicy(deps, who.principal.accountId, holder, policyName, {
    edit: may('putInline'),
    delete: may('deleteInline'),
  });
}

/** An inline policy of the role, for the delete confirmation; NoSuchEntity with DeleteRolePolicy's message otherwise. */
export async function loadInlinePolicy(
  deps: Deps,
  who: ConsoleCaller,
  roleName: string,
  policyName: string,
): Promise<{ roleName: string; policyName: string }> {
  const policy = await getInlinePolicy(deps, who.principal.accountId, 'role', roleName, policyName);
  return { roleName: policy.ownerName, policyName: policy.policyName };
}

/** A managed policy attached to the role, for the detach confirmation; NoSuchEntity with DetachRolePolicy's message otherwise. */
export async function loadAttachedPolicy(
  deps: Deps,
  who: ConsoleCaller,
  roleName: string,
  policyArn: string,
): Promise<{ role: Role; policyName: string; policyArn: string }> {
  const role = await loadRole(deps, who, roleName);
  const holder = { type: 'role' as const, name: role.name };
  return { role, ...(await findAttachedPolicy(deps, who.principal.accountId, holder, policyArn)) };
}

/** The managed policies the create-role wizard offers, each with whether the person may attach it to the new role. */
export async function loadWizardPolicies(
  deps: Deps,
  who: ConsoleCaller,
  newRole: { roleName: string; path: string },
): Promise<Array<{ policy: ManagedPolicy; mayAttach: boolean }>> {
  const policies = await listPolicies(deps, who.principal.accountId);
  return Promise.all(
    policies.map(async (policy) => ({
      policy,
      mayAttach: await mayUse(deps, who, ROLES_ACCESS.attachToNew, {
        params: {},
        body: { ...newRole, policyArn: policy.arn },
      }),
    })),
  );
}

/** What deleting a role takes with it, for the confirmation: its policies go with it in the console, as in AWS's. */
export async function loadRoleDependents(
  deps: Deps,
  who: ConsoleCaller,
  name: string,
): Promise<{ role: Role; attached: number; inline: number }> {
  const role = await loadRole(deps, who, name);
  const { accountId } = who.principal;
  const [attached, inline] = await Promise.all([
    listAttachedPolicies(deps, accountId, 'role', role.name),
    listInlinePolicyNames(deps, accountId, 'role', role.name),
  ]);
  return { role, attached: attached.length, inline: inline.length };
}
