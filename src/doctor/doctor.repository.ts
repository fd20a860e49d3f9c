import { sql } from 'kysely';
import { type AuditEventRecord, toAuditEvent } from '../audit/audit.repository.ts';
import type { Db } from '../db/database.ts';

/** The reads the sign-in doctor makes: who the owner is, and what the record says happened. */

export interface RootOwner {
  accountId: string;
  alias: string | null;
  email: string;
}

export async function findRootOwnerByEmail(db: Db, emailKey: string): Promise<RootOwner | null> {
  const row = await db
    .selectFrom('root_users')
    .innerJoin('accounts', 'accounts.id', 'root_users.account_id')
    .select(['accounts.id', 'accounts.alias', 'root_users.email'])
    .where('root_users.email_key', '=', emailKey)
    .executeTakeFirst();
  return row ? { accountId: row.id, alias: row.alias, email: row.email } : null;
}

export async function findRootOwnerOfAccount(db: Db, accountRef: string): Promise<RootOwner | null> {
  const row = await db
    .selectFrom('accounts')
    .innerJoin('root_users', 'root_users.account_id', 'accounts.id')
    .select(['accounts.id', 'accounts.alias', 'root_users.email'])
    .where((eb) => eb.or([eb('accounts.id', '=', accountRef), eb('accounts.alias', '=', accountRef)]))
    .executeTakeFirst();
  return row ? { accountId: row.id, alias: row.alias, email: row.email } : null;
}

export interface UserFacts {
  id: string;
  name: string;
  contactEmail: string | null;
  contactEmailVerified: boolean;
  hasLoginProfile: boolean;
  passwordResetRequired: boolean;
  passwordChangedAt: string | null;
}

export async function findUserFacts(db: Db, accountId: string, userNameKey: string): Promise<UserFacts | null> {
  const row = await db
    .selectFrom('users')
    .leftJoin('login_profiles', 'login_profiles.user_id', 'users.id')
    .select([
      'users.id',
      'users.name',
      'users.contact_email',
      'users.contact_email_verified',
      'login_profiles.user_id as profile_user',
      'login_profiles.password_reset_required',
      'login_profiles.password_changed_at',
    ])
    .where('users.account_id', '=', accountId)
    .where('users.name_key', '=', userNameKey)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    name: row.name,
    contactEmail: row.contact_email,
    contactEmailVerified: row.contact_email_verified === 1,
    hasLoginProfile: row.profile_user !== null,
    passwordResetRequired: row.password_reset_required === 1,
    passwordChangedAt: row.password_changed_at,
  };
}

/** Other accounts with the same root email that have a user of this name (the "wrong account" case). */
export async function siblingAccountsWithUser(
  db: Db,
  rootEmailKey: string,
  exceptAccountId: string,
  userNameKey: string,
) {
  return db
    .selectFrom('root_users')
    .innerJoin('accounts', 'accounts.id', 'root_users.account_id')
    .innerJoin('users', (join) =>
      join.onRef('users.account_id', '=', 'accounts.id').on('users.name_key', '=', userNameKey),
    )
    .select(['accounts.id', 'accounts.alias', 'users.name'])
    .where('root_users.email_key', '=', rootEmailKey)
    .where('accounts.id', '<>', exceptAccountId)
    .execute();
}

export async function auditEventsAbout(
  db: Db,
  accountId: string,
  principalId: string,
  since: string,
): Promise<AuditEventRecord[]> {
  const rows = await db
    .selectFrom('audit_events')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('time', '>=', since)
    .where((eb) => eb.or([eb('actor_id', '=', principalId), eb('target_id', '=', principalId)]))
    .orderBy('seq', 'desc')
    .limit(500)
    .execute();
  return rows.map(toAuditEvent);
}

export async function mfaBlockedUntil(db: Db, principalId: string): Promise<string | null> {
  const row = await db
    .selectFrom('mfa_throttle')
    .select('blocked_until')
    .where('principal_id', '=', principalId)
    .executeTakeFirst();
  return row?.blocked_until ?? null;
}

/** How many diagnoses went to this owner since `since` (the per-owner rate limit); those with reason `notCounted` replaced a report still held, so they are not counted. */
export async function countDiagnosesSince(
  db: Db,
  ownerKey: string,
  since: string,
  notCounted: string,
): Promise<number> {
  const row = await db
    .selectFrom('audit_events')
    .select(sql<number>`count(*)`.as('n'))
    .where('event_name', '=', 'SignInDiagnosisSent')
    .where('target_id', '=', ownerKey)
    .where('time', '>=', since)
    .where((eb) => eb.or([eb('reason', 'is', null), eb('reason', '!=', notCounted)]))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
