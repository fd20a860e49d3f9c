import type { Db } from '../db/database.ts';

export interface ServiceTrust {
  accountId: string;
  trustedAccountId: string;
  /** A credential-scope service name, or `*`. */
  service: string;
  createdAt: string;
}

/** Adds the trust; false when it was there already. */
export async function insertServiceTrust(db: Db, trust: ServiceTrust): Promise<boolean> {
  const result = await db
    .insertInto('authorization_trusts')
    .values({
      account_id: trust.accountId,
      trusted_account_id: trust.trustedAccountId,
      service: trust.service,
      created_at: trust.createdAt,
    })
    .onConflict((oc) => oc.columns(['account_id', 'trusted_account_id', 'service']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Removes the trust; false when there was none. */
export async function deleteServiceTrust(
  db: Db,
  trust: Pick<ServiceTrust, 'accountId' | 'trustedAccountId' | 'service'>,
): Promise<boolean> {
  const result = await db
    .deleteFrom('authorization_trusts')
    .where('account_id', '=', trust.accountId)
    .where('trusted_account_id', '=', trust.trustedAccountId)
    .where('service', '=', trust.service)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listServiceTrusts(db: Db, accountId: string): Promise<ServiceTrust[]> {
  const rows = await db
    .selectFrom('authorization_trusts')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('trusted_account_id')
    .orderBy('service')
    .execute();
  return rows.map((r) => ({
    accountId: r.account_id,
    trustedAccountId: r.trusted_account_id,
    service: r.service,
    createdAt: r.created_at,
  }));
}
