import { type AccessKeysView, loadUserAccessKeys } from '../access-keys/access-key-access.ts';
import { listAccessKeysOfPrincipals } from '../access-keys/access-key.repository.ts';
import { lastPasswordSignIns } from '../audit/audit.repository.ts';
import type { AuditEventRecord } from '../audit/audit.repository.ts';
import type { Actor, RequestMeta } from '../audit/audit.service.ts';
import { type AccessInput, type RouteAccess, mayUse } from '../authz/console-access.ts';
import type { ConsoleCaller } from '../authz/console-authorization.ts';
import type { Deps } from '../deps.ts';
import { type GroupRecord, listGroups, listGroupsOfUser } from '../identities/group.repository.ts';
import type { Principal } from '../identities/principal.ts';
import {
  type LoginProfileRecord,
  type UserRecord,
  loginProfilesOf,
  searchUsers,
} from '../identities/user.repository.ts';
import { ADMIN_DEACTIVATE_MFA } from '../mfa/mfa-access.ts';
import { enabledDeviceCounts } from '../mfa/mfa.repository.ts';
import type { MfaDevice } from '../mfa/mfa.repository.ts';
import { listMfaDevices } from '../mfa/mfa.service.ts';
import { getPasswordPolicy } from '../password-policy/password-policy.service.ts';
import { generatePassword } from '../passwords/password-generator.ts';
import { describeRules } from '../passwords/password-rules.ts';
import { ATTACHMENT_QUOTAS, listAttachedPolicies } from '../policies/attachment.service.ts';
import { listInlinePolicyNames } from '../policies/inline-policy.service.ts';
import { listPolicies } from '../policies/managed-policy.service.ts';
import {
  type AttachedPolicyView,
  type InlinePolicyView,
  type PolicyChoice,
  findAttachedPolicy,
  loadAttachChoices,
  loadAttachedPolicies,
  loadInlinePolicyView as loadHolderInlinePolicy,
} from '../policies/policy-holder-console.service.ts';
import { GatehouseError } from '../shared/errors.ts';
import { type SignInActivity, loadSignInActivity } from '../throttle/sign-in-activity.service.ts';
import { UNLOCK_SIGN_IN } from '../throttle/throttle-access.ts';
import { type Tag, tagsOfUser } from '../user-tags/user-tag.service.ts';
import { type EffectivePermissions, effectivePermissionsOf } from './effective-permissions.service.ts';
import { userPageFacts } from './user-admin.service.ts';
import { type ConsoleAccess, USERS_ACCESS } from './user-access.ts';
import { createUser, getUser } from './user.service.ts';

/**
 * What the console's Users pages show, loaded through the services the Query API uses,
 * with the forms and links to offer: each the decision its route makes (`USERS_ACCESS`),
 * so a form is shown exactly when posting it would be allowed.
 */

export const USERS_PER_PAGE = 50;

/** Beyond any account's page count; keeps a made-up page number from reaching SQL as an absurd offset. */
const MAX_PAGE = 100_000;

/** The most managed policies a user can have attached (AWS's PoliciesPerUser). */
export const USER_ATTACHMENT_QUOTA = ATTACHMENT_QUOTAS.user;

function onUser(name: string, body: Record<string, string> = {}): AccessInput {
  return { params: { name }, body };
}

/** The account's console sign-in address for IAM users: `PUBLIC_URL/signin/<alias or account ID>`. */
export function signInUrlOf(deps: Pick<Deps, 'publicUrl'>, principal: Principal): string {
  return new URL(`/signin/${encodeURIComponent(principal.accountAlias ?? principal.accountId)}`, deps.publicUrl).href;
}

// The list

export interface UserListRow {
  user: UserRecord;
  hasPassword: boolean;
  mfaDevices: number;
  keys: { count: number; oldestCreatedAt: string | null; inactive: number };
  /** The latest console sign-in or access-key use; null when neither ever happened. */
  lastActivity: { at: string; kind: 'sign-in' | 'access-key' } | null;
}

export interface UsersListView {
  rows: UserListRow[];
  /** The users matching the search, on every page. */
  total: number;
  /** 1-based, within 1…pages. */
  page: number;
  pages: number;
  /** The name search as typed ('' for none). */
  search: string;
  mayCreate: boolean;
}

