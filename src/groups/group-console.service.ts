import { type AccessInput, mayUse } from '../authz/console-access.ts';
import type { ConsoleCaller } from '../authz/console-authorization.ts';
import type { Deps } from '../deps.ts';
import type { UserRecord } from '../identities/user.repository.ts';
import { ATTACHMENT_QUOTAS } from '../policies/attachment.service.ts';
import { getInlinePolicy, listInlinePolicyNames } from '../policies/inline-policy.service.ts';
import {
  type AttachedPolicyView,
  type InlinePolicyView,
  type PolicyChoice,
  findAttachedPolicy,
  loadAttachChoices,
  loadAttachedPolicies,
  loadInlinePolicyView as loadHolderInlinePolicy,
} from '../policies/policy-holder-console.service.ts';
import { listUsersOf } from '../users/user.service.ts';
import { GROUPS_ACCESS } from './group-access.ts';
import { type Group, getGroup, listGroupsWithUserCounts } from './group.service.ts';

/**
 * What the console's Groups pages show, loaded through the services the Query API uses,
 * with which forms and links to offer: each the decision its route makes (`GROUPS_ACCESS`),
 * so a form is shown exactly when posting it would be allowed.
 */

export const GROUPS_PER_PAGE = 50;

/** The most managed policies a group can have attached (AWS's PoliciesPerGroup). */
export const GROUP_ATTACHMENT_QUOTA = ATTACHMENT_QUOTAS.group;

export interface GroupsListView {
  /** The groups of this page, in name order. */
  groups: Array<Group & { userCount: number }>;
  total: number;
  /** 1-based, within 1…pages. */
  page: number;
  pages: number;
  mayCreate: boolean;
}

/** One page of the account's groups; a page past the last shows the last. */
export async function loadGroupsList(deps: Deps, who: ConsoleCaller, requestedPage: number): Promise<GroupsListView> {
  const [all, mayCreate] = await Promise.all([
    listGroupsWithUserCounts(deps, who.principal.accountId),
    mayUse(deps, who, GROUPS_ACCESS.create),
  ]);
  const pages = Math.max(1, Math.ceil(all.length / GROUPS_PER_PAGE));
  const page = Math.min(Math.max(1, requestedPage), pages);
  const groups = all.slice((page - 1) * GROUPS_PER_PAGE, page * GROUPS_PER_PAGE);
  return { groups, total: all.length, page, pages, mayCreate };
}

export interface GroupView {
  group: Group;
  users: UserRecord[];
  mayAddUser: boolean;
  /** The account's users not in the group, to choose from; null when the person may not list users (a name is typed). */
  addableUsers: UserRecord[] | null;
  mayRemoveUser: boolean;
  /** Null when the person may not list them (iam:ListAttachedGroupPolicies). */
  attached: AttachedPolicyView[] | null;
  /** The attach page opens and at least one of its policies may be attached. */
  mayAttach: boolean;
  /** Null when the person may not list them (iam:ListGroupPolicies). */
  inline: string[] | null;
  mayReadInline: boolean;
  mayAddInline: boolean;
  mayUpdate: boolean;
  mayDelete: boolean;
}

function onGroup(name: string, body: Record<string, string> = {}): AccessInput {
  return { params: { name }, body };
}

