import { requireUserByName } from '../identities/user-lookup.ts';
import { type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import { isUniqueViolation } from '../db/database.ts';
import { deleteAttachmentsOf, listAttachmentsOf } from '../policies/attachment.repository.ts';
import { listInlinePolicies } from '../policies/inline-policy.repository.ts';
import { validateEntityName } from '../policies/names.ts';
import { newGroupId } from '../policies/unique-ids.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError } from '../shared/errors.ts';
import { validatePath } from '../shared/validation.ts';
import { groupArn, noSuchGroup } from '../identities/group-lookup.ts';
import type { UserRecord } from '../identities/user.repository.ts';
import {
  type GroupRecord,
  addMember,
  countGroups,
  countMembers,
  countMembersByGroup,
  deleteGroupRow,
  findGroupByName,
  insertGroup,
  listGroups as listGroupRows,
  listGroupsOfUser,
  listMembers,
  removeMember,
  updateGroupRow,
} from '../identities/group.repository.ts';

/**
 * IAM groups: named sets of users that policies can be given to at once. A group is not
 * a principal; it cannot sign in. Quotas are AWS's defaults.
 */
export const GROUP_QUOTAS = { groupsPerAccount: 300, groupsPerUser: 10 } as const;

export interface Group extends GroupRecord {
  arn: string;
}

function withArn(group: GroupRecord): Group {
  return { ...group, arn: groupArn(group.accountId, group.path, group.name) };
}

function groupExists(name: string): GatehouseError {
  return new GatehouseError('EntityAlreadyExists', `Group with name ${name} already exists.`, { field: 'groupName' });
}

export async function createGroup(
  deps: Deps,
  accountId: string,
  input: { name: string; path?: string },
  actor: Actor,
  meta: RequestMeta,
): Promise<Group> {
  const name = validateEntityName('groupName', input.name);
  const path = validatePath('path', input.path ?? '/');
  const group: GroupRecord = { id: newGroupId(), accountId, name, path, createdAt: deps.clock.now().toISOString() };
  try {
    await deps.db.transaction().execute(async (tx) => {
      if (await findGroupByName(tx, accountId, name)) throw groupExists(name);
      if ((await countGroups(tx, accountId)) >= GROUP_QUOTAS.groupsPerAccount) {
        throw new GatehouseError(
          'LimitExceeded',
          `Cannot exceed quota for GroupsPerAccount: ${GROUP_QUOTAS.groupsPerAccount}`,
        );
      }
      await insertGroup(tx, group);
      await recordAudit(tx, deps, meta, {
        accountId,
        actor,
        eventName: 'CreateGroup',
        target: { id: group.id, name },
        details: { path },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw groupExists(name);
    throw error;
  }
  return withArn(group);
}

export async function getGroup(
  deps: Deps,
  accountId: string,
  name: string,
): Promise<{ group: Group; users: UserRecord[] }> {
  const group = await findGroupByName(deps.db, accountId, name);
  if (!group) throw noSuchGroup(name);
  return { group: withArn(group), users: await listMembers(deps.db, group.id) };
}

export async function listGroups(
  deps: Deps,
  accountId: string,
  options: { pathPrefix?: string } = {},
): Promise<Group[]> {
  return (await listGroupRows(deps.db, accountId, options.pathPrefix ?? '/')).map(withArn);
}

/** The account's groups in name order, each with how many users it has. */
export async function listGroupsWithUserCounts(
  deps: Deps,
  accountId: string,
): Promise<Array<Group & { userCount: number }>> {
  const [groups, counts] = await Promise.all([
    listGroupRows(deps.db, accountId),
    countMembersByGroup(deps.db, accountId),
  ]);
  return groups.map((g) => ({ ...withArn(g), userCount: counts.get(g.id) ?? 0 }));
}

/** Renames and/or moves a group; members and policies stay with it. */
export async function updateGroup(
  deps: Deps,
  accountId: string,
  name: string,
  changes: { newName?: string; newPath?: string },
  actor: Actor,
  meta: RequestMeta,
): Promise<Group> {
  const newName = changes.newName === undefined ? undefined : validateEntityName('newGroupName', changes.newName);
  const newPath = changes.newPath === undefined ? undefined : validatePath('newPath', changes.newPath);
  try {
    return await deps.db.transaction().execute(async (tx) => {
      const group = await findGroupByName(tx, accountId, name);
      if (!group) throw noSuchGroup(name);
      const next = { ...group, name: newName ?? group.name, path: newPath ?? group.path };
      if (
        newName &&
        newName.toLowerCase() !== group.name.toLowerCase() &&
        (await findGroupByName(tx, accountId, newName))
      )
        throw groupExists(newName);
      await updateGroupRow(tx, group.id, next.name, next.path);
      await deps.invalidations.record(tx, { topic: 'account', key: accountId });
      await recordAudit(tx, deps, meta, {
        accountId,
        actor,
        eventName: 'UpdateGroup',
        target: { id: group.id, name: next.name },
        details: { previousName: group.name, previousPath: group.path, name: next.name, path: next.path },
      });
      return withArn(next);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw groupExists(newName ?? name);
    throw error;
  }
}

/** Refuses, as AWS does, while the group has members, inline policies or attached policies. */
export async function deleteGroup(
  deps: Deps,
  accountId: string,
  name: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const group = await findGroupByName(tx, accountId, name);
    if (!group) throw noSuchGroup(name);
    if ((await countMembers(tx, group.id)) > 0)
      throw new GatehouseError('DeleteConflict', 'Cannot delete entity, must remove users from group first.');
    if ((await listInlinePolicies(tx, 'group', [group.id])).length > 0)
      throw new GatehouseError('DeleteConflict', 'Cannot delete entity, must delete policies first.');
    if ((await listAttachmentsOf(tx, 'group', [group.id])).length > 0)
      throw new GatehouseError('DeleteConflict', 'Cannot delete entity, must detach all policies first.');
    await deleteAttachmentsOf(tx, 'group', group.id);
    await deleteGroupRow(tx, group.id);
    await deps.invalidations.record(tx, { topic: 'account', key: accountId });
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: 'DeleteGroup',
      target: { id: group.id, name: group.name },
    });
  });
}

/** Adding a member who is in the group already changes nothing and succeeds, as in AWS. */
export async function addUserToGroup(
  deps: Deps,
  accountId: string,
  groupName: string,
  userName: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const group = await findGroupByName(tx, accountId, groupName);
    if (!group) throw noSuchGroup(groupName);
    const user = await requireUserByName(tx, accountId, userName);
    const groups = await listGroupsOfUser(tx, user.id);
    if (groups.some((g) => g.id === group.id)) return;
    if (groups.length >= GROUP_QUOTAS.groupsPerUser) {
      throw new GatehouseError('LimitExceeded', `Cannot exceed quota for GroupsPerUser: ${GROUP_QUOTAS.groupsPerUser}`);
    }
    await addMember(tx, group.id, user.id, deps.clock.now().toISOString());
    await deps.invalidations.record(tx, { topic: 'principal', key: user.id });
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: 'AddUserToGroup',
      target: { id: user.id, name: user.name },
      details: { groupName: group.name, groupId: group.id },
    });
  });
}

export async function removeUserFromGroup(
  deps: Deps,
  accountId: string,
  groupName: string,
  userName: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const group = await findGroupByName(tx, accountId, groupName);
    if (!group) throw noSuchGroup(groupName);
    const user = await requireUserByName(tx, accountId, userName);
    if (!(await removeMember(tx, group.id, user.id))) {
      throw new GatehouseError(
        'NoSuchEntity',
        `The user with name ${user.name} is not a member of the group ${group.name}.`,
        { field: 'userName' },
      );
    }
    await deps.invalidations.record(tx, { topic: 'principal', key: user.id });
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: 'RemoveUserFromGroup',
      target: { id: user.id, name: user.name },
      details: { groupName: group.name, groupId: group.id },
    });
  });
}

export async function listGroupsForUser(deps: Deps, accountId: string, userName: string): Promise<Group[]> {
  const user = await requireUserByName(deps.db, accountId, userName);
  return (await listGroupsOfUser(deps.db, user.id)).map(withArn);
}
