import { listGroupsOfUser, listGroups } from '../identities/group.repository.ts';
import { groupArn } from '../identities/group-lookup.ts';
import type { Deps } from '../deps.ts';
import { listUserTags } from '../user-tags/user-tag.repository.ts';
import { listUsers } from '../identities/user.repository.ts';
import { userArn } from '../identities/principal.ts';
import { listAttachmentsOf } from './attachment.repository.ts';
import { AWS_MANAGED_POLICIES } from './aws-managed.ts';
import { listInlinePolicies } from './inline-policy.repository.ts';
import { type ManagedPolicy, type PolicyVersion, listPolicies, listPolicyVersions } from './managed-policy.service.ts';

/**
 * Everything that decides who may do what in an account, in one answer: each user with
 * its inline policies, groups and attached policies; each group likewise; and the managed
 * policies in use with all their versions. For audits and for copying an account's setup.
 */
export type DetailFilter = 'User' | 'Group' | 'LocalManagedPolicy' | 'AWSManagedPolicy';

export interface AuthorizationDetails {
  users: Array<{
    path: string;
    userName: string;
    userId: string;
    arn: string;
    createDate: string;
    inlinePolicies: Array<{ policyName: string; document: string }>;
    groups: string[];
    attachedPolicies: Array<{ policyName: string; policyArn: string }>;
    permissionsBoundary: string | null;
    tags: Array<{ key: string; value: string }>;
  }>;
  groups: Array<{
    path: string;
    groupName: string;
    groupId: string;
    arn: string;
    createDate: string;
    inlinePolicies: Array<{ policyName: string; document: string }>;
    attachedPolicies: Array<{ policyName: string; policyArn: string }>;
  }>;
  policies: Array<ManagedPolicy & { versions: PolicyVersion[] }>;
}

const attachedOf = (arns: string[]) =>
  arns.map((arn) => ({ policyName: arn.slice(arn.lastIndexOf('/') + 1), policyArn: arn }));

export async function getAccountAuthorizationDetails(
  deps: Deps,
  accountId: string,
  filter: readonly DetailFilter[] = [],
): Promise<AuthorizationDetails> {
  const wants = (f: DetailFilter) => filter.length === 0 || filter.includes(f);
  const details: AuthorizationDetails = { users: [], groups: [], policies: [] };
  if (wants('User')) {
    for (const user of await listUsers(deps.db, accountId)) {
      details.users.push({
        path: user.path,
        userName: user.name,
        userId: user.id,
        arn: userArn(accountId, user.path, user.name),
        createDate: user.createdAt,
        inlinePolicies: (await listInlinePolicies(deps.db, 'user', [user.id])).map((p) => ({
          policyName: p.name,
          document: p.document,
        })),
        groups: (await listGroupsOfUser(deps.db, user.id)).map((g) => g.name),
        attachedPolicies: attachedOf((await listAttachmentsOf(deps.db, 'user', [user.id])).map((a) => a.policyArn)),
        permissionsBoundary: user.permissionsBoundary,
        tags: await listUserTags(deps.db, user.id),
      });
    }
  }
  if (wants('Group')) {
    for (const group of await listGroups(deps.db, accountId)) {
      details.groups.push({
        path: group.path,
        groupName: group.name,
        groupId: group.id,
        arn: groupArn(accountId, group.path, group.name),
        createDate: group.createdAt,
        inlinePolicies: (await listInlinePolicies(deps.db, 'group', [group.id])).map((p) => ({
          policyName: p.name,
          document: p.document,
        })),
        attachedPolicies: attachedOf((await listAttachmentsOf(deps.db, 'group', [group.id])).map((a) => a.policyArn)),
      });
    }
  }
  const awsArns = new Set(AWS_MANAGED_POLICIES.map((p) => p.arn));
  for (const policy of await listPolicies(deps, accountId)) {
    const aws = awsArns.has(policy.arn);
    // AWS managed policies are listed when something in the account holds them.
    if (aws ? !wants('AWSManagedPolicy') || policy.attachmentCount === 0 : !wants('LocalManagedPolicy')) continue;
    details.policies.push({ ...policy, versions: await listPolicyVersions(deps, accountId, policy.arn) });
  }
  return details;
}