function lastActivityOf(signIn: string | undefined, keyUses: Array<string | null>): UserListRow['lastActivity'] {
  const keyUse = keyUses
    .filter((t): t is string => t !== null)
    .sort()
    .at(-1);
  if (!signIn && !keyUse) return null;
  if (signIn && (!keyUse || signIn >= keyUse)) return { at: signIn, kind: 'sign-in' };
  return { at: keyUse!, kind: 'access-key' };
}

/** One page of the account's users whose name contains `search` (ignoring case); a page past the last shows the last. */
export async function loadUsersList(
  deps: Deps,
  who: ConsoleCaller,
  request: { search: string; page: number },
): Promise<UsersListView> {
  const { accountId } = who.principal;
  // No user name is longer than 64 characters; a longer search finds nobody.
  const search = request.search.trim().slice(0, 128);
  const wanted = Math.min(Math.max(1, Number.isFinite(request.page) ? request.page : 1), MAX_PAGE);
  const pageOf = (n: number) =>
    searchUsers(deps.db, accountId, { nameContains: search, offset: (n - 1) * USERS_PER_PAGE, limit: USERS_PER_PAGE });
  let found = await pageOf(wanted);
  const pages = Math.max(1, Math.ceil(found.total / USERS_PER_PAGE));
  // A page past the last (a bookmark, a user deleted meanwhile) shows the last.
  const page = Math.min(wanted, pages);
  if (page !== wanted) found = await pageOf(page);
  const { users, total } = found;
  const ids = users.map((u) => u.id);
  const [profiles, mfa, keys, signIns, mayCreate] = await Promise.all([
    loginProfilesOf(deps.db, ids),
    enabledDeviceCounts(deps.db, ids),
    listAccessKeysOfPrincipals(deps.db, ids),
    lastPasswordSignIns(deps.db, accountId, ids),
    mayUse(deps, who, USERS_ACCESS.create),
  ]);
  const rows = users.map((user): UserListRow => {
    const own = keys.filter((k) => k.principalId === user.id);
    return {
      user,
      hasPassword: profiles.has(user.id),
      mfaDevices: mfa.get(user.id) ?? 0,
      keys: {
        count: own.length,
        oldestCreatedAt: own[0]?.createdAt ?? null,
        inactive: own.filter((k) => k.status === 'Inactive').length,
      },
      lastActivity: lastActivityOf(
        signIns.get(user.id),
        own.map((k) => k.lastUsedAt),
      ),
    };
  });
  return { rows, total, page, pages, search, mayCreate };
}

// Creating a user

export interface NewUserView {
  /** The form may give console access (iam:CreateLoginProfile on any new user). */
  mayGivePassword: boolean;
  /** The account password policy's rules, in words, for the password hint. */
  passwordRules: string;
  signInUrl: string;
}

export async function loadNewUserForm(deps: Deps, who: ConsoleCaller): Promise<NewUserView> {
  const [mayGivePassword, policy] = await Promise.all([
    mayUse(deps, who, USERS_ACCESS.createWithPassword),
    getPasswordPolicy(deps, who.principal.accountId),
  ]);
  return { mayGivePassword, passwordRules: describeRules(policy), signInUrl: signInUrlOf(deps, who.principal) };
}

export interface NewConsoleUser {
  name: string;
  consoleAccess: ConsoleAccess;
  /** The typed password, for `custom`. */
  password: string;
  passwordResetRequired: boolean;
}

export interface CreatedUser {
  user: UserRecord;
  /** The console password (typed or generated), for the one-time sign-in details; null without console access. */
  password: string | null;
}

/**
 * Creates the user as CreateUser (and CreateLoginProfile) would, with a password
 * Gatehouse makes when asked: one the account password policy accepts, checked by the same
 * rules as a typed one.
 */
export async function createConsoleUser(
  deps: Deps,
  accountId: string,
  input: NewConsoleUser,
  actor: Actor,
  meta: RequestMeta,
): Promise<CreatedUser> {
  const password =
    input.consoleAccess === 'none'
      ? null
      : input.consoleAccess === 'generated'
        ? generatePassword(await getPasswordPolicy(deps, accountId), { userName: input.name })
        : input.password;
  if (input.consoleAccess === 'custom' && password === '')
    throw new GatehouseError('ValidationError', 'Type a console password, or choose another kind of console access.', {
      field: 'password',
    });
  const user = await createUser(
    deps,
    accountId,
    {
      name: input.name,
      ...(password !== null ? { password, passwordResetRequired: input.passwordResetRequired } : {}),
    },
    actor,
    meta,
  );
  return { user, password };
}

