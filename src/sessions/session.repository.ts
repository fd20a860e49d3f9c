import type { Selectable } from 'kysely';
import type { Principal } from '../identities/principal.ts';
import { JOINED_PRINCIPAL_COLUMNS, joinedPrincipal } from '../identities/principal.repository.ts';
import type { Db } from '../db/database.ts';
import { prepared } from '../db/prepared.ts';
import type { MfaMethod, SessionRestriction, SessionsTable } from '../db/schema.ts';

export interface SessionRecord {
  id: string;
  secretHash: string;
  accountId: string;
  principalId: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  mfaAt: string | null;
  /** Which second factor it proved; null when none (or unknown, for a session older than the record). */
  mfaMethod: MfaMethod | null;
  restriction: SessionRestriction | null;
  sourceIp: string;
  userAgent: string;
  /** The temporary credentials of the role the console switched to; null while it acts as its own principal. */
  roleCredentialId: string | null;
}

const insertRow = prepared(
  (
    db,
    id: string,
    secretHash: string,
    accountId: string,
    principalId: string,
    createdAt: string,
    lastSeenAt: string,
    expiresAt: string,
    mfaAt: string | null,
    mfaMethod: MfaMethod | null,
    restriction: SessionRestriction | null,
    sourceIp: string,
    userAgent: string,
  ) =>
    db.insertInto('sessions').values({
      id,
      secret_hash: secretHash,
      account_id: accountId,
      principal_id: principalId,
      created_at: createdAt,
      last_seen_at: lastSeenAt,
      expires_at: expiresAt,
      mfa_at: mfaAt,
      mfa_method: mfaMethod,
      restriction,
      source_ip: sourceIp,
      user_agent: userAgent,
    }),
);

export async function insertSession(db: Db, s: SessionRecord): Promise<void> {
  await insertRow(
    db,
    s.id,
    s.secretHash,
    s.accountId,
    s.principalId,
    s.createdAt,
    s.lastSeenAt,
    s.expiresAt,
    s.mfaAt,
    s.mfaMethod,
    s.restriction,
    s.sourceIp,
    s.userAgent,
  );
}

const sessionRow = prepared((db, id: string) => db.selectFrom('sessions').selectAll().where('id', '=', id));

export async function findSessionRow(db: Db, id: string): Promise<SessionRecord | null> {
  const row = (await sessionRow(db, id)).rows[0];
  return row ? toSession(row) : null;
}

/** A session with who it belongs to (null when that principal is gone) and whether it has an enabled MFA device. */
export interface SessionWithPrincipal {
  session: SessionRecord;
  principal: Principal | null;
  mfaEnabled: boolean;
}

const sessionWithPrincipal = prepared((db, id: string) =>
  db
    .selectFrom('sessions')
    .innerJoin('accounts', 'accounts.id', 'sessions.account_id')
    .leftJoin('root_users', 'root_users.account_id', 'sessions.principal_id')
    .leftJoin('users', 'users.id', 'sessions.principal_id')
    .selectAll('sessions')
    .select(JOINED_PRINCIPAL_COLUMNS)
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('mfa_devices')
            .select('mfa_devices.id')
            .whereRef('mfa_devices.principal_id', '=', 'sessions.principal_id')
            .where('mfa_devices.enabled_at', 'is not', null),
        )
        .as('mfa_enabled'),
    )
    .where('sessions.id', '=', id),
);

/**
 * A session with, in the same query, who it belongs to and whether that principal has an
 * enabled MFA device: what every signed-in page needs before anything else.
 */
export async function findSessionWithPrincipal(db: Db, id: string): Promise<SessionWithPrincipal | null> {
  const row = (await sessionWithPrincipal(db, id)).rows[0];
  if (!row) return null;
  return {
    session: toSession(row),
    principal: joinedPrincipal(row, row.account_id, row.principal_id),
    // SQLite answers 1/0, PostgreSQL true/false.
    mfaEnabled: row.mfa_enabled === true || Number(row.mfa_enabled) === 1,
  };
}

function toSession(row: Selectable<SessionsTable>): SessionRecord {
  return {
    id: row.id,
    secretHash: row.secret_hash,
    accountId: row.account_id,
    principalId: row.principal_id,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    mfaAt: row.mfa_at,
    mfaMethod: row.mfa_method,
    restriction: row.restriction,
    sourceIp: row.source_ip,
    userAgent: row.user_agent,
    roleCredentialId: row.role_credential_id,
  };
}

/**
 * Records activity unless the row shows activity since `since` already (another process
 * recorded it): activity is written at most once per interval whichever process sees it.
 */
const touchIfIdle = prepared((db, id: string, lastSeenAt: string, since: string) =>
  db.updateTable('sessions').set({ last_seen_at: lastSeenAt }).where('id', '=', id).where('last_seen_at', '<=', since),
);

export async function touchSessionIfIdleSince(db: Db, id: string, lastSeenAt: string, since: string): Promise<void> {
  await touchIfIdle(db, id, lastSeenAt, since);
}

export async function clearRestriction(db: Db, id: string): Promise<void> {
  await db.updateTable('sessions').set({ restriction: null }).where('id', '=', id).execute();
}

export async function deleteSessionRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

/** Ends every session of a principal, except `keepId` when given. Returns how many ended. */
export async function deleteSessionsOfPrincipal(db: Db, principalId: string, keepId?: string): Promise<number> {
  let q = db.deleteFrom('sessions').where('principal_id', '=', principalId);
  if (keepId) q = q.where('id', '!=', keepId);
  const result = await q.executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function setRestriction(db: Db, id: string, restriction: SessionRestriction | null): Promise<void> {
  await db.updateTable('sessions').set({ restriction }).where('id', '=', id).execute();
}

/** Records that the session proved a second factor, which, at `at` (for aws:MultiFactorAuthAge). */
export async function setMfaProved(db: Db, id: string, at: string, method: MfaMethod): Promise<void> {
  await db.updateTable('sessions').set({ mfa_at: at, mfa_method: method }).where('id', '=', id).execute();
}

/**
 * Points the session at the role credentials it acts with, or back at its own principal (null).
 * With `expected`, only if it still points there: a switch made meanwhile by another request
 * stays. Returns whether the row changed.
 */
export async function setRoleCredential(
  db: Db,
  id: string,
  credentialId: string | null,
  expected?: string | null,
): Promise<boolean> {
  let q = db.updateTable('sessions').set({ role_credential_id: credentialId }).where('id', '=', id);
  if (expected === null) q = q.where('role_credential_id', 'is', null);
  else if (expected !== undefined) q = q.where('role_credential_id', '=', expected);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
