import type { Selectable } from 'kysely';
import { lastPasswordSignIns } from '../audit/audit.repository.ts';
import type { Db } from '../db/database.ts';
import type { CredentialReportsTable } from '../db/schema.ts';

/** An IAM user as the credential report lists it. */
export interface ReportUser {
  id: string;
  name: string;
  path: string;
  createdAt: string;
  hasLoginProfile: boolean;
  passwordChangedAt: string | null;
}

/** An access key as the credential report lists it. */
export interface ReportAccessKey {
  id: string;
  principalId: string;
  status: string;
  createdAt: string;
  lastUsedAt: string | null;
  lastUsedService: string | null;
  lastUsedRegion: string | null;
}

export interface ReportSources {
  /** Undefined when the account does not exist. */
  account: { id: string; createdAt: string } | undefined;
  users: ReportUser[];
  keys: ReportAccessKey[];
  /** The principals with an enabled MFA device. */
  mfa: Array<{ principalId: string | null }>;
  lastLogins: Map<string, string>;
}

/** Everything one report needs, read in a few queries per account. */
export async function reportSources(db: Db, accountId: string): Promise<ReportSources> {
  const account = await db
    .selectFrom('accounts')
    .select(['id', 'created_at'])
    .where('id', '=', accountId)
    .executeTakeFirst();
  const users = await db
    .selectFrom('users')
    .leftJoin('login_profiles', 'login_profiles.user_id', 'users.id')
    .select([
      'users.id',
      'users.name',
      'users.path',
      'users.created_at',
      'login_profiles.user_id as profile',
      'login_profiles.password_changed_at',
    ])
    .where('users.account_id', '=', accountId)
    .orderBy('users.name_key')
    .execute();
  const keys = await db
    .selectFrom('access_keys')
    .select(['id', 'principal_id', 'status', 'created_at', 'last_used_at', 'last_used_service', 'last_used_region'])
    .where('account_id', '=', accountId)
    .orderBy('id')
    .execute();
  const mfa = await db
    .selectFrom('mfa_devices')
    .select('principal_id')
    .distinct()
    .where('account_id', '=', accountId)
    .where('enabled_at', 'is not', null)
    .where('principal_id', 'is not', null)
    .execute();
  // When the root user and each user last signed in with their password (as GetUser's PasswordLastUsed).
  const lastLogins = await lastPasswordSignIns(db, accountId, [accountId, ...users.map((u) => u.id)]);
  return {
    account: account ? { id: account.id, createdAt: account.created_at } : undefined,
    users: users.map((u) => ({
      id: u.id,
      name: u.name,
      path: u.path,
      createdAt: u.created_at,
      hasLoginProfile: u.profile !== null,
      passwordChangedAt: u.password_changed_at,
    })),
    keys: keys.map((k) => ({
      id: k.id,
      principalId: k.principal_id,
      status: k.status,
      createdAt: k.created_at,
      lastUsedAt: k.last_used_at,
      lastUsedService: k.last_used_service,
      lastUsedRegion: k.last_used_region,
    })),
    mfa: mfa.map((m) => ({ principalId: m.principal_id })),
    lastLogins,
  };
}

/** The newest credential report of an account, as CSV. */
export interface CredentialReportRecord {
  accountId: string;
  generatedAt: string;
  content: string;
}

function toCredentialReport(row: Selectable<CredentialReportsTable>): CredentialReportRecord {
  return { accountId: row.account_id, generatedAt: row.generated_at, content: row.content };
}

export async function findReport(db: Db, accountId: string): Promise<CredentialReportRecord | null> {
  const row = await db
    .selectFrom('credential_reports')
    .selectAll()
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return row ? toCredentialReport(row) : null;
}

export async function saveReport(db: Db, accountId: string, generatedAt: string, content: string): Promise<void> {
  await db
    .insertInto('credential_reports')
    .values({ account_id: accountId, generated_at: generatedAt, content })
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ generated_at: generatedAt, content }))
    .execute();
}