// A user's page

export interface GroupMembershipView {
  group: GroupRecord;
  mayRemove: boolean;
}

export interface UserView {
  user: UserRecord;
  arn: string;
  profile: LoginProfileRecord | null;
  /** The last console sign-in with the password; null when never. */
  lastSignIn: string | null;
  events: AuditEventRecord[];
  mfaDevices: MfaDevice[];
  signIns: SignInActivity;
  keys: AccessKeysView;
  /** Null when the person may not list them (iam:ListAttachedUserPolicies). */
  attached: AttachedPolicyView[] | null;
  /** The attach page opens and at least one of its policies may be attached. */
  mayAttach: boolean;
  /** Null when the person may not list them (iam:ListUserPolicies). */
  inline: string[] | null;
  /** Null when the person may not simulate the user's policies (iam:SimulatePrincipalPolicy). */
  effective: EffectivePermissions | null;
  /** Null when the person may not list them (iam:ListGroupsForUser). */
  groups: GroupMembershipView[] | null;
  /** Groups the user is not in and may be added to; null when the account's groups may not be listed (a name is typed). */
  addableGroups: GroupRecord[] | null;
  /** The account has no group the user is not in, and the person may add users to groups. */
  noOtherGroup: boolean;
  /** Null when the person may not list them (iam:ListUserTags). */
  tags: Tag[] | null;
  may: {
    setPassword: boolean;
    delete: boolean;
    deactivateMfa: boolean;
    unlock: boolean;
    readInline: boolean;
    addInline: boolean;
    deleteInline: boolean;
    setBoundary: boolean;
    removeBoundary: boolean;
    addToGroup: boolean;
    tag: boolean;
    untag: boolean;
  };
}

