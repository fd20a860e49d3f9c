import { compileWildcard } from '../policy-engine/wildcard.ts';

/**
 * The actions of the services Gatehouse serves, IAM and STS, as the Service Authorization
 * Reference lists them: every API operation of the IAM (2010-05-08) and STS (2011-06-15)
 * service models, plus the permission-only actions (`iam:PassRole`; `sts:TagSession`,
 * `sts:SetSourceIdentity`, `sts:SetContext`, `sts:GetServiceBearerToken`). It turns a
 * wildcard such as `iam:List*` into the real actions (the simulator uses it). It is never
 * used to refuse an action: IAM accepts action names it does not know, and so does
 * Gatehouse. Other services' actions are not listed, so their wildcards cannot be expanded.
 */

const IAM_ACTIONS = [
  'AcceptDelegationRequest', 'AcquireRole', 'AddClientIDToOpenIDConnectProvider', 'AddRoleToInstanceProfile',
  'AddUserToGroup', 'AssociateDelegationRequest', 'AttachGroupPolicy', 'AttachRolePolicy', 'AttachUserPolicy',
  'ChangePassword', 'CreateAccessKey', 'CreateAccountAlias', 'CreateDelegationRequest', 'CreateGroup',
  'CreateInstanceProfile', 'CreateLoginProfile', 'CreateOpenIDConnectProvider', 'CreatePolicy', 'CreatePolicyVersion',
  'CreateRole', 'CreateSAMLProvider', 'CreateServiceLinkedRole', 'CreateServiceSpecificCredential', 'CreateUser',
  'CreateVirtualMFADevice', 'DeactivateMFADevice', 'DeleteAccessKey', 'DeleteAccountAlias',
  'DeleteAccountPasswordPolicy', 'DeleteGroup', 'DeleteGroupPolicy', 'DeleteInstanceProfile', 'DeleteLoginProfile',
  'DeleteOpenIDConnectProvider', 'DeletePolicy', 'DeletePolicyVersion', 'DeleteRole', 'DeleteRolePermissionsBoundary',
  'DeleteRolePolicy', 'DeleteSAMLProvider', 'DeleteSSHPublicKey', 'DeleteServerCertificate', 'DeleteServiceLinkedRole',
  'DeleteServiceSpecificCredential', 'DeleteSigningCertificate', 'DeleteUser', 'DeleteUserPermissionsBoundary',
  'DeleteUserPolicy', 'DeleteVirtualMFADevice', 'DetachGroupPolicy', 'DetachRolePolicy', 'DetachUserPolicy',
  'DisableOrganizationsRootCredentialsManagement', 'DisableOrganizationsRootSessions',
  'DisableOutboundWebIdentityFederation', 'EnableMFADevice', 'EnableOrganizationsRootCredentialsManagement',
  'EnableOrganizationsRootSessions', 'EnableOutboundWebIdentityFederation', 'GenerateCredentialReport',
  'GenerateOrganizationsAccessReport', 'GenerateServiceLastAccessedDetails', 'GetAccessKeyLastUsed',
  'GetAccountAuthorizationDetails', 'GetAccountPasswordPolicy', 'GetAccountProperties', 'GetAccountSummary',
  'GetContextKeysForCustomPolicy', 'GetContextKeysForPrincipalPolicy', 'GetCredentialReport', 'GetDelegationRequest',
  'GetGroup', 'GetGroupPolicy', 'GetHumanReadableSummary', 'GetInstanceProfile', 'GetLoginProfile', 'GetMFADevice',
  'GetOpenIDConnectProvider', 'GetOrganizationsAccessReport', 'GetOutboundWebIdentityFederationInfo', 'GetPolicy',
  'GetPolicyVersion', 'GetRole', 'GetRolePolicy', 'GetRoleTemplateVersion', 'GetSAMLProvider', 'GetSSHPublicKey',
  'GetServerCertificate', 'GetServiceLastAccessedDetails', 'GetServiceLastAccessedDetailsWithEntities',
  'GetServiceLinkedRoleDeletionStatus', 'GetUser', 'GetUserPolicy', 'ListAccessKeys', 'ListAccountAliases',
  'ListAttachedGroupPolicies', 'ListAttachedRolePolicies', 'ListAttachedUserPolicies', 'ListDelegationRequests',
  'ListEntitiesForPolicy', 'ListGroupPolicies', 'ListGroups', 'ListGroupsForUser', 'ListInstanceProfileTags',
  'ListInstanceProfiles', 'ListInstanceProfilesForRole', 'ListMFADeviceTags', 'ListMFADevices',
  'ListOpenIDConnectProviderTags', 'ListOpenIDConnectProviders', 'ListOrganizationsFeatures', 'ListPolicies',
  'ListPoliciesGrantingServiceAccess', 'ListPolicyTags', 'ListPolicyVersions', 'ListRolePolicies', 'ListRoleTags',
  'ListRoles', 'ListSAMLProviderTags', 'ListSAMLProviders', 'ListSSHPublicKeys', 'ListServerCertificateTags',
  'ListServerCertificates', 'ListServiceSpecificCredentials', 'ListSigningCertificates', 'ListUserPolicies',
  'ListUserTags', 'ListUsers', 'ListVirtualMFADevices', 'PassRole', 'PutAccountProperties', 'PutGroupPolicy',
  'PutRolePermissionsBoundary', 'PutRolePolicy', 'PutUserPermissionsBoundary', 'PutUserPolicy',
  'RejectDelegationRequest', 'RemoveClientIDFromOpenIDConnectProvider', 'RemoveRoleFromInstanceProfile',
  'RemoveUserFromGroup', 'ResetServiceSpecificCredential', 'ResyncMFADevice', 'SendDelegationToken',
  'SetDefaultPolicyVersion', 'SetSecurityTokenServicePreferences', 'SimulateCustomPolicy', 'SimulatePrincipalPolicy',
  'TagInstanceProfile', 'TagMFADevice', 'TagOpenIDConnectProvider', 'TagPolicy', 'TagRole', 'TagSAMLProvider',
  'TagServerCertificate', 'TagUser', 'UntagInstanceProfile', 'UntagMFADevice', 'UntagOpenIDConnectProvider',
  'UntagPolicy', 'UntagRole', 'UntagSAMLProvider', 'UntagServerCertificate', 'UntagUser', 'UpdateAccessKey',
  'UpdateAccountPasswordPolicy', 'UpdateAssumeRolePolicy', 'UpdateDelegationRequest', 'UpdateGroup',
  'UpdateLoginProfile', 'UpdateOpenIDConnectProviderThumbprint', 'UpdateRole', 'UpdateRoleDescription',
  'UpdateSAMLProvider', 'UpdateSSHPublicKey', 'UpdateServerCertificate', 'UpdateServiceSpecificCredential',
  'UpdateSigningCertificate', 'UpdateUser', 'UploadSSHPublicKey', 'UploadServerCertificate',
  'UploadSigningCertificate',
] as const;

