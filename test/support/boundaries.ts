import { CLI_ACTOR, SYSTEM_META } from '../../src/audit/audit.service.ts';
import { createPolicy } from '../../src/policies/managed-policy.service.ts';
import { putUserPermissionsBoundary } from '../../src/policies/permissions-boundary.service.ts';
import type { TestContext } from './harness.ts';

/** Creates a managed policy of these statements and sets it as the permissions boundary of IAM user `userName`. */
export async function setUserBoundary(
  t: TestContext,
  accountId: string,
  userName: string,
  policyName: string,
  statements: object[],
): Promise<void> {
  const boundary = await createPolicy(
    t.deps,
    accountId,
    { name: policyName, document: JSON.stringify({ Version: '2012-10-17', Statement: statements }) },
    CLI_ACTOR,
    SYSTEM_META,
  );
  await putUserPermissionsBoundary(t.deps, accountId, userName, boundary.arn, CLI_ACTOR, SYSTEM_META);
}
