import { type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import { type Db, isUniqueViolation } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError } from '../shared/errors.ts';
import { validatePath } from '../shared/validation.ts';
import { roleBoundaryUsageCounts } from '../identities/role.repository.ts';
import { boundaryUsageCounts as userBoundaryUsageCounts } from '../identities/user.repository.ts';
import { attachmentCounts, listAttachmentsOfPolicy } from './attachment.repository.ts';
import {
  AWS_MANAGED_POLICIES,
  type AwsManagedPolicy,
  findAwsManagedPolicy,
  isAwsManagedArn,
  unchangeableAwsPolicy,
} from './aws-managed.ts';
import { POLICY_SIZE_LIMITS, policySize } from '../policy-engine/document.ts';
import { validateIdentityPolicy } from '../policy-engine/grammar/policy-validator.ts';
import {
  type ManagedPolicyRecord,
  deleteManagedPolicyRow,
  deletePolicyVersionRow,
  findManagedPolicyByArn,
  findManagedPolicyByName,
  findPolicyVersion,
  insertManagedPolicy,
  insertPolicyVersion,
  listManagedPolicies,
  listPolicyVersions as listVersionRows,
  updateManagedPolicyVersionState,
} from './managed-policy.repository.ts';
import { validateDescription, validateEntityName } from './names.ts';
import { applyPolicyTags, assertDistinctPolicyTagKeys, tagsOfPolicy } from './policy-tags.service.ts';
import { newPolicyId } from './unique-ids.ts';
import type { Tag } from '../user-tags/user-tag.repository.ts';

/** How many users and roles of the account each policy bounds, by ARN. */
async function boundaryUsageCounts(db: Db, accountId: string): Promise<Map<string, number>> {
  const counts = await userBoundaryUsageCounts(db, accountId);
  for (const [arn, n] of await roleBoundaryUsageCounts(db, accountId)) counts.set(arn, (counts.get(arn) ?? 0) + n);
  return counts;
}

/**
 * Managed policies: customer managed ones, which belong to one account and keep up to
 * five versions with one default, and AWS managed ones, which every account can read and
 * attach but none can change. A principal never sees another account's policies: an ARN
 * of another account is answered as if it did not exist.
 */
export const MAX_POLICY_VERSIONS = 5;

export interface ManagedPolicy {
  policyId: string;
  name: string;
  path: string;
  arn: string;
  description: string | null;
  defaultVersionId: string;
  attachmentCount: number;
  /** Users of this account it is the permissions boundary of. */
  permissionsBoundaryUsageCount: number;
  isAttachable: true;
  awsManaged: boolean;
  createDate: string;
  updateDate: string;
}

export interface PolicyVersion {
  versionId: string;
  document: string;
  isDefaultVersion: boolean;
  createDate: string;
}

export function customerPolicyArn(accountId: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:policy${path}${name}`;
}

export function noSuchPolicy(arn: string): GatehouseError {
  return new GatehouseError('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`, {
    field: 'policyArn',
  });
}

/** Parses, validates and size-checks a managed policy document. */
export function checkManagedDocument(document: string): void {
  validateIdentityPolicy(document);
  if (policySize(document) > POLICY_SIZE_LIMITS.managed) {
    throw new GatehouseError('LimitExceeded', `Cannot exceed quota for PolicySize: ${POLICY_SIZE_LIMITS.managed}`, {
      field: 'policyDocument',
    });
  }
}

function fromAws(policy: AwsManagedPolicy, attachmentCount: number, permissionsBoundaryUsageCount = 0): ManagedPolicy {
  return {
    policyId: policy.policyId,
    name: policy.name,
    path: policy.path,
    arn: policy.arn,
    description: policy.description,
    defaultVersionId: policy.defaultVersionId,
    attachmentCount,
    permissionsBoundaryUsageCount,
    isAttachable: true,
    awsManaged: true,
    createDate: policy.createDate,
    updateDate: policy.updateDate,
  };
}

function fromRecord(
  record: ManagedPolicyRecord,
  attachmentCount: number,
  permissionsBoundaryUsageCount = 0,
): ManagedPolicy {
  return {
    policyId: record.id,
    name: record.name,
    path: record.path,
    arn: record.arn,
    description: record.description,
    defaultVersionId: record.defaultVersionId,
    attachmentCount,
    permissionsBoundaryUsageCount,
    isAttachable: true,
    awsManaged: false,
    createDate: record.createdAt,
    updateDate: record.updatedAt,
  };
}

/** A customer managed policy of this account, by ARN; NoSuchEntity otherwise. */
async function ownPolicy(db: Db, accountId: string, arn: string): Promise<ManagedPolicyRecord> {
  if (isAwsManagedArn(arn)) throw findAwsManagedPolicy(arn) ? unchangeableAwsPolicy(arn) : noSuchPolicy(arn);
  const record = await findManagedPolicyByArn(db, arn);
  if (!record || record.accountId !== accountId) throw noSuchPolicy(arn);
  return record;
}

/**
 * Resolves a policy ARN that this account may attach or read: an AWS managed policy or
 * one of its own. Null when there is none.
 */