const STS_ACTIONS = [
  'AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity', 'AssumeRoot', 'DecodeAuthorizationMessage',
  'GetAccessKeyInfo', 'GetCallerIdentity', 'GetDelegatedAccessToken', 'GetFederationToken', 'GetScopedCredentials',
  'GetServiceBearerToken', 'GetSessionToken', 'GetWebIdentityToken', 'SetContext', 'SetSourceIdentity', 'TagSession',
] as const;

/** Service prefix → its actions' names (without the prefix). */
export const ACTION_CATALOG: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ['iam', IAM_ACTIONS],
  ['sts', STS_ACTIONS],
]);

/**
 * The catalogued actions a pattern names (`iam:List*` → `iam:ListUsers`, …), in the
 * catalogue's order and spelling; null when the pattern's service is not catalogued.
 * Service prefixes and action names compare ignoring case, as in policies.
 */
export function expandActionPattern(pattern: string): string[] | null {
  const colon = pattern.indexOf(':');
  if (colon < 0) return null;
  const service = pattern.slice(0, colon).toLowerCase();
  const actions = ACTION_CATALOG.get(service);
  if (!actions) return null;
  const matcher = compileWildcard(pattern.slice(colon + 1).toLowerCase(), false);
  return actions.filter((name) => matcher.test(name.toLowerCase())).map((name) => `${service}:${name}`);
}
