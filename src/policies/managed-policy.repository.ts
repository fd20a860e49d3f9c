import type { Db } from '../db/database.ts';

export interface ManagedPolicyRecord {
  id: string;
  accountId: string;
  name: string;
  path: string;
  arn: string;
  description: string | null;
  defaultVersionId: string;
  nextVersion: number;
  createdAt: string;
  updatedAt: string;
}

export interface PolicyVersionRecord {
  policyId: string;
  versionId: string;
  document: string;
  createdAt: string;
}

type PolicyRow = {
  id: string;
  account_id: string;
  name: string;
  path: string;
  arn: string;
  description: string | null;
  default_version_id: string;
  next_version: number | string;
  created_at: string;
  updated_at: string;
};

function toPolicy(row: PolicyRow): ManagedPolicyRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    path: row.path,
    arn: row.arn,
    description: row.description,
    defaultVersionId: row.default_version_id,
    nextVersion: Number(row.next_version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function insertManagedPolicy(db: Db, policy: ManagedPolicyRecord): Promise<void> {
  await db
    .insertInto('managed_policies')
    .values({
      id: policy.id,
      account_id: policy.accountId,
      name: policy.name,
      name_key: policy.name.toLowerCase(),
      path: policy.path,
      arn: policy.arn,
      description: policy.description,
      default_version_id: policy.defaultVersionId,
      next_version: policy.nextVersion,
      created_at: policy.createdAt,
      updated_at: policy.updatedAt,
    })
    .execute();
}

export async function findManagedPolicyByName(
  db: Db,
  accountId: string,
  name: string,
): Promise<ManagedPolicyRecord | null> {
  const row = await db
    .selectFrom('managed_policies')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('name_key', '=', name.toLowerCase())
    .executeTakeFirst();
  return row ? toPolicy(row) : null;
}

export async function findManagedPolicyByArn(db: Db, arn: string): Promise<ManagedPolicyRecord | null> {
  const row = await db.selectFrom('managed_policies').selectAll().where('arn', '=', arn).executeTakeFirst();
  return row ? toPolicy(row) : null;
}

export async function listManagedPolicies(db: Db, accountId: string): Promise<ManagedPolicyRecord[]> {
  const rows = await db
    .selectFrom('managed_policies')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('name_key')
    .execute();
  return rows.map(toPolicy);
}

export async function updateManagedPolicyVersionState(
  db: Db,
  id: string,
  state: { defaultVersionId: string; nextVersion: number; updatedAt: string },
): Promise<void> {
  await db
    .updateTable('managed_policies')
    .set({ default_version_id: state.defaultVersionId, next_version: state.nextVersion, updated_at: state.updatedAt })
    .where('id', '=', id)
    .execute();
}

export async function deleteManagedPolicyRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('managed_policy_versions').where('policy_id', '=', id).execute();
  await db.deleteFrom('managed_policies').where('id', '=', id).execute();
}

export async function insertPolicyVersion(db: Db, version: PolicyVersionRecord): Promise<void> {
  await db
    .insertInto('managed_policy_versions')
    .values({
      policy_id: version.policyId,
      version_id: version.versionId,
      document: version.document,
      created_at: version.createdAt,
    })
    .execute();
}

export async function findPolicyVersion(
  db: Db,
  policyId: string,
  versionId: string,
): Promise<PolicyVersionRecord | null> {
  const row = await db
    .selectFrom('managed_policy_versions')
    .selectAll()
    .where('policy_id', '=', policyId)
    .where('version_id', '=', versionId)
    .executeTakeFirst();
  return row
    ? { policyId: row.policy_id, versionId: row.version_id, document: row.document, createdAt: row.created_at }
    : null;
}

/** Newest first, as AWS lists them. */
export async function listPolicyVersions(db: Db, policyId: string): Promise<PolicyVersionRecord[]> {
  const rows = await db.selectFrom('managed_policy_versions').selectAll().where('policy_id', '=', policyId).execute();
  return rows
    .map((row) => ({
      policyId: row.policy_id,
      versionId: row.version_id,
      document: row.document,
      createdAt: row.created_at,
    }))
    .sort((a, b) => Number(b.versionId.slice(1)) - Number(a.versionId.slice(1)));
}

export async function deletePolicyVersionRow(db: Db, policyId: string, versionId: string): Promise<void> {
  await db
    .deleteFrom('managed_policy_versions')
    .where('policy_id', '=', policyId)
    .where('version_id', '=', versionId)
    .execute();
}

/** The default version's document of each customer managed policy named, by ARN. */
export async function findDefaultDocuments(
  db: Db,
  accountId: string,
  arns: readonly string[],
): Promise<Array<{ arn: string; policyId: string; versionId: string; document: string }>> {
  if (arns.length === 0) return [];
  const rows = await db
    .selectFrom('managed_policies')
    .innerJoin('managed_policy_versions', (join) =>
      join
        .onRef('managed_policy_versions.policy_id', '=', 'managed_policies.id')
        .onRef('managed_policy_versions.version_id', '=', 'managed_policies.default_version_id'),
    )
    .select([
      'managed_policies.arn',
      'managed_policies.id',
      'managed_policy_versions.version_id',
      'managed_policy_versions.document',
    ])
    .where('managed_policies.account_id', '=', accountId)
    .where('managed_policies.arn', 'in', arns)
    .execute();
  return rows.map((r) => ({ arn: r.arn, policyId: r.id, versionId: r.version_id, document: r.document }));
}
