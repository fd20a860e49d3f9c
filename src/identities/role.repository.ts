import type { Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { RolesTable } from '../db/schema.ts';

export interface RoleRecord {
  id: string;
  accountId: string;
  name: string;
  path: string;
  description: string | null;
  /** The trust policy (AssumeRolePolicyDocument) as written. */
  trustPolicy: string;
  /** ARN → unique ID of each user or role the trust policy named when it was saved. */
  trustPrincipalIds: Record<string, string>;
  maxSessionDuration: number;
  permissionsBoundary: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  lastUsedRegion: string | null;
}

export function roleArn(accountId: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:role${path}${name}`;
}

export function toRole(row: Selectable<RolesTable>): RoleRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    path: row.path,
    description: row.description,
    trustPolicy: row.trust_policy,
    trustPrincipalIds: JSON.parse(row.trust_principal_ids) as Record<string, string>,
    maxSessionDuration: Number(row.max_session_duration),
    permissionsBoundary: row.permissions_boundary,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    lastUsedRegion: row.last_used_region,
  };
}

export async function insertRole(db: Db, role: RoleRecord): Promise<void> {
  await db
    .insertInto('roles')
    .values({
      id: role.id,
      account_id: role.accountId,
      name: role.name,
      name_key: role.name.toLowerCase(),
      path: role.path,
      description: role.description,
      trust_policy: role.trustPolicy,
      trust_principal_ids: JSON.stringify(role.trustPrincipalIds),
      max_session_duration: role.maxSessionDuration,
      permissions_boundary: role.permissionsBoundary,
      created_at: role.createdAt,
      last_used_at: role.lastUsedAt,
      last_used_region: role.lastUsedRegion,
    })
    .execute();
}

/** By name, ignoring case, as AWS does. */
export async function findRoleByName(db: Db, accountId: string, name: string): Promise<RoleRecord | null> {
  const row = await db
    .selectFrom('roles')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('name_key', '=', name.toLowerCase())
    .executeTakeFirst();
  return row ? toRole(row) : null;
}

export async function findRoleById(db: Db, id: string): Promise<RoleRecord | null> {
  const row = await db.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRole(row) : null;
}

/** One page of an account's roles in name order (ignoring case): those under `pathPrefix`, after `afterNameKey`. */
export async function listRolesPage(
  db: Db,
  accountId: string,
  options: { pathPrefix: string; afterNameKey: string | null; limit: number },
): Promise<RoleRecord[]> {
  let q = db.selectFrom('roles').selectAll().where('account_id', '=', accountId);
  if (options.pathPrefix !== '/') {
    q = q.where((eb) =>
      eb(eb.fn('substr', ['path', eb.val(1), eb.val(options.pathPrefix.length)]), '=', options.pathPrefix),
    );
  }
  if (options.afterNameKey !== null) q = q.where('name_key', '>', options.afterNameKey);
  const rows = await q.orderBy('name_key').limit(options.limit).execute();
  return rows.map(toRole);
}

/** An account's roles by name, those under `pathPrefix` only. */
export async function listRoles(db: Db, accountId: string, pathPrefix = '/'): Promise<RoleRecord[]> {
  const rows = await db
    .selectFrom('roles')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('name_key')
    .execute();
  return rows.map(toRole).filter((r) => r.path.startsWith(pathPrefix));
}

export async function countRoles(db: Db, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('roles')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export type RoleChanges = Partial<
  Pick<RoleRecord, 'description' | 'maxSessionDuration' | 'permissionsBoundary' | 'trustPolicy' | 'trustPrincipalIds'>
>;

export async function updateRoleRow(db: Db, id: string, changes: RoleChanges): Promise<void> {
  const set: Record<string, unknown> = {};
  if (changes.description !== undefined) set.description = changes.description;
  if (changes.maxSessionDuration !== undefined) set.max_session_duration = changes.maxSessionDuration;
  if (changes.permissionsBoundary !== undefined) set.permissions_boundary = changes.permissionsBoundary;
  if (changes.trustPolicy !== undefined) set.trust_policy = changes.trustPolicy;
  if (changes.trustPrincipalIds !== undefined) set.trust_principal_ids = JSON.stringify(changes.trustPrincipalIds);
  if (Object.keys(set).length === 0) return;
  await db.updateTable('roles').set(set).where('id', '=', id).execute();
}

/** Records that the role was assumed (RoleLastUsed). */
export async function markRoleUsed(db: Db, id: string, at: string, region: string): Promise<void> {
  await db.updateTable('roles').set({ last_used_at: at, last_used_region: region }).where('id', '=', id).execute();
}

export async function deleteRoleRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('roles').where('id', '=', id).execute();
}

/** A user or role as a trust policy names it: what its ARN is made of. */
export interface NamedPrincipal {
  kind: 'user' | 'role';
  accountId: string;
  path: string;
  name: string;
}

/** The users and roles these unique IDs (AIDA…, AROA…) name now, by ID; IDs naming nobody are left out. */
export async function principalsByIds(db: Db, ids: readonly string[]): Promise<Map<string, NamedPrincipal>> {
  if (ids.length === 0) return new Map();
  const columns = ['id', 'account_id', 'path', 'name'] as const;
  const [users, roles] = await Promise.all([
    db.selectFrom('users').select(columns).where('id', 'in', ids).execute(),
    db.selectFrom('roles').select(columns).where('id', 'in', ids).execute(),
  ]);
  const found = new Map<string, NamedPrincipal>();
  for (const [kind, rows] of [
    ['user', users],
    ['role', roles],
  ] as const) {
    for (const r of rows) found.set(r.id, { kind, accountId: r.account_id, path: r.path, name: r.name });
  }
  return found;
}

/** Which of these unique IDs (users' AIDA…, roles' AROA…) still name a user or role. */
export async function existingPrincipalIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const [users, roles] = await Promise.all([
    db.selectFrom('users').select('id').where('id', 'in', ids).execute(),
    db.selectFrom('roles').select('id').where('id', 'in', ids).execute(),
  ]);
  return new Set([...users, ...roles].map((r) => r.id));
}

/** A role's tags, in the order their keys were first given. */
export async function listRoleTags(db: Db, roleId: string): Promise<{ key: string; value: string }[]> {
  const rows = await db
    .selectFrom('role_tags')
    .select(['tag_key', 'tag_value'])
    .where('role_id', '=', roleId)
    .orderBy('position')
    .orderBy('tag_key_lower')
    .execute();
  return rows.map((r) => ({ key: r.tag_key, value: r.tag_value }));
}

/**
 * Adds tags. A key that matches one the role has (ignoring case) replaces its value and
 * spelling and keeps its place; a new key goes last.
 */
export async function putRoleTags(db: Db, roleId: string, tags: { key: string; value: string }[]): Promise<void> {
  for (const tag of tags) {
    const keyLower = tag.key.toLowerCase();
    const replaced = await db
      .updateTable('role_tags')
      .set({ tag_key: tag.key, tag_value: tag.value })
      .where('role_id', '=', roleId)
      .where('tag_key_lower', '=', keyLower)
      .executeTakeFirst();
    if (Number(replaced.numUpdatedRows) > 0) continue;
    const last = await db
      .selectFrom('role_tags')
      .select((eb) => eb.fn.max('position').as('position'))
      .where('role_id', '=', roleId)
      .executeTakeFirst();
    const position = last?.position === null || last?.position === undefined ? 0 : Number(last.position) + 1;
    await db
      .insertInto('role_tags')
      .values({ role_id: roleId, tag_key: tag.key, tag_key_lower: keyLower, tag_value: tag.value, position })
      .execute();
  }
}

/** Removes the tags with these keys (ignoring case); keys the role does not have are ignored. */
export async function removeRoleTags(db: Db, roleId: string, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await db
    .deleteFrom('role_tags')
    .where('role_id', '=', roleId)
    .where(
      'tag_key_lower',
      'in',
      keys.map((k) => k.toLowerCase()),
    )
    .execute();
}

export async function countRoleTags(db: Db, roleId: string): Promise<number> {
  const row = await db
    .selectFrom('role_tags')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('role_id', '=', roleId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** How many roles of the account each policy bounds, by ARN. */
export async function roleBoundaryUsageCounts(db: Db, accountId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('roles')
    .select(['permissions_boundary', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('account_id', '=', accountId)
    .where('permissions_boundary', 'is not', null)
    .groupBy('permissions_boundary')
    .execute();
  return new Map(rows.map((r) => [r.permissions_boundary!, Number(r.n)]));
}