export async function resolvePolicyArn(
  db: Db,
  accountId: string,
  arn: string,
): Promise<{ kind: 'aws'; policy: AwsManagedPolicy } | { kind: 'customer'; policy: ManagedPolicyRecord } | null> {
  const aws = findAwsManagedPolicy(arn);
  if (aws) return { kind: 'aws', policy: aws };
  const record = await findManagedPolicyByArn(db, arn);
  return record && record.accountId === accountId ? { kind: 'customer', policy: record } : null;
}

export async function createPolicy(
  deps: Deps,
  accountId: string,
  input: { name: string; path?: string; description?: string; document: string; tags?: Tag[] },
  actor: Actor,
  meta: RequestMeta,
): Promise<ManagedPolicy> {
  const name = validateEntityName('policyName', input.name);
  const path = validatePath('path', input.path ?? '/');
  const description = input.description === undefined ? null : validateDescription('description', input.description);
  checkManagedDocument(input.document);
  const tags = input.tags ?? [];
  assertDistinctPolicyTagKeys(tags);
  const now = deps.clock.now().toISOString();
  const record: ManagedPolicyRecord = {
    id: newPolicyId(),
    accountId,
    name,
    path,
    arn: customerPolicyArn(accountId, path, name),
    description,
    defaultVersionId: 'v1',
    nextVersion: 2,
    createdAt: now,
    updatedAt: now,
  };
  const exists = () =>
    new GatehouseError(
      'EntityAlreadyExists',
      `A policy called ${name} already exists. Duplicate names are not allowed.`,
      { field: 'policyName' },
    );
  try {
    await deps.db.transaction().execute(async (tx) => {
      if (await findManagedPolicyByName(tx, accountId, name)) throw exists();
      await insertManagedPolicy(tx, record);
      await insertPolicyVersion(tx, { policyId: record.id, versionId: 'v1', document: input.document, createdAt: now });
      if (tags.length > 0) await applyPolicyTags(tx, record.id, tags);
      await recordAudit(tx, deps, meta, {
        accountId,
        actor,
        eventName: 'CreatePolicy',
        target: { id: record.id, name },
        details: {
          policyArn: record.arn,
          document: input.document,
          ...(tags.length > 0 ? { tagKeys: tags.map((t) => t.key) } : {}),
        },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw exists();
    throw error;
  }
  return fromRecord(record, 0);
}

/** A policy with its tags (an AWS managed policy has none). */
export async function getPolicy(deps: Deps, accountId: string, arn: string): Promise<ManagedPolicy & { tags: Tag[] }> {
  const resolved = await resolvePolicyArn(deps.db, accountId, arn);
  if (!resolved) throw noSuchPolicy(arn);
  const count = (await listAttachmentsOfPolicy(deps.db, accountId, arn)).length;
  const bounded = (await boundaryUsageCounts(deps.db, accountId)).get(arn) ?? 0;
  const tags = await tagsOfPolicy(deps.db, accountId, arn);
  return {
    ...(resolved.kind === 'aws'
      ? fromAws(resolved.policy, count, bounded)
      : fromRecord(resolved.policy, count, bounded)),
    tags,
  };
}

/**
 * `scope`: All, AWS (AWS managed only) or Local (this account's); `onlyAttached` keeps
 * the policies attached to some user or group of this account. Ordered by name.
 */
export async function listPolicies(
  deps: Deps,
  accountId: string,
  options: { scope?: 'All' | 'AWS' | 'Local'; onlyAttached?: boolean; pathPrefix?: string } = {},
): Promise<ManagedPolicy[]> {
  const scope = options.scope ?? 'All';
  const counts = await attachmentCounts(deps.db, accountId);
  const bounded = await boundaryUsageCounts(deps.db, accountId);
  const out: ManagedPolicy[] = [];
  if (scope !== 'Local')
    out.push(...AWS_MANAGED_POLICIES.map((p) => fromAws(p, counts.get(p.arn) ?? 0, bounded.get(p.arn) ?? 0)));
  if (scope !== 'AWS')
    out.push(
      ...(await listManagedPolicies(deps.db, accountId)).map((p) =>
        fromRecord(p, counts.get(p.arn) ?? 0, bounded.get(p.arn) ?? 0),
      ),
    );
  return out
    .filter((p) => !options.onlyAttached || p.attachmentCount > 0)
    .filter((p) => p.path.startsWith(options.pathPrefix ?? '/'))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Refuses while the policy is attached or has versions besides the default, as AWS does. */
export async function deletePolicy(
  deps: Deps,
  accountId: string,
  arn: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const record = await ownPolicy(tx, accountId, arn);
    // A policy that bounds a user is in use too.
    if (
      (await listAttachmentsOfPolicy(tx, accountId, arn)).length > 0 ||
      (await boundaryUsageCounts(tx, accountId)).has(arn)
    ) {
      throw new GatehouseError('DeleteConflict', 'Cannot delete a policy attached to entities.');
    }
    if ((await listVersionRows(tx, record.id)).length > 1) {
      throw new GatehouseError(
        'DeleteConflict',
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
      );
    }
    await deleteManagedPolicyRow(tx, record.id);
    await deps.invalidations.record(tx, { topic: 'account', key: accountId });
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: 'DeletePolicy',
      target: { id: record.id, name: record.name },
      details: { policyArn: arn },
    });
  });
}

export async function createPolicyVersion(
  deps: Deps,
  accountId: string,
  arn: string,
  document: string,
  setAsDefault: boolean,
  actor: Actor,
  meta: RequestMeta,
): Promise<PolicyVersion> {
  checkManagedDocument(document);
  const now = deps.clock.now().toISOString();
  return deps.db.transaction().execute(async (tx) => {
    const record = await ownPolicy(tx, accountId, arn);
    if ((await listVersionRows(tx, record.id)).length >= MAX_POLICY_VERSIONS) {
      throw new GatehouseError(
        'LimitExceeded',
        `A managed policy can have up to ${MAX_POLICY_VERSIONS} versions. Before you create a new version, you must delete an existing version.`,
      );
    }
    const versionId = `v${record.nextVersion}`;
    await insertPolicyVersion(tx, { policyId: record.id, versionId, document, createdAt: now });
    await updateManagedPolicyVersionState(tx, record.id, {
      defaultVersionId: setAsDefault ? versionId : record.defaultVersionId,
      nextVersion: record.nextVersion + 1,
      updatedAt: setAsDefault ? now : record.updatedAt,
    });
    await deps.invalidations.record(tx, { topic: 'account', key: accountId });
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: 'CreatePolicyVersion',
      target: { id: record.id, name: record.name },
      details: { policyArn: arn, versionId, setAsDefault, document },
    });
    return { versionId, document, isDefaultVersion: setAsDefault, createDate: now };
  });
}