/** A group's page: its users and policies, each part only as far as the person may read it. */
export async function loadGroupView(deps: Deps, who: ConsoleCaller, name: string): Promise<GroupView> {
  const { accountId } = who.principal;
  const { group, users } = await getGroup(deps, accountId, name);
  const input = onGroup(group.name);
  const may = async (access: keyof typeof GROUPS_ACCESS) => mayUse(deps, who, GROUPS_ACCESS[access], input);
  const [mayAddUser, mayListUsers, mayRemoveUser, mayListAttached, mayOpenAttach, mayListInline] = await Promise.all([
    may('addUser'),
    may('listUsers'),
    may('removeUser'),
    may('listAttached'),
    may('attachable'),
    may('listInline'),
  ]);
  const [mayReadInline, mayAddInline, mayUpdate, mayDelete] = await Promise.all([
    may('getInline'),
    may('putInline'),
    may('update'),
    may('delete'),
  ]);

  const members = new Set(users.map((u) => u.id));
  const addableUsers =
    mayAddUser && mayListUsers ? (await listUsersOf(deps, accountId)).filter((u) => !members.has(u.id)) : null;

  let attached: AttachedPolicyView[] | null = null;
  let mayAttach = false;
  if (mayListAttached) {
    const mayWith = (access: 'attach' | 'detach') => async (policyArn: string) =>
      mayUse(deps, who, GROUPS_ACCESS[access], onGroup(group.name, { policyArn }));
    const holder = { type: 'group' as const, name: group.name };
    const decide = { detach: mayWith('detach'), attach: mayOpenAttach ? mayWith('attach') : null };
    ({ attached, mayAttach } = await loadAttachedPolicies(deps, accountId, holder, decide));
  }
  const inline = mayListInline ? await listInlinePolicyNames(deps, accountId, 'group', group.name) : null;

  return {
    group,
    users,
    mayAddUser,
    addableUsers,
    mayRemoveUser,
    attached,
    mayAttach,
    inline,
    mayReadInline,
    mayAddInline,
    mayUpdate,
    mayDelete,
  };
}

export interface AttachPoliciesView {
  group: Group;
  attachedCount: number;
  /** AWS managed and customer managed policies, in name order. */
  policies: PolicyChoice[];
}

/** The policies a group could be given, each with whether the person may attach it (`iam:PolicyARN` decided per policy). */
export async function loadAttachPoliciesView(
  deps: Deps,
  who: ConsoleCaller,
  name: string,
): Promise<AttachPoliciesView> {
  const { accountId } = who.principal;
  const { group } = await getGroup(deps, accountId, name);
  const mayAttach = async (policyArn: string) =>
    mayUse(deps, who, GROUPS_ACCESS.attach, onGroup(group.name, { policyArn }));
  return { group, ...(await loadAttachChoices(deps, accountId, { type: 'group', name: group.name }, mayAttach)) };
}

/** One inline policy of a group, with whether the person may replace or delete it. */
export async function loadInlinePolicyView(
  deps: Deps,
  who: ConsoleCaller,
  groupName: string,
  policyName: string,
): Promise<InlinePolicyView> {
  const may = (access: 'putInline' | 'deleteInline') => async (holderName: string) =>
    mayUse(deps, who, GROUPS_ACCESS[access], onGroup(holderName));
  const holder = { type: 'group' as const, name: groupName };
  const found = { edit: may('putInline'), delete: may('deleteInline') };
  return loadHolderInlinePolicy(deps, who.principal.accountId, holder, policyName, found);
}

/** An inline policy of the group, for the delete confirmation; NoSuchEntity with DeleteGroupPolicy's message otherwise. */
export async function loadInlinePolicy(
  deps: Deps,
  who: ConsoleCaller,
  groupName: string,
  policyName: string,
): Promise<{ groupName: string; policyName: string }> {
  const policy = await getInlinePolicy(deps, who.principal.accountId, 'group', groupName, policyName);
  return { groupName: policy.ownerName, policyName: policy.policyName };
}

/**
 * A managed policy attached to the group, for the detach confirmation; NoSuchEntity with
 * DetachGroupPolicy's message when it is not attached.
 */
export async function loadAttachedPolicy(
  deps: Deps,
  who: ConsoleCaller,
  groupName: string,
  policyArn: string,
): Promise<{ group: Group; policyName: string; policyArn: string }> {
  const group = await loadGroup(deps, who, groupName);
  const holder = { type: 'group' as const, name: group.name };
  return { group, ...(await findAttachedPolicy(deps, who.principal.accountId, holder, policyArn)) };
}

/** The group a confirmation page or form names, as stored (its name's case, its path); NoSuchEntity otherwise. */
export async function loadGroup(deps: Deps, who: ConsoleCaller, name: string): Promise<Group> {
  return (await getGroup(deps, who.principal.accountId, name)).group;
}