/** A user's page: each section only as far as the person may read it, each form as far as it may use it. */
export async function loadUserView(deps: Deps, who: ConsoleCaller, name: string): Promise<UserView> {
  const { accountId } = who.principal;
  const user = await getUser(deps, accountId, name);
  const input = onUser(user.name);
  const may = (access: (typeof USERS_ACCESS)[keyof typeof USERS_ACCESS]) => mayUse(deps, who, access, input);
  const { profile, events } = await userPageFacts(deps, accountId, user);
  const [mfaDevices, signIns, keys, lastSignIns] = await Promise.all([
    listMfaDevices(deps, user.id),
    loadSignInActivity(deps, accountId, user),
    loadUserAccessKeys(deps, who, user),
    lastPasswordSignIns(deps.db, accountId, [user.id]),
  ]);
  const [setPassword, deletes, deactivateMfa, unlock] = await Promise.all([
    may(profile ? USERS_ACCESS.updateLoginProfile : USERS_ACCESS.createLoginProfile),
    may(USERS_ACCESS.delete),
    mayUse(deps, who, ADMIN_DEACTIVATE_MFA, input),
    mayUse(deps, who, UNLOCK_SIGN_IN, input),
  ]);
  const [listAttached, openAttach, listInline, readInline, addInline, deleteInline] = await Promise.all([
    may(USERS_ACCESS.listAttached),
    may(USERS_ACCESS.attachable),
    may(USERS_ACCESS.listInline),
    may(USERS_ACCESS.getInline),
    may(USERS_ACCESS.putInline),
    may(USERS_ACCESS.deleteInline),
  ]);
  const [boundaryChoices, removeBoundary, simulate, listMemberships, listAllGroups, listTags, tag, untag] =
    await Promise.all([
      may(USERS_ACCESS.boundaryChoices),
      may(USERS_ACCESS.deleteBoundary),
      may(USERS_ACCESS.effective),
      may(USERS_ACCESS.listGroups),
      may(USERS_ACCESS.listAllGroups),
      may(USERS_ACCESS.listTags),
      may(USERS_ACCESS.tag),
      may(USERS_ACCESS.untag),
    ]);

  let attached: AttachedPolicyView[] | null = null;
  let mayAttach = false;
  if (listAttached) {
    const mayWith = (access: RouteAccess) => async (policyArn: string) =>
      mayUse(deps, who, access, onUser(user.name, { policyArn }));
    const holder = { type: 'user' as const, name: user.name };
    const decide = {
      detach: mayWith(USERS_ACCESS.detach),
      attach: openAttach ? mayWith(USERS_ACCESS.attach) : null,
      quota: USER_ATTACHMENT_QUOTA,
    };
    ({ attached, mayAttach } = await loadAttachedPolicies(deps, accountId, holder, decide));
  }
  const inline = listInline ? await listInlinePolicyNames(deps, accountId, 'user', user.name) : null;
  const effective = simulate ? await effectivePermissionsOf(deps, user) : null;

  let groups: GroupMembershipView[] | null = null;
  let addableGroups: GroupRecord[] | null = null;
  let addToGroup = false;
  let noOtherGroup = false;
  if (listMemberships) {
    const memberOf = await listGroupsOfUser(deps.db, user.id);
    groups = await Promise.all(
      memberOf.map(async (group) => ({
        group,
        mayRemove: await mayUse(deps, who, USERS_ACCESS.removeFromGroup, onUser(user.name, { groupName: group.name })),
      })),
    );
    const member = new Set(memberOf.map((g) => g.id));
    if (listAllGroups) {
      const others = (await listGroups(deps.db, accountId)).filter((g) => !member.has(g.id));
      const allowed = await Promise.all(
        others.map((g) => mayUse(deps, who, USERS_ACCESS.addToGroup, onUser(user.name, { groupName: g.name }))),
      );
      addableGroups = others.filter((_, i) => allowed[i]);
      addToGroup = addableGroups.length > 0;
      noOtherGroup = others.length === 0 && (await may(USERS_ACCESS.addToGroup));
    } else {
      addToGroup = await may(USERS_ACCESS.addToGroup);
    }
  }
  const tags = listTags ? await tagsOfUser(deps, accountId, user.name) : null;

  return {
    user,
    arn: `arn:aws:iam::${accountId}:user${user.path}${user.name}`,
    profile,
    lastSignIn: lastSignIns.get(user.id) ?? null,
    events,
    mfaDevices,
    signIns,
    keys,
    attached,
    mayAttach,
    inline,
    effective,
    groups,
    addableGroups,
    noOtherGroup,
    tags,
    may: {
      setPassword,
      delete: deletes,
      deactivateMfa,
      unlock,
      readInline,
      addInline,
      deleteInline,
      setBoundary: boundaryChoices && (await mayChooseAnyBoundary(deps, who, user)),
      removeBoundary: removeBoundary && user.permissionsBoundary !== null,
      addToGroup,
      tag,
      untag,
    },
  };
}

// Managed policies and the permissions boundary

export interface PolicyChoicesView {
  user: UserRecord;
  attachedCount: number;
  /** AWS managed and customer managed policies, in name order. */
  policies: PolicyChoice[];
}

/** The policies a user could be given, each with whether the person may attach it (`iam:PolicyARN` decided per policy). */
export async function loadAttachPoliciesView(deps: Deps, who: ConsoleCaller, name: string): Promise<PolicyChoicesView> {
  const { accountId } = who.principal;
  const user = await getUser(deps, accountId, name);
  const mayAttach = async (policyArn: string) =>
    mayUse(deps, who, USERS_ACCESS.attach, onUser(user.name, { policyArn }));
  return { user, ...(await loadAttachChoices(deps, accountId, { type: 'user', name: user.name }, mayAttach)) };
}

async function mayChooseAnyBoundary(deps: Deps, who: ConsoleCaller, user: UserRecord): Promise<boolean> {
  for (const policy of await listPolicies(deps, who.principal.accountId)) {
    if (policy.arn === user.permissionsBoundary) continue;
    const input = onUser(user.name, { permissionsBoundary: policy.arn });
    if (await mayUse(deps, who, USERS_ACCESS.putBoundary, input)) return true;
  }
  return false;
}

/** The managed policies that could bound the user, each with whether the person may set it (`iam:PermissionsBoundary` per policy). */
export async function loadBoundaryChoicesView(
  deps: Deps,
  who: ConsoleCaller,
  name: string,
): Promise<PolicyChoicesView> {
  const { accountId } = who.principal;
  const user = await getUser(deps, accountId, name);
  const policies = await listPolicies(deps, accountId);
  return {
    user,
    attachedCount: 0,
    policies: await Promise.all(
      policies.map(async (policy) => ({
        policy,
        current: policy.arn === user.permissionsBoundary,
        mayChoose:
          policy.arn !== user.permissionsBoundary &&
          (await mayUse(deps, who, USERS_ACCESS.putBoundary, onUser(user.name, { permissionsBoundary: policy.arn }))),
      })),
    ),
  };
}

