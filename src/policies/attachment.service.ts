import { type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import { decisionsOf, findPolicyHolder, holderEvent } from './policy-holder.ts';
import { findGroupById } from '../identities/group.repository.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError } from '../shared/errors.ts';
import { findRoleById } from '../identities/role.repository.ts';
import { findUserById } from '../identities/user.repository.ts';
import {
  type PolicyHolderType,
  deleteAttachment,
  insertAttachment,
  listAttachmentsOf,
  listAttachmentsOfPolicy,
} from './attachment.repository.ts';
import { noSuchPolicy, resolvePolicyArn } from './managed-policy.service.ts';

/**
 * Managed policies attached to users, groups and roles. Attaching a policy that is attached
 * already changes nothing. Quotas are AWS's defaults.
 */
export const ATTACHMENT_QUOTAS = { user: 10, group: 10, role: 10 } as const;

export interface AttachedPolicy {
  policyName: string;
  policyArn: string;
}

function policyNameOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

export async function attachPolicy(
  deps: Deps,
  accountId: string,
  holderType: PolicyHolderType,
  holderName: string,
  policyArn: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const holder = await findPolicyHolder(tx, accountId, holderType, holderName);
    if (!(await resolvePolicyArn(tx, accountId, policyArn))) throw noSuchPolicy(policyArn);
    const current = await listAttachmentsOf(tx, holder.type, [holder.id]);
    if (current.some((a) => a.policyArn === policyArn)) return;
    const quota = ATTACHMENT_QUOTAS[holder.type];
    if (current.length >= quota) {
      throw new GatehouseError(
        'LimitExceeded',
        `Cannot exceed quota for ${holderEvent('PoliciesPer', holder.type, '')}: ${quota}`,
      );
    }
    await insertAttachment(tx, {
      accountId,
      principalType: holder.type,
      principalId: holder.id,
      policyArn,
      attachedAt: deps.clock.now().toISOString(),
    });
    await deps.invalidations.record(tx, decisionsOf(accountId, holder));
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: holderEvent('Attach', holder.type, 'Policy'),
      target: { id: holder.id, name: holder.name },
      details: { policyArn },
    });
  });
}

export async function detachPolicy(
  deps: Deps,
  accountId: string,
  holderType: PolicyHolderType,
  holderName: string,
  policyArn: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const holder = await findPolicyHolder(tx, accountId, holderType, holderName);
    if (!(await deleteAttachment(tx, holder.type, holder.id, policyArn))) {
      throw new GatehouseError('NoSuchEntity', `Policy ${policyArn} was not found.`, { field: 'policyArn' });
    }
    await deps.invalidations.record(tx, decisionsOf(accountId, holder));
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: holderEvent('Detach', holder.type, 'Policy'),
      target: { id: holder.id, name: holder.name },
      details: { policyArn },
    });
  });
}

/** The managed policies attached to a user, group or role (not those of a user's groups). */
export async function listAttachedPolicies(
  deps: Deps,
  accountId: string,
  holderType: PolicyHolderType,
  holderName: string,
  options: { pathPrefix?: string } = {},
): Promise<AttachedPolicy[]> {
  const holder = await findPolicyHolder(deps.db, accountId, holderType, holderName);
  const prefix = options.pathPrefix ?? '/';
  return (await listAttachmentsOf(deps.db, holder.type, [holder.id]))
    .filter((a) => {
      const path = a.policyArn.slice(
        a.policyArn.indexOf(':policy') + ':policy'.length,
        a.policyArn.lastIndexOf('/') + 1,
      );
      return path.startsWith(prefix);
    })
    .map((a) => ({ policyName: policyNameOf(a.policyArn), policyArn: a.policyArn }));
}

export interface PolicyEntities {
  users: Array<{ userName: string; userId: string }>;
  groups: Array<{ groupName: string; groupId: string }>;
  roles: Array<{ roleName: string; roleId: string }>;
}

/** The users, groups and roles of this account that a policy is attached to (`entityFilter`: of one kind only). */
export async function listEntitiesForPolicy(
  deps: Deps,
  accountId: string,
  policyArn: string,
  options: { entityFilter?: 'User' | 'Group' | 'Role'; pathPrefix?: string } = {},
): Promise<PolicyEntities> {
  if (!(await resolvePolicyArn(deps.db, accountId, policyArn))) throw noSuchPolicy(policyArn);
  const result: PolicyEntities = { users: [], groups: [], roles: [] };
  const wants = (kind: 'User' | 'Group' | 'Role') =>
    options.entityFilter === undefined || options.entityFilter === kind;
  const under = (entity: { path: string }) => entity.path.startsWith(options.pathPrefix ?? '/');
  for (const attachment of await listAttachmentsOfPolicy(deps.db, accountId, policyArn)) {
    if (attachment.principalType === 'user' && wants('User')) {
      const user = await findUserById(deps.db, attachment.principalId);
      if (user && under(user)) result.users.push({ userName: user.name, userId: user.id });
    }
    if (attachment.principalType === 'group' && wants('Group')) {
      const group = await findGroupById(deps.db, attachment.principalId);
      if (group && under(group)) result.groups.push({ groupName: group.name, groupId: group.id });
    }
    if (attachment.principalType === 'role' && wants('Role')) {
      const role = await findRoleById(deps.db, attachment.principalId);
      if (role && under(role)) result.roles.push({ roleName: role.name, roleId: role.id });
    }
  }
  result.users.sort((a, b) => a.userName.localeCompare(b.userName));
  result.groups.sort((a, b) => a.groupName.localeCompare(b.groupName));
  result.roles.sort((a, b) => a.roleName.localeCompare(b.roleName));
  return result;
}
