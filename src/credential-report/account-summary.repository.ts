import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

function n(row: { n: number | string | bigint }): number {
  return Number(row.n);
}

/** The entity counts GetAccountSummary reports. */
export async function accountCounts(db: Db, accountId: string) {
  const count = sql<number>`count(*)`.as('n');
  const users = await db
    .selectFrom('users')
    .select(count)
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  const groups = await db
    .selectFrom('iam_groups')
    .select(count)
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  const roles = await db
    .selectFrom('roles')
    .select(count)
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  const policies = await db
    .selectFrom('managed_policies')
    .select(count)
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  const mfaDevices = await db
    .selectFrom('mfa_devices')
    .select(count)
    .where('account_id', '=', accountId)
    .where('kind', '=', 'totp')
    .executeTakeFirstOrThrow();
  const mfaInUse = await db
    .selectFrom('mfa_devices')
    .select(count)
    .where('account_id', '=', accountId)
    .where('enabled_at', 'is not', null)
    .executeTakeFirstOrThrow();
  const rootMfa = await db
    .selectFrom('mfa_devices')
    .select(count)
    .where('principal_id', '=', accountId)
    .where('enabled_at', 'is not', null)
    .executeTakeFirstOrThrow();
  const rootKeys = await db
    .selectFrom('access_keys')
    .select(count)
    .where('principal_id', '=', accountId)
    .executeTakeFirstOrThrow();
  const attachments = await db
    .selectFrom('policy_attachments')
    .select(count)
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return {
    users: n(users),
    groups: n(groups),
    roles: n(roles),
    policies: n(policies),
    mfaDevices: n(mfaDevices),
    mfaInUse: n(mfaInUse),
    rootMfa: n(rootMfa),
    rootKeys: n(rootKeys),
    policyVersionsInUse: n(attachments),
  };
}
