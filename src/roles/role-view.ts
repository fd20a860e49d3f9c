import type { Db } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import { requireRoleByName } from '../identities/role-lookup.ts';
import {
  type RoleRecord,
  findRoleByName,
  listRoleTags,
  listRoles,
  listRolesPage,
  roleArn,
} from '../identities/role.repository.ts';
import { listAttachmentsOf } from '../policies/attachment.repository.ts';
import { listInlinePolicies } from '../policies/inline-policy.repository.ts';
import type { Tag } from '../user-tags/user-tag.repository.ts';
import { shownTrustPolicies } from './trust-policy.ts';

/**
 * Roles as GetRole, ListRoles, GetAccountAuthorizationDetails and the console show them:
 * with their ARN, and with the trust policy as AWS shows it (a user or role it named that no
 * longer exists appears as the unique ID it had).
 */
export interface RoleView extends RoleRecord {
  arn: string;
  /** The trust policy as shown; the stored text itself when every principal it named is still there. */
  shownTrustPolicy: string;
}

async function viewsOf(db: Db, roles: readonly RoleRecord[]): Promise<RoleView[]> {
  const shown = await shownTrustPolicies(db, roles);
  return roles.map((role) => ({
    ...role,
    arn: roleArn(role.accountId, role.path, role.name),
    shownTrustPolicy: shown.get(role.id) ?? role.trustPolicy,
  }));
}

/** The named role with its tags; NoSuchEntity with AWS's message when there is none. */
export async function getRole(deps: Deps, accountId: string, name: string): Promise<RoleView & { tags: Tag[] }> {
  const role = await requireRoleByName(deps.db, accountId, name);
  const [[view], tags] = await Promise.all([viewsOf(deps.db, [role]), listRoleTags(deps.db, role.id)]);
  return { ...view!, tags };
}

/** The named role, or null (for pages that name a role that may not exist). */
export async function findRole(deps: Deps, accountId: string, name: string): Promise<RoleView | null> {
  const role = await findRoleByName(deps.db, accountId, name);
  return role ? (await viewsOf(deps.db, [role]))[0]! : null;
}

/** One page of the account's roles in name order (ignoring case), after the role whose name key is `afterNameKey`. */
export async function rolesPage(
  deps: Deps,
  accountId: string,
  options: { pathPrefix: string; afterNameKey: string | null; limit: number },
): Promise<RoleView[]> {
  return viewsOf(deps.db, await listRolesPage(deps.db, accountId, options));
}

/** All of the account's roles in name order, those under `pathPrefix` only. */
export async function listRolesOf(deps: Deps, accountId: string, pathPrefix = '/'): Promise<RoleView[]> {
  return viewsOf(deps.db, await listRoles(deps.db, accountId, pathPrefix));
}

export async function tagsOfRole(deps: Deps, accountId: string, name: string): Promise<Tag[]> {
  const role = await requireRoleByName(deps.db, accountId, name);
  return listRoleTags(deps.db, role.id);
}

/** A role with everything that decides what its sessions may do (GetAccountAuthorizationDetails' RoleDetail). */
export interface RoleDetail extends RoleView {
  inlinePolicies: Array<{ policyName: string; document: string }>;
  attachedPolicies: Array<{ policyName: string; policyArn: string }>;
  tags: Tag[];
}

export async function roleAuthorizationDetails(deps: Deps, accountId: string): Promise<RoleDetail[]> {
  const roles = await listRolesOf(deps, accountId);
  const ids = roles.map((r) => r.id);
  const [inline, attached] = await Promise.all([
    listInlinePolicies(deps.db, 'role', ids),
    listAttachmentsOf(deps.db, 'role', ids),
  ]);
  const details: RoleDetail[] = [];
  for (const role of roles) {
    details.push({
      ...role,
      inlinePolicies: inline
        .filter((p) => p.ownerId === role.id)
        .map((p) => ({ policyName: p.name, document: p.document })),
      attachedPolicies: attached
        .filter((a) => a.principalId === role.id)
        .map((a) => ({ policyName: a.policyArn.slice(a.policyArn.lastIndexOf('/') + 1), policyArn: a.policyArn })),
      tags: await listRoleTags(deps.db, role.id),
    });
  }
  return details;
}

/** A role as it was just written: every principal its trust policy names was there a moment ago. */
export function viewOfSaved(role: RoleRecord): RoleView {
  return { ...role, arn: roleArn(role.accountId, role.path, role.name), shownTrustPolicy: role.trustPolicy };
}
