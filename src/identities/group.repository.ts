import type { Db } from '../db/database.ts';
import { type UserRecord, toUser } from './user.repository.ts';

export interface GroupRecord {
  id: string;
  accountId: string;
  name: string;
  path: string;
  createdAt: string;
}

type GroupRow = { id: string; account_id: string; name: string; path: string; created_at: string };

function toGroup(row: GroupRow): GroupRecord {
  return { id: row.id, accountId: row.account_id, name: row.name, path: row.path, createdAt: row.created_at };
}

export async function insertGroup(db: Db, group: GroupRecord): Promise<void> {
  await db
    .insertInto('iam_groups')
    .values({
      id: group.id,
      account_id: group.accountId,
      name: group.name,
      name_key: group.name.toLowerCase(),
      path: group.path,
      created_at: group.createdAt,
    })
    .execute();
}

/** By name, ignoring case, as AWS does. */
export async function findGroupByName(db: Db, accountId: string, name: string): Promise<GroupRecord | null> {
  const row = await db
    .selectFrom('iam_groups')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('name_key', '=', name.toLowerCase())
    .executeTakeFirst();
  return row ? toGroup(row) : null;
}

export async function findGroupById(db: Db, id: string): Promise<GroupRecord | null> {
  const row = await db.selectFrom('iam_groups').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toGroup(row) : null;
}

export async function listGroups(db: Db, accountId: string, pathPrefix = '/'): Promise<GroupRecord[]> {
  const rows = await db
    .selectFrom('iam_groups')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('name_key')
    .execute();
  return rows.map(toGroup).filter((g) => g.path.startsWith(pathPrefix));
}

export async function countGroups(db: Db, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('iam_groups')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function updateGroupRow(db: Db, id: string, name: string, path: string): Promise<void> {
  await db.updateTable('iam_groups').set({ name, name_key: name.toLowerCase(), path }).where('id', '=', id).execute();
}

export async function deleteGroupRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('iam_groups').where('id', '=', id).execute();
}

export async function addMember(db: Db, groupId: string, userId: string, at: string): Promise<boolean> {
  const existing = await db
    .selectFrom('group_members')
    .select('user_id')
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (existing) return false;
  await db.insertInto('group_members').values({ group_id: groupId, user_id: userId, added_at: at }).execute();
  return true;
}

export async function removeMember(db: Db, groupId: string, userId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('group_members')
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function countMembers(db: Db, groupId: string): Promise<number> {
  const row = await db
    .selectFrom('group_members')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('group_id', '=', groupId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function listMembers(db: Db, groupId: string): Promise<UserRecord[]> {
  const rows = await db
    .selectFrom('group_members')
    .innerJoin('users', 'users.id', 'group_members.user_id')
    .selectAll('users')
    .where('group_members.group_id', '=', groupId)
    .orderBy('users.name_key')
    .execute();
  return rows.map(toUser);
}

export async function listGroupsOfUser(db: Db, userId: string): Promise<GroupRecord[]> {
  const rows = await db
    .selectFrom('group_members')
    .innerJoin('iam_groups', 'iam_groups.id', 'group_members.group_id')
    .selectAll('iam_groups')
    .where('group_members.user_id', '=', userId)
    .orderBy('iam_groups.name_key')
    .execute();
  return rows.map(toGroup);
}

/** How many users each group of the account has; a group without members is absent. */
export async function countMembersByGroup(db: Db, accountId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('group_members')
    .innerJoin('iam_groups', 'iam_groups.id', 'group_members.group_id')
    .select(['group_members.group_id as groupId', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('iam_groups.account_id', '=', accountId)
    .groupBy('group_members.group_id')
    .execute();
  return new Map(rows.map((r) => [r.groupId, Number(r.n)]));
}
