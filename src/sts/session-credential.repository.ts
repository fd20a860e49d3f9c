import type { Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { SessionCredentialsTable } from '../db/schema.ts';
import { prepared } from '../db/prepared.ts';
import type { Principal } from '../identities/principal.ts';
import { JOINED_PRINCIPAL_COLUMNS, joinedPrincipal } from '../identities/principal.repository.ts';

export interface SessionCredentialRecord {
  id: string;
  accountId: string;
  principalId: string;
  sourceKeyId: string;
  secretSealed: string;
  tokenHash: string;
  createdAt: string;
  expiresAt: string;
  /** When MFA was proved for these credentials; null (or absent) without MFA. */
  mfaAt?: string | null;
}

export async function insertSessionCredential(db: Db, c: SessionCredentialRecord): Promise<void> {
  await db
    .insertInto('session_credentials')
    .values({
      id: c.id,
      account_id: c.accountId,
      principal_id: c.principalId,
      source_key_id: c.sourceKeyId,
      secret_sealed: c.secretSealed,
      token_hash: c.tokenHash,
      created_at: c.createdAt,
      expires_at: c.expiresAt,
      mfa_at: c.mfaAt ?? null,
    })
    .execute();
}

export async function findSessionCredential(db: Db, id: string): Promise<SessionCredentialRecord | null> {
  const row = await db.selectFrom('session_credentials').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** Temporary credentials with, in the same query, the principal they belong to. */
const credentialWithPrincipal = prepared((db, id: string) =>
  db
    .selectFrom('session_credentials')
    .innerJoin('accounts', 'accounts.id', 'session_credentials.account_id')
    .leftJoin('root_users', 'root_users.account_id', 'session_credentials.principal_id')
    .leftJoin('users', 'users.id', 'session_credentials.principal_id')
    .selectAll('session_credentials')
    .select(JOINED_PRINCIPAL_COLUMNS)
    .where('session_credentials.id', '=', id),
);

/** The credentials `id` and their principal (null when it is gone); null when there are none. */
export async function findSessionCredentialWithPrincipal(
  db: Db,
  id: string,
): Promise<{ credential: SessionCredentialRecord; principal: Principal | null } | null> {
  const row = (await credentialWithPrincipal(db, id)).rows[0];
  if (!row) return null;
  return { credential: toRecord(row), principal: joinedPrincipal(row, row.account_id, row.principal_id) };
}

function toRecord(row: Selectable<SessionCredentialsTable>): SessionCredentialRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    principalId: row.principal_id,
    sourceKeyId: row.source_key_id,
    secretSealed: row.secret_sealed,
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    mfaAt: row.mfa_at,
  };
}

/** Removes temporary credentials that expired before `before` (kept a while so "expired" can be told from "invalid"). */
export async function deleteExpiredSessionCredentials(db: Db, before: string): Promise<void> {
  await db.deleteFrom('session_credentials').where('expires_at', '<', before).execute();
}
