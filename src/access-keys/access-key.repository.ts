import type { Db } from '../db/database.ts';
import { prepared } from '../db/prepared.ts';
import type { Principal } from '../identities/principal.ts';
import { JOINED_PRINCIPAL_COLUMNS, joinedPrincipal } from '../identities/principal.repository.ts';

export type AccessKeyStatus = 'Active' | 'Inactive';

export interface AccessKeyRecord {
  id: string;
  accountId: string;
  principalId: string;
  secretSealed: string;
  status: AccessKeyStatus;
  createdAt: string;
  lastUsedAt: string | null;
  lastUsedService: string | null;
  lastUsedRegion: string | null;
}

type Row = {
  id: string;
  account_id: string;
  principal_id: string;
  secret_sealed: string;
  status: string;
  created_at: string;
  last_used_at: string | null;
  last_used_service: string | null;
  last_used_region: string | null;
};

function toRecord(row: Row): AccessKeyRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    principalId: row.principal_id,
    secretSealed: row.secret_sealed,
    status: row.status === 'Active' ? 'Active' : 'Inactive',
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    lastUsedService: row.last_used_service,
    lastUsedRegion: row.last_used_region,
  };
}

export async function insertAccessKey(db: Db, key: AccessKeyRecord): Promise<void> {
  await db
    .insertInto('access_keys')
    .values({
      id: key.id,
      account_id: key.accountId,
      principal_id: key.principalId,
      secret_sealed: key.secretSealed,
      status: key.status,
      created_at: key.createdAt,
      last_used_at: null,
      last_used_service: null,
      last_used_region: null,
    })
    .execute();
}

export async function findAccessKey(db: Db, id: string): Promise<AccessKeyRecord | null> {
  const row = await db.selectFrom('access_keys').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** A key with, in the same query, the principal it belongs to: what every signed API call needs first. */
const keyWithPrincipal = prepared((db, id: string) =>
  db
    .selectFrom('access_keys')
    .innerJoin('accounts', 'accounts.id', 'access_keys.account_id')
    .leftJoin('root_users', 'root_users.account_id', 'access_keys.principal_id')
    .leftJoin('users', 'users.id', 'access_keys.principal_id')
    .selectAll('access_keys')
    .select(JOINED_PRINCIPAL_COLUMNS)
    .where('access_keys.id', '=', id),
);

/** The key `id` and its principal (null when the principal is gone); null when there is no such key. */
export async function findAccessKeyWithPrincipal(
  db: Db,
  id: string,
): Promise<{ key: AccessKeyRecord; principal: Principal | null } | null> {
  const row = (await keyWithPrincipal(db, id)).rows[0];
  if (!row) return null;
  return { key: toRecord(row), principal: joinedPrincipal(row, row.account_id, row.principal_id) };
}

/** A principal's keys, oldest first. */
export async function listAccessKeysOf(db: Db, principalId: string): Promise<AccessKeyRecord[]> {
  const rows = await db
    .selectFrom('access_keys')
    .selectAll()
    .where('principal_id', '=', principalId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toRecord);
}

/** The keys of these principals, oldest first (the Users list). */
export async function listAccessKeysOfPrincipals(db: Db, principalIds: readonly string[]): Promise<AccessKeyRecord[]> {
  if (principalIds.length === 0) return [];
  const rows = await db
    .selectFrom('access_keys')
    .selectAll()
    .where('principal_id', 'in', principalIds)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toRecord);
}

export async function countAccessKeysOf(db: Db, principalId: string): Promise<number> {
  const row = await db
    .selectFrom('access_keys')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('principal_id', '=', principalId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function setAccessKeyStatus(db: Db, id: string, status: AccessKeyStatus): Promise<void> {
  await db.updateTable('access_keys').set({ status }).where('id', '=', id).execute();
}

export async function deleteAccessKeyRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('access_keys').where('id', '=', id).execute();
}

/** Removes every access key and every temporary credential of a principal (the principal is being deleted). */
export async function deleteCredentialsOfPrincipal(db: Db, principalId: string): Promise<void> {
  await db.deleteFrom('access_keys').where('principal_id', '=', principalId).execute();
  await db.deleteFrom('session_credentials').where('principal_id', '=', principalId).execute();
}

export async function recordAccessKeyUse(
  db: Db,
  id: string,
  at: string,
  service: string,
  region: string,
): Promise<void> {
  await db
    .updateTable('access_keys')
    .set({ last_used_at: at, last_used_service: service, last_used_region: region })
    .where('id', '=', id)
    .execute();
}