function noSuchVersion(arn: string, versionId: string): GatehouseError {
  return new GatehouseError('NoSuchEntity', `Policy ${arn} version ${versionId} does not exist or is not attachable.`, {
    field: 'versionId',
  });
}

export async function getPolicyVersion(
  deps: Deps,
  accountId: string,
  arn: string,
  versionId: string,
): Promise<PolicyVersion> {
  const resolved = await resolvePolicyArn(deps.db, accountId, arn);
  if (!resolved) throw noSuchPolicy(arn);
  if (resolved.kind === 'aws') {
    if (versionId !== resolved.policy.defaultVersionId) throw noSuchVersion(arn, versionId);
    return {
      versionId,
      document: resolved.policy.document,
      isDefaultVersion: true,
      createDate: resolved.policy.updateDate,
    };
  }
  const version = await findPolicyVersion(deps.db, resolved.policy.id, versionId);
  if (!version) throw noSuchVersion(arn, versionId);
  return {
    versionId,
    document: version.document,
    isDefaultVersion: versionId === resolved.policy.defaultVersionId,
    createDate: version.createdAt,
  };
}

/** Newest first. AWS managed policies show only the version in force. */
export async function listPolicyVersions(deps: Deps, accountId: string, arn: string): Promise<PolicyVersion[]> {
  const resolved = await resolvePolicyArn(deps.db, accountId, arn);
  if (!resolved) throw noSuchPolicy(arn);
  if (resolved.kind === 'aws') {
    const p = resolved.policy;
    return [{ versionId: p.defaultVersionId, document: p.document, isDefaultVersion: true, createDate: p.updateDate }];
  }
  const record = resolved.policy;
  return (await listVersionRows(deps.db, record.id)).map((v) => ({
    versionId: v.versionId,
    document: v.document,
    isDefaultVersion: v.versionId === record.defaultVersionId,
    createDate: v.createdAt,
  }));
}

export async function setDefaultPolicyVersion(
  deps: Deps,
  accountId: string,
  arn: string,
  versionId: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (tx) => {
    const record = await ownPolicy(tx, accountId, arn);
    if (!(await findPolicyVersion(tx, record.id, versionId))) throw noSuchVersion(arn, versionId);
    await updateManagedPolicyVersionState(tx, record.id, {
      defaultVersionId: versionId,
      nextVersion: record.nextVersion,
      updatedAt: now,
    });
    await deps.invalidations.record(tx, { topic: 'account', key: accountId });
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: 'SetDefaultPolicyVersion',
      target: { id: record.id, name: record.name },
      details: { policyArn: arn, versionId, previousVersionId: record.defaultVersionId },
    });
  });
}

export async function deletePolicyVersion(
  deps: Deps,
  accountId: string,
  arn: string,
  versionId: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const record = await ownPolicy(tx, accountId, arn);
    if (!(await findPolicyVersion(tx, record.id, versionId))) throw noSuchVersion(arn, versionId);
    if (versionId === record.defaultVersionId)
      throw new GatehouseError('DeleteConflict', 'Cannot delete the default version of a policy.');
    await deletePolicyVersionRow(tx, record.id, versionId);
    await deps.invalidations.record(tx, { topic: 'account', key: accountId });
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: 'DeletePolicyVersion',
      target: { id: record.id, name: record.name },
      details: { policyArn: arn, versionId },
    });
  });
}
