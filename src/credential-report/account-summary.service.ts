import type { Deps } from '../deps.ts';
import { POLICY_SIZE_LIMITS } from '../policy-engine/document.ts';
import { ROLE_QUOTAS } from '../roles/role-parameters.ts';
import { accountCounts } from './account-summary.repository.ts';

/**
 * GetAccountSummary's SummaryMap: the account's entity counts beside AWS's default
 * quotas. Gatehouse has no instance profiles, server or signing certificates or
 * identity providers, so those count 0.
 */
export async function accountSummary(deps: Deps, accountId: string): Promise<Map<string, number>> {
  const c = await accountCounts(deps.db, accountId);
  return new Map<string, number>([
    ['Users', c.users],
    ['UsersQuota', 5000],
    ['Groups', c.groups],
    ['GroupsQuota', 300],
    ['ServerCertificates', 0],
    ['ServerCertificatesQuota', 20],
    ['UserPolicySizeQuota', 2048],
    ['GroupPolicySizeQuota', 5120],
    ['GroupsPerUserQuota', 10],
    ['SigningCertificatesPerUserQuota', 2],
    ['AccessKeysPerUserQuota', 2],
    ['MFADevices', c.mfaDevices],
    ['MFADevicesInUse', c.mfaInUse],
    ['AccountMFAEnabled', c.rootMfa > 0 ? 1 : 0],
    ['AccountAccessKeysPresent', c.rootKeys > 0 ? 1 : 0],
    ['AccountSigningCertificatesPresent', 0],
    ['AttachedPoliciesPerGroupQuota', 10],
    ['AttachedPoliciesPerRoleQuota', 10],
    ['AttachedPoliciesPerUserQuota', 10],
    ['Policies', c.policies],
    ['PoliciesQuota', 1500],
    ['PolicySizeQuota', 6144],
    ['PolicyVersionsInUse', c.policyVersionsInUse],
    ['PolicyVersionsInUseQuota', 10000],
    ['VersionsPerPolicyQuota', 5],
    ['Roles', c.roles],
    ['RolesQuota', ROLE_QUOTAS.rolesPerAccount],
    ['RolePolicySizeQuota', POLICY_SIZE_LIMITS.roleInline],
    ['AssumeRolePolicySizeQuota', ROLE_QUOTAS.trustPolicySize],
    ['InstanceProfiles', 0],
    ['InstanceProfilesQuota', 1000],
    ['Providers', 0],
    ['GlobalEndpointTokenVersion', 1],
  ]);
}
