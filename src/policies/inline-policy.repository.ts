import type { Db } from '../db/database.ts';
import type { PolicyHolderType } from './attachment.repository.ts';

export interface InlinePolicyRecord {
  accountId: string;
  ownerType: PolicyHolderType;
  ownerId: string;
  name: string;
  document: string;
  revision: string;
  createdAt: string;
  updatedAt: string;
}

type InlineRow = {
  account_id: string;
  owner_type: string;
  owner_id: string;
  name: string;
  document: string;
  revision: string;
  created_at: string;
  updated_at: string;
};

function toInline(row: InlineRow): InlinePolicyRecord {
  return {
    accountId: row.account_id,
    ownerType: row.owner_type as PolicyHolderType,
    ownerId: row.owner_id,
    name: row.name,
    document: row.document,
    revision: row.revision,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Creates or replaces the named policy; returns whether it was created. */
export async function upsertInlinePolicy(db: Db, policy: InlinePolicyRecord): Promise<'created' | 'updated'> {
  const existing = await findInlinePolicy(db, policy.ownerType, policy.ownerId, policy.name);
  if (existing) {
    await db
      .updateTable('inline_policies')
      .set({ document: policy.document, revision: policy.revision, updated_at: policy.updatedAt })
      .where('owner_type', '=', policy.ownerType)
      .where('owner_id', '=', policy.ownerId)
      .where('name', '=', policy.name)
      .execute();
    return 'updated';
  }
  await db
    .insertInto('inline_policies')
    .values({
      account_id: policy.accountId,
      owner_type: policy.ownerType,
      owner_id: policy.ownerId,
      name: policy.name,
      document: policy.document,
      revision: policy.revision,
      created_at: policy.createdAt,
      updated_at: policy.updatedAt,
    })
    .execute();
  return 'created';
}

export async function findInlinePolicy(
  db: Db,
  ownerType: PolicyHolderType,
  ownerId: string,
  name: string,
): Promise<InlinePolicyRecord | null> {
  const row = await db
    .selectFrom('inline_policies')
    .selectAll()
    .where('owner_type', '=', ownerType)
    .where('owner_id', '=', ownerId)
    .where('name', '=', name)
    .executeTakeFirst();
  return row ? toInline(row) : null;
}

/** The policies of several owners of one type, by name within each owner. */
export async function listInlinePolicies(
  db: Db,
  ownerType: PolicyHolderType,
  ownerIds: readonly string[],
): Promise<InlinePolicyRecord[]> {
  if (ownerIds.length === 0) return [];
  const rows = await db
    .selectFrom('inline_policies')
    .selectAll()
    .where('owner_type', '=', ownerType)
    .where('owner_id', 'in', ownerIds)
    .orderBy('owner_id')
    .orderBy('name')
    .execute();
  return rows.map(toInline);
}

export async function deleteInlinePolicyRow(
  db: Db,
  ownerType: PolicyHolderType,
  ownerId: string,
  name: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('inline_policies')
    .where('owner_type', '=', ownerType)
    .where('owner_id', '=', ownerId)
    .where('name', '=', name)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function deleteInlinePoliciesOf(db: Db, ownerType: PolicyHolderType, ownerId: string): Promise<void> {
  await db.deleteFrom('inline_policies').where('owner_type', '=', ownerType).where('owner_id', '=', ownerId).execute();
}
