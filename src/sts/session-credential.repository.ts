import type { Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { SessionCredentialsTable } from '../db/schema.ts';
import { prepared } from '../db/prepared.ts';
import { type Principal, assumedRoleArn } from '../identities/principal.ts';
import {
  JOINED_PRINCIPAL_COLUMNS,
  JOINED_ROLE_COLUMNS,
  type JoinedPrincipalRow,
  type JoinedRoleRow,
  joinedPrincipal,
} from '../identities/principal.repository.ts';
import { roleArn } from '../identities/role.repository.ts';

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
  /** Set for AssumeRole credentials (the principal is then the role, `principalId` its AROA… ID). */
  roleSession?: RoleSessionFacts | null;
}

/** What AssumeRole credentials carry beside their role. */
export interface RoleSessionFacts {
  sessionName: string;
  sourceIdentity: string | null;
  sessionPolicy: string | null;
  sessionPolicyArns: string[];
  tags: { key: string; value: string }[];
  transitiveTagKeys: string[];
  issuerArn: string;
  chained: boolean;
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
      role_session_name: c.roleSession?.sessionName ?? null,
      source_identity: c.roleSession?.sourceIdentity ?? null,
      session_policy: c.roleSession?.sessionPolicy ?? null,
      session_policy_arns: c.roleSession ? JSON.stringify(c.roleSession.sessionPolicyArns) : null,
      session_tags: c.roleSession ? JSON.stringify(c.roleSession.tags) : null,
      transitive_tag_keys: c.roleSession ? JSON.stringify(c.roleSession.transitiveTagKeys) : null,
      issuer_arn: c.roleSession?.issuerArn ?? null,
      chained: c.roleSession?.chained ? 1 : 0,
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
    .leftJoin('roles', 'roles.id', 'session_credentials.principal_id')
    .selectAll('session_credentials')
    .select(JOINED_PRINCIPAL_COLUMNS)
    .select(JOINED_ROLE_COLUMNS)
    .where('session_credentials.id', '=', id),
);

/** The credentials `id` and their principal (null when it is gone); null when there are none. */
export async function findSessionCredentialWithPrincipal(
  db: Db,
  id: string,
): Promise<{ credential: SessionCredentialRecord; principal: Principal | null } | null> {
  const row = (await credentialWithPrincipal(db, id)).rows[0];
  if (!row) return null;
  const credential = toRecord(row);
  if (credential.roleSession) return { credential, principal: roleSessionPrincipal(row, credential) };
  return { credential, principal: joinedPrincipal(row, row.account_id, row.principal_id) };
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
    roleSession:
      row.role_session_name === null
        ? null
        : {
            sessionName: row.role_session_name,
            sourceIdentity: row.source_identity,
            sessionPolicy: row.session_policy,
            sessionPolicyArns: JSON.parse(row.session_policy_arns ?? '[]') as string[],
            tags: JSON.parse(row.session_tags ?? '[]') as { key: string; value: string }[],
            transitiveTagKeys: JSON.parse(row.transitive_tag_keys ?? '[]') as string[],
            issuerArn: row.issuer_arn ?? '',
            chained: Number(row.chained) === 1,
          },
  };
}

/** The role session AssumeRole credentials act as; null when their role is gone or moved account. */
function roleSessionPrincipal(
  row: JoinedPrincipalRow & JoinedRoleRow,
  credential: SessionCredentialRecord,
): Principal | null {
  const session = credential.roleSession!;
  if (row.role_id === null || row.role_account_id !== credential.accountId) return null;
  return {
    type: 'assumed-role',
    accountId: credential.accountId,
    accountAlias: row.account_alias,
    accountName: row.account_name,
    id: row.role_id,
    name: session.sessionName,
    roleName: row.role_name!,
    path: row.role_path!,
    roleArn: roleArn(credential.accountId, row.role_path!, row.role_name!),
    permissionsBoundary: row.role_permissions_boundary,
    arn: assumedRoleArn(credential.accountId, row.role_name!, session.sessionName),
    session: {
      credentialId: credential.id,
      issuedAt: credential.createdAt,
      expiresAt: credential.expiresAt,
      mfaAt: credential.mfaAt ?? null,
      sourceIdentity: session.sourceIdentity,
      sessionPolicy: session.sessionPolicy,
      sessionPolicyArns: session.sessionPolicyArns,
      tags: session.tags,
      transitiveTagKeys: session.transitiveTagKeys,
      chained: session.chained,
      issuerArn: session.issuerArn,
    },
  };
}

/** Removes temporary credentials that expired before `before` (kept a while so "expired" can be told from "invalid"). */
export async function deleteExpiredSessionCredentials(db: Db, before: string): Promise<void> {
  await db.deleteFrom('session_credentials').where('expires_at', '<', before).execute();
}
