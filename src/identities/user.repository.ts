import { type Selectable, sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { prepared } from '../db/prepared.ts';
import type { LoginProfilesTable } from '../db/schema.ts';

export interface UserRecord {
  id: string;
  accountId: string;
  name: string;
  path: string;
  isAdmin: boolean;
  contactEmail: string | null;
  createdAt: string;
  /** ARN of the managed policy that bounds what the user's policies can grant; null: none. */
  permissionsBoundary: string | null;
}

export interface LoginProfileRecord {
  userId: string;
  passwordHash: string;
  passwordResetRequired: boolean;
  passwordChangedAt: string;
  createdAt: string;
}

type UserRow = {
  id: string;
  account_id: string;
  name: string;
  path: string;
  is_admin: number;
  contact_email: string | null;
  created_at: string;
  permissions_boundary: string | null;
};

export function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    path: row.path,
    isAdmin: Number(row.is_admin) === 1,
    contactEmail: row.contact_email,
    createdAt: row.created_at,
    permissionsBoundary: row.permissions_boundary,
  };
}

export async function insertUser(db: Db, user: UserRecord): Promise<void> {
  await db
    .insertInto('users')
    .values({
      id: user.id,
      account_id: user.accountId,
      name: user.name,
      name_key: user.name.toLowerCase(),
      path: user.path,
      is_admin: user.isAdmin ? 1 : 0,
      contact_email: user.contactEmail,
      created_at: user.createdAt,
      permissions_boundary: user.permissionsBoundary,
    })
    .execute();
}

export async function setPermissionsBoundary(db: Db, userId: string, arn: string | null): Promise<void> {
  await db.updateTable('users').set({ permissions_boundary: arn }).where('id', '=', userId).execute();
}

/** How many users of the account each policy bounds, by ARN. */
export async function boundaryUsageCounts(db: Db, accountId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('users')
    .select(['permissions_boundary', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('account_id', '=', accountId)
    .where('permissions_boundary', 'is not', null)
    .groupBy('permissions_boundary')
    .execute();
  return new Map(rows.map((r) => [r.permissions_boundary!, Number(r.n)]));
}

/** By name, ignoring case, as AWS does. */
export async function findUserByName(db: Db, accountId: string, name: string): Promise<UserRecord | null> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('name_key', '=', name.toLowerCase())
    .executeTakeFirst();
  return row ? toUser(row) : null;
}

export async function findUserById(db: Db, id: string): Promise<UserRecord | null> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toUser(row) : null;
}

export async function listUsers(db: Db, accountId: string): Promise<UserRecord[]> {
  const rows = await db
    .selectFrom('users')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('name_key')
    .execute();
  return rows.map(toUser);
}

export async function deleteUserRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('users').where('id', '=', id).execute();
}

/** What a console page shows a user about its own password: never the hash. */
export type LoginProfileState = Pick<LoginProfileRecord, 'passwordResetRequired' | 'passwordChangedAt'>;

const loginProfileRow = prepared((db, userId: string) =>
  db.selectFrom('login_profiles').selectAll().where('user_id', '=', userId),
);

export async function findLoginProfile(db: Db, userId: string): Promise<LoginProfileRecord | null> {
  const row = (await loginProfileRow(db, userId)).rows[0];
  return row ? toLoginProfile(row) : null;
}

function toLoginProfile(row: Selectable<LoginProfilesTable>): LoginProfileRecord {
  return {
    userId: row.user_id,
    passwordHash: row.password_hash,
    passwordResetRequired: row.password_reset_required === 1,
    passwordChangedAt: row.password_changed_at,
    createdAt: row.created_at,
  };
}

/** Creates the login profile or replaces its password. */
export async function upsertLoginProfile(db: Db, profile: LoginProfileRecord): Promise<'created' | 'updated'> {
  const existing = await db
    .selectFrom('login_profiles')
    .select('user_id')
    .where('user_id', '=', profile.userId)
    .executeTakeFirst();
  if (existing) {
    await db
      .updateTable('login_profiles')
      .set({
        password_hash: profile.passwordHash,
        password_reset_required: profile.passwordResetRequired ? 1 : 0,
        password_changed_at: profile.passwordChangedAt,
      })
      .where('user_id', '=', profile.userId)
      .execute();
    return 'updated';
  }
  await db
    .insertInto('login_profiles')
    .values({
      user_id: profile.userId,
      password_hash: profile.passwordHash,
      password_reset_required: profile.passwordResetRequired ? 1 : 0,
      password_changed_at: profile.passwordChangedAt,
      created_at: profile.createdAt,
    })
    .execute();
  return 'created';
}

export async function updateLoginProfileHash(db: Db, userId: string, passwordHash: string): Promise<void> {
  await db.updateTable('login_profiles').set({ password_hash: passwordHash }).where('user_id', '=', userId).execute();
}

export async function deleteLoginProfileRow(db: Db, userId: string): Promise<boolean> {
  const result = await db.deleteFrom('login_profiles').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** One page of an account's users in name order (ignoring case), after `afterNameKey`, under `pathPrefix`. */
export async function listUsersPage(
  db: Db,
  accountId: string,
  options: { pathPrefix: string; afterNameKey: string | null; limit: number },
): Promise<UserRecord[]> {
  let q = db.selectFrom('users').selectAll().where('account_id', '=', accountId);
  if (options.pathPrefix !== '/') {
    q = q.where((eb) =>
      eb(eb.fn('substr', ['path', eb.val(1), eb.val(options.pathPrefix.length)]), '=', options.pathPrefix),
    );
  }
  if (options.afterNameKey !== null) q = q.where('name_key', '>', options.afterNameKey);
  const rows = await q.orderBy('name_key').limit(options.limit).execute();
  return rows.map(toUser);
}

export async function updateUserNameAndPath(db: Db, id: string, name: string, path: string): Promise<void> {
  await db.updateTable('users').set({ name, name_key: name.toLowerCase(), path }).where('id', '=', id).execute();
}

export async function setPasswordResetRequired(db: Db, userId: string, required: boolean): Promise<void> {
  await db
    .updateTable('login_profiles')
    .set({ password_reset_required: required ? 1 : 0 })
    .where('user_id', '=', userId)
    .execute();
}

/** `%` and `_` in a LIKE pattern stand for themselves (`\` escapes them; user names have no `\`). */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * One page of an account's users in name order (ignoring case), those whose name contains
 * `nameContains` (ignoring case; '' for all), and how many there are in all.
 */
export async function searchUsers(
  db: Db,
  accountId: string,
  options: { nameContains: string; offset: number; limit: number },
): Promise<{ users: UserRecord[]; total: number }> {
  let q = db.selectFrom('users').where('account_id', '=', accountId);
  if (options.nameContains !== '')
    q = q.where(sql<boolean>`name_key like ${containsPattern(options.nameContains)} escape '\\'`);
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy('name_key').offset(options.offset).limit(options.limit).execute(),
    q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { users: rows.map(toUser), total: Number(count.n) };
}

/** The login profiles of these users, by user ID. */
export async function loginProfilesOf(db: Db, userIds: readonly string[]): Promise<Map<string, LoginProfileRecord>> {
  if (userIds.length === 0) return new Map();
  const rows = await db.selectFrom('login_profiles').selectAll().where('user_id', 'in', userIds).execute();
  return new Map(rows.map((r) => [r.user_id, toLoginProfile(r)]));
}
