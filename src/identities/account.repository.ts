import type { Db } from '../db/database.ts';
import { prepared } from '../db/prepared.ts';

export interface AccountRecord {
  id: string;
  name: string;
  alias: string | null;
  createdAt: string;
}

export interface RootUserRecord {
  accountId: string;
  email: string;
  emailVerified: boolean;
  passwordHash: string;
  passwordChangedAt: string;
}

export async function insertAccount(
  db: Db,
  account: AccountRecord,
  root: Omit<RootUserRecord, 'emailVerified'>,
): Promise<void> {
  await db
    .insertInto('accounts')
    .values({ id: account.id, name: account.name, alias: account.alias, created_at: account.createdAt })
    .execute();
  await db
    .insertInto('root_users')
    .values({
      account_id: account.id,
      email: root.email,
      email_key: root.email.toLowerCase(),
      email_verified: 0,
      password_hash: root.passwordHash,
      password_changed_at: root.passwordChangedAt,
      created_at: account.createdAt,
    })
    .execute();
}

export async function accountIdExists(db: Db, id: string): Promise<boolean> {
  const row = await db.selectFrom('accounts').select('id').where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}

export async function findAccount(db: Db, id: string): Promise<AccountRecord | null> {
  const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toAccount(row) : null;
}

/** By 12-digit ID or by alias. */
const accountByRef = prepared((db, ref: string) =>
  db
    .selectFrom('accounts')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', ref), eb('alias', '=', ref)])),
);

export async function findAccountByRef(db: Db, ref: string): Promise<AccountRecord | null> {
  const row = (await accountByRef(db, ref)).rows[0];
  return row ? toAccount(row) : null;
}

export async function aliasOwner(db: Db, alias: string): Promise<string | null> {
  const row = await db.selectFrom('accounts').select('id').where('alias', '=', alias).executeTakeFirst();
  return row?.id ?? null;
}

export async function updateAlias(db: Db, accountId: string, alias: string | null): Promise<void> {
  await db.updateTable('accounts').set({ alias }).where('id', '=', accountId).execute();
}

export async function findRootUserByEmail(db: Db, email: string): Promise<RootUserRecord | null> {
  const row = await db
    .selectFrom('root_users')
    .selectAll()
    .where('email_key', '=', email.toLowerCase())
    .executeTakeFirst();
  return row ? toRoot(row) : null;
}

export async function findRootUser(db: Db, accountId: string): Promise<RootUserRecord | null> {
  const row = await db.selectFrom('root_users').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  return row ? toRoot(row) : null;
}

export async function emailTaken(db: Db, email: string): Promise<boolean> {
  const row = await db
    .selectFrom('root_users')
    .select('account_id')
    .where('email_key', '=', email.toLowerCase())
    .executeTakeFirst();
  return row !== undefined;
}

export async function updateRootPasswordHash(
  db: Db,
  accountId: string,
  passwordHash: string,
  changedAt: string | null,
): Promise<void> {
  await db
    .updateTable('root_users')
    .set(changedAt ? { password_hash: passwordHash, password_changed_at: changedAt } : { password_hash: passwordHash })
    .where('account_id', '=', accountId)
    .execute();
}

function toAccount(row: { id: string; name: string; alias: string | null; created_at: string }): AccountRecord {
  return { id: row.id, name: row.name, alias: row.alias, createdAt: row.created_at };
}

function toRoot(row: {
  account_id: string;
  email: string;
  email_verified: number;
  password_hash: string;
  password_changed_at: string;
}): RootUserRecord {
  return {
    accountId: row.account_id,
    email: row.email,
    emailVerified: row.email_verified === 1,
    passwordHash: row.password_hash,
    passwordChangedAt: row.password_changed_at,
  };
}

/** Marks the root email verified, if it is still `email`. Returns whether it was. */
export async function markRootEmailVerified(db: Db, accountId: string, email: string): Promise<boolean> {
  const result = await db
    .updateTable('root_users')
    .set({ email_verified: 1 })
    .where('account_id', '=', accountId)
    .where('email_key', '=', email.toLowerCase())
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Changes the root user's sign-in address; it is verified, since the new mailbox confirmed it. */
export async function updateRootEmail(db: Db, accountId: string, email: string): Promise<void> {
  await db
    .updateTable('root_users')
    .set({ email, email_key: email.toLowerCase(), email_verified: 1 })
    .where('account_id', '=', accountId)
    .execute();
}