/**
 * A managed policy attached to the user, for the detach confirmation; NoSuchEntity with
 * DetachUserPolicy's message when it is not attached.
 */
export async function loadAttachedPolicy(
  deps: Deps,
  who: ConsoleCaller,
  name: string,
  policyArn: string,
): Promise<{ user: UserRecord; policyName: string; policyArn: string }> {
  const user = await getUser(deps, who.principal.accountId, name);
  const holder = { type: 'user' as const, name: user.name };
  return { user, ...(await findAttachedPolicy(deps, who.principal.accountId, holder, policyArn)) };
}

/** The user whose sign-in details are shown, and whether it has a console password. */
export async function loadSignInDetailsUser(
  deps: Deps,
  who: ConsoleCaller,
  name: string,
): Promise<{ user: UserRecord; hasPassword: boolean }> {
  const user = await getUser(deps, who.principal.accountId, name);
  const { profile } = await userPageFacts(deps, who.principal.accountId, user);
  return { user, hasPassword: profile !== null };
}

/** The user a page or form names, as stored (its name's case); NoSuchEntity otherwise. */
export async function loadUser(deps: Deps, who: ConsoleCaller, name: string): Promise<UserRecord> {
  return getUser(deps, who.principal.accountId, name);
}

// Inline policies

/** One inline policy of a user, with whether the person may replace or delete it. */
export async function loadInlinePolicyView(
  deps: Deps,
  who: ConsoleCaller,
  userName: string,
  policyName: string,
): Promise<InlinePolicyView> {
  const may = (access: RouteAccess) => async (holderName: string) => mayUse(deps, who, access, onUser(holderName));
  const holder = { type: 'user' as const, name: userName };
  const decide = { edit: may(USERS_ACCESS.putInline), delete: may(USERS_ACCESS.deleteInline) };
  return loadHolderInlinePolicy(deps, who.principal.accountId, holder, policyName, decide);
}

// Groups

/** A group the user is in, for the removal confirmation; NoSuchEntity with RemoveUserFromGroup's message otherwise. */
export async function loadMembership(
  deps: Deps,
  who: ConsoleCaller,
  userName: string,
  groupName: string,
): Promise<{ user: UserRecord; group: GroupRecord }> {
  const user = await getUser(deps, who.principal.accountId, userName);
  const groups = await listGroupsOfUser(deps.db, user.id);
  const group = groups.find((g) => g.name.toLowerCase() === groupName.toLowerCase());
  if (!group) {
    throw new GatehouseError(
      'NoSuchEntity',
      `The user with name ${user.name} is not a member of the group ${groupName}.`,
      { field: 'groupName' },
    );
  }
  return { user, group };
}

// Deleting a user

export interface UserDependents {
  user: UserRecord;
  consolePassword: boolean;
  accessKeys: number;
  mfaDevices: number;
  inlinePolicies: number;
  attachedPolicies: number;
  groups: number;
  tags: number;
}

/** What deleting the user removes with it, for the confirmation page. */
export async function loadUserDependents(deps: Deps, who: ConsoleCaller, name: string): Promise<UserDependents> {
  const { accountId } = who.principal;
  const user = await getUser(deps, accountId, name);
  const [{ profile }, keys, devices, inline, attached, groups, tags] = await Promise.all([
    userPageFacts(deps, accountId, user),
    loadUserAccessKeys(deps, who, user),
    listMfaDevices(deps, user.id),
    listInlinePolicyNames(deps, accountId, 'user', user.name),
    listAttachedPolicies(deps, accountId, 'user', user.name),
    listGroupsOfUser(deps.db, user.id),
    tagsOfUser(deps, accountId, user.name),
  ]);
  return {
    user,
    consolePassword: profile !== null,
    accessKeys: keys.keys.length,
    mfaDevices: devices.length,
    inlinePolicies: inline.length,
    attachedPolicies: attached.length,
    groups: groups.length,
    tags: tags.length,
  };
}
