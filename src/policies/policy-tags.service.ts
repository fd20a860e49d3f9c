import { type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import type { Db } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError } from '../shared/errors.ts';
import type { Tag } from '../user-tags/user-tag.repository.ts';
import { findAwsManagedPolicy, isAwsManagedArn, unchangeableAwsPolicy } from './aws-managed.ts';
import { type ManagedPolicyRecord, findManagedPolicyByArn } from './managed-policy.repository.ts';
import { countPolicyTags, listPolicyTags, putPolicyTags, removePolicyTags } from './policy-tag.repository.ts';

/**
 * Tags of customer managed policies, as IAM keeps them: up to 50 per policy, keys
 * case-sensitive (`team` and `Team` are two tags), listed in the order their keys were
 * first given. AWS managed policies have no tags and cannot be given any.
 */
export const MAX_TAGS_PER_POLICY = 50;

/** Refuses a tag list that names a key twice (exactly: policy tag keys are case-sensitive). */
export function assertDistinctPolicyTagKeys(tags: Tag[]): void {
  if (new Set(tags.map((t) => t.key)).size !== tags.length)
    throw new GatehouseError('InvalidInput', 'Duplicate tag keys found.');
}

/** Adds or replaces tags inside the caller's transaction; LimitExceeded beyond 50 per policy. */
export async function applyPolicyTags(db: Db, policyId: string, tags: Tag[]): Promise<void> {
  assertDistinctPolicyTagKeys(tags);
  await putPolicyTags(db, policyId, tags);
  if ((await countPolicyTags(db, policyId)) > MAX_TAGS_PER_POLICY) {
    throw new GatehouseError('LimitExceeded', `Cannot exceed quota for TagsPerPolicy: ${MAX_TAGS_PER_POLICY}`);
  }
}

function notFound(arn: string): GatehouseError {
  return new GatehouseError('NoSuchEntity', `Policy ${arn} was not found.`, { field: 'policyArn' });
}

/** A customer managed policy of this account; AWS managed ones cannot be tagged. */
async function ownPolicy(db: Db, accountId: string, arn: string): Promise<ManagedPolicyRecord> {
  if (isAwsManagedArn(arn) && findAwsManagedPolicy(arn)) throw unchangeableAwsPolicy(arn);
  const record = await findManagedPolicyByArn(db, arn);
  if (!record || record.accountId !== accountId) throw notFound(arn);
  return record;
}

export async function tagPolicy(
  deps: Deps,
  accountId: string,
  arn: string,
  tags: Tag[],
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const policy = await ownPolicy(tx, accountId, arn);
    await applyPolicyTags(tx, policy.id, tags);
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: 'TagPolicy',
      target: { id: policy.id, name: policy.name },
      details: { policyArn: arn, tagKeys: tags.map((t) => t.key) },
    });
  });
}

/** Keys the policy does not have are ignored. */
export async function untagPolicy(
  deps: Deps,
  accountId: string,
  arn: string,
  keys: string[],
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const policy = await ownPolicy(tx, accountId, arn);
    await removePolicyTags(tx, policy.id, keys);
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: 'UntagPolicy',
      target: { id: policy.id, name: policy.name },
      details: { policyArn: arn, tagKeys: keys },
    });
  });
}

/** The tags of a policy this account can read: its own (in order), or an AWS managed one (none). */
export async function tagsOfPolicy(db: Db, accountId: string, arn: string): Promise<Tag[]> {
  if (findAwsManagedPolicy(arn)) return [];
  const record = await findManagedPolicyByArn(db, arn);
  if (!record || record.accountId !== accountId) throw notFound(arn);
  return listPolicyTags(db, record.id);
}
