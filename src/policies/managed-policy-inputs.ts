import type { Db } from '../db/database.ts';
import { awsManagedCacheKey, findAwsManagedPolicy } from './aws-managed.ts';
import type { PolicyCache } from '../policy-engine/compile.ts';
import type { PolicyInput } from '../policy-engine/evaluate.ts';
import { findDefaultDocuments } from './managed-policy.repository.ts';

/**
 * Managed policies by ARN, compiled (from the cache when their version has been seen): AWS
 * managed ones from the built-in set, customer managed ones of `accountId` at their default
 * version. ARNs that name neither are left out.
 */
export async function managedPolicyInputs(
  db: Db,
  cache: PolicyCache,
  accountId: string,
  arns: Iterable<string>,
): Promise<PolicyInput[]> {
  const inputs: PolicyInput[] = [];
  const customerArns: string[] = [];
  for (const arn of arns) {
    const aws = findAwsManagedPolicy(arn);
    if (aws)
      inputs.push({ id: aws.arn, type: 'aws-managed', policy: cache.get(awsManagedCacheKey(aws), aws.document) });
    else customerArns.push(arn);
  }
  for (const doc of await findDefaultDocuments(db, accountId, customerArns)) {
    inputs.push({
      id: doc.arn,
      type: 'customer-managed',
      policy: cache.get(`managed:${doc.policyId}:${doc.versionId}`, doc.document),
    });
  }
  return inputs;
}
