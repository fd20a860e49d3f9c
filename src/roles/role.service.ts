import { type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import { deleteCredentialsOfPrincipal } from '../access-keys/access-key.repository.ts';
import { type Db, isUniqueViolation } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import { noSuchRole, requireRoleByName } from '../identities/role-lookup.ts';
import {
  type RoleChanges,
  type RoleRecord,
  countRoleTags,
  countRoles,
  deleteRoleRow,
  findRoleByName,
  insertRole,
  putRoleTags,
  removeRoleTags,
  updateRoleRow,
} from '../identities/role.repository.ts';
import { deleteAttachmentsOf, listAttachmentsOf } from '../policies/attachment.repository.ts';
import { deleteInlinePoliciesOf, listInlinePolicies } from '../policies/inline-policy.repository.ts';
import { assertBoundaryPolicy } from '../policies/permissions-boundary.service.ts';
import { newRoleId } from '../policies/unique-ids.ts';
import { GatehouseError } from '../shared/errors.ts';
import { validatePath } from '../shared/validation.ts';
import { type Tag, assertDistinctTagKeys } from '../user-tags/user-tag.service.ts';
import {
  MAX_SESSION_DURATION,
  ROLE_QUOTAS,
  assertMaxSessionDuration,
  assertRoleDescription,
  assertRoleName,
} from './role-parameters.ts';
import { checkTrustPolicy, pinTrustPrincipals } from './trust-policy.ts';

/**
 * IAM roles: identities without passwords or access keys that principals assume (STS
 * AssumeRole) for temporary credentials, when the role's trust policy lets them. Each change
 * is one transaction with its audit event, named after the AWS action. Changes to what a role
 * may do (its boundary, its tags) drop the decisions cached for its sessions.
 */

export interface NewRole {
  name: string;
  /** The trust policy (AssumeRolePolicyDocument), kept as written. */
  trustPolicy: string;
  path?: string;
  description?: string;
  /** Seconds, 3600–43200; one hour when not given. */
  maxSessionDuration?: number;
  /** ARN of a managed policy that caps what the role's policies can grant. */
  permissionsBoundary?: string;
  tags?: Tag[];
}

function roleExists(name: string): GatehouseError {
  return new GatehouseError('EntityAlreadyExists', `Role with name ${name} already exists.`, { field: 'roleName' });
}

/** Adds or replaces tags inside the caller's transaction; LimitExceeded beyond 50 per role. */
async function applyRoleTags(db: Db, roleId: string, tags: Tag[]): Promise<void> {
  assertDistinctTagKeys(tags);
  await putRoleTags(db, roleId, tags);
  if ((await countRoleTags(db, roleId)) > ROLE_QUOTAS.tagsPerRole) {
    throw new GatehouseError('LimitExceeded', `Cannot exceed quota for TagsPerRole: ${ROLE_QUOTAS.tagsPerRole}`);
  }
}

export async function createRole(
  deps: Deps,
  accountId: string,
  input: NewRole,
  actor: Actor,
  meta: RequestMeta,
): Promise<RoleRecord> {
  assertRoleName('roleName', input.name);
  const path = validatePath('path', input.path ?? '/');
  if (input.description !== undefined) assertRoleDescription('description', input.description);
  const maxSessionDuration = input.maxSessionDuration ?? MAX_SESSION_DURATION.default;
  assertMaxSessionDuration('maxSessionDuration', maxSessionDuration);
  if (input.tags) assertDistinctTagKeys(input.tags);
  const trust = checkTrustPolicy('assumeRolePolicyDocument', input.trustPolicy);
  const role: RoleRecord = {
    id: newRoleId(),
    accountId,
    name: input.name,
    path,
    description: input.description ? input.description : null,
    trustPolicy: input.trustPolicy,
    trustPrincipalIds: {},
    maxSessionDuration,
    permissionsBoundary: input.permissionsBoundary ?? null,
    createdAt: deps.clock.now().toISOString(),
    lastUsedAt: null,
    lastUsedRegion: null,
  };
  try {
    await deps.db.transaction().execute(async (tx) => {
      if (await findRoleByName(tx, accountId, role.name)) throw roleExists(role.name);
      if ((await countRoles(tx, accountId)) >= ROLE_QUOTAS.rolesPerAccount) {
        throw new GatehouseError(
          'LimitExceeded',
          `Cannot exceed quota for RolesPerAccount: ${ROLE_QUOTAS.rolesPerAccount}`,
        );
      }
      if (role.permissionsBoundary)
        await assertBoundaryPolicy(tx, deps.caches.policies, accountId, role.permissionsBoundary);
      role.trustPrincipalIds = await pinTrustPrincipals(tx, trust, 'assumeRolePolicyDocument');
      await insertRole(tx, role);
      if (input.tags && input.tags.length > 0) await applyRoleTags(tx, role.id, input.tags);
      await recordAudit(tx, deps, meta, {
        accountId,
        actor,
        eventName: 'CreateRole',
        target: { id: role.id, name: role.name },
        details: {
          path,
          maxSessionDuration,
          trustPolicy: role.trustPolicy,
          trustPrincipalIds: role.trustPrincipalIds,
          ...(role.permissionsBoundary ? { permissionsBoundary: role.permissionsBoundary } : {}),
        },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw roleExists(role.name);
    throw error;
  }
  return role;
}

/** Applies `changes` to the named role in one transaction with its audit event; returns the role as changed. */
async function changeRole(
  deps: Deps,
  accountId: string,
  name: string,
  actor: Actor,
  meta: RequestMeta,
  event: {
    eventName: string;
    /** The change, given the role as it is (read inside the transaction). */
    changes: (tx: Db, role: RoleRecord) => Promise<RoleChanges> | RoleChanges;
    /** The audit event's details, given the role as it was and the change. */
    details: (role: RoleRecord, changes: RoleChanges) => Record<string, unknown>;
    /** Whether the change alters what the role's sessions may do. */
    permissions: boolean;
  },
): Promise<RoleRecord> {
  return deps.db.transaction().execute(async (tx) => {
    const role = await requireRoleByName(tx, accountId, name);
    const changes = await event.changes(tx, role);
    await updateRoleRow(tx, role.id, changes);
    if (event.permissions) await deps.invalidations.record(tx, { topic: 'principal', key: role.id });
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: event.eventName,
      target: { id: role.id, name: role.name },
      details: event.details(role, changes),
    });
    return { ...role, ...changes };
  });
}

/** UpdateRole: the description and/or the maximum session duration; what is not given stays. */
export async function updateRole(
  deps: Deps,
  accountId: string,
  name: string,
  changes: { description?: string; maxSessionDuration?: number },
  actor: Actor,
  meta: RequestMeta,
): Promise<RoleRecord> {
  if (changes.description !== undefined) assertRoleDescription('description', changes.description);
  if (changes.maxSessionDuration !== undefined)
    assertMaxSessionDuration('maxSessionDuration', changes.maxSessionDuration);
  const set: RoleChanges = {
    ...(changes.description !== undefined ? { description: changes.description || null } : {}),
    ...(changes.maxSessionDuration !== undefined ? { maxSessionDuration: changes.maxSessionDuration } : {}),
  };
  return changeRole(deps, accountId, name, actor, meta, {
    eventName: 'UpdateRole',
    changes: () => set,
    details: (role) => ({
      ...(set.description !== undefined ? { previousDescription: role.description, description: set.description } : {}),
      ...(set.maxSessionDuration !== undefined
        ? { previousMaxSessionDuration: role.maxSessionDuration, maxSessionDuration: set.maxSessionDuration }
        : {}),
    }),
    permissions: false,
  });
}

/** UpdateRoleDescription: replaces the description (an empty one removes it). */
export async function updateRoleDescription(
  deps: Deps,
  accountId: string,
  name: string,
  description: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<RoleRecord> {
  assertRoleDescription('description', description);
  return changeRole(deps, accountId, name, actor, meta, {
    eventName: 'UpdateRoleDescription',
    changes: () => ({ description: description || null }),
    details: (role) => ({ previousDescription: role.description, description: description || null }),
    permissions: false,
  });
}

/**
 * UpdateAssumeRolePolicy: replaces the trust policy, checked and read as CreateRole does. It
 * decides who may assume the role from now on; sessions already issued keep their permissions.
 */
export async function updateAssumeRolePolicy(
  deps: Deps,
  accountId: string,
  name: string,
  trustPolicy: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  const trust = checkTrustPolicy('policyDocument', trustPolicy);
  await changeRole(deps, accountId, name, actor, meta, {
    eventName: 'UpdateAssumeRolePolicy',
    changes: async (tx) => ({ trustPolicy, trustPrincipalIds: await pinTrustPrincipals(tx, trust, 'policyDocument') }),
    details: (_role, changes) => ({ trustPolicy, trustPrincipalIds: changes.trustPrincipalIds }),
    permissions: false,
  });
}

/** Sets (an ARN: a managed policy of AWS or of the account) or removes (null) the role's permissions boundary. */
async function setRolePermissionsBoundary(
  deps: Deps,
  accountId: string,
  name: string,
  arn: string | null,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await changeRole(deps, accountId, name, actor, meta, {
    eventName: arn ? 'PutRolePermissionsBoundary' : 'DeleteRolePermissionsBoundary',
    changes: async (tx) => {
      if (arn) await assertBoundaryPolicy(tx, deps.caches.policies, accountId, arn);
      return { permissionsBoundary: arn };
    },
    details: (role) => ({ ...(arn ? { permissionsBoundary: arn } : {}), previous: role.permissionsBoundary }),
    permissions: true,
  });
}

export async function putRolePermissionsBoundary(
  deps: Deps,
  accountId: string,
  name: string,
  arn: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await setRolePermissionsBoundary(deps, accountId, name, arn, actor, meta);
}

export async function deleteRolePermissionsBoundary(
  deps: Deps,
  accountId: string,
  name: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await setRolePermissionsBoundary(deps, accountId, name, null, actor, meta);
}

/** TagRole: a key the role has already (ignoring case) gets the new value and spelling. */
export async function tagRole(
  deps: Deps,
  accountId: string,
  name: string,
  tags: Tag[],
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await changeRole(deps, accountId, name, actor, meta, {
    eventName: 'TagRole',
    changes: async (tx, role) => {
      await applyRoleTags(tx, role.id, tags);
      return {};
    },
    details: () => ({ tagKeys: tags.map((t) => t.key) }),
    permissions: true,
  });
}

/** UntagRole: keys match ignoring case; keys the role does not have are ignored. */
export async function untagRole(
  deps: Deps,
  accountId: string,
  name: string,
  keys: string[],
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await changeRole(deps, accountId, name, actor, meta, {
    eventName: 'UntagRole',
    changes: async (tx, role) => {
      await removeRoleTags(tx, role.id, keys);
      return {};
    },
    details: () => ({ tagKeys: keys }),
    permissions: true,
  });
}

/**
 * Deletes a role; its tags and its sessions' temporary credentials go with it. With
 * `refuseWhileDependents` (the IAM API, as AWS) it refuses with DeleteConflict while managed
 * policies are attached, then while it has inline policies; without it (the console) they
 * are removed with the role.
 */
export async function deleteRole(
  deps: Deps,
  accountId: string,
  name: string,
  actor: Actor,
  meta: RequestMeta,
  options: { refuseWhileDependents?: boolean } = {},
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const role = await findRoleByName(tx, accountId, name);
    if (!role) throw noSuchRole(name);
    if (options.refuseWhileDependents) {
      if ((await listAttachmentsOf(tx, 'role', [role.id])).length > 0)
        throw new GatehouseError('DeleteConflict', 'Cannot delete entity, must detach all policies first.');
      if ((await listInlinePolicies(tx, 'role', [role.id])).length > 0)
        throw new GatehouseError('DeleteConflict', 'Cannot delete entity, must delete policies first.');
    }
    await deleteInlinePoliciesOf(tx, 'role', role.id);
    await deleteAttachmentsOf(tx, 'role', role.id);
    await deleteCredentialsOfPrincipal(tx, role.id);
    await deleteRoleRow(tx, role.id);
    await deps.invalidations.record(tx, { topic: 'principal', key: role.id });
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: 'DeleteRole',
      target: { id: role.id, name: role.name },
    });
  });
}
