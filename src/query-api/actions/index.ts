import type { ActionDefinition, UnsignedActionDefinition } from '../action.ts';
import type { ParamSpecs } from '../params.ts';
import { ChangePassword } from './change-password.ts';
import { CreateAccessKey } from './create-access-key.ts';
import { CreateAccountAlias } from './create-account-alias.ts';
import { CreateLoginProfile } from './create-login-profile.ts';
import { CreateUser } from './create-user.ts';
import { DeleteAccessKey } from './delete-access-key.ts';
import { DeleteAccountAlias } from './delete-account-alias.ts';
import { DeleteAccountPasswordPolicy } from './delete-account-password-policy.ts';
import { DeleteLoginProfile } from './delete-login-profile.ts';
import { DeleteUser } from './delete-user.ts';
import { GetAccessKeyInfo } from './get-access-key-info.ts';
import { GetAccessKeyLastUsed } from './get-access-key-last-used.ts';
import { GetAccountPasswordPolicy } from './get-account-password-policy.ts';
import { GetCallerIdentity } from './get-caller-identity.ts';
import { GetLoginProfile } from './get-login-profile.ts';
import { GetSessionToken } from './get-session-token.ts';
import { GetUser } from './get-user.ts';
import { ListAccessKeys } from './list-access-keys.ts';
import { ListAccountAliases } from './list-account-aliases.ts';
import { ListUserTags } from './list-user-tags.ts';
import { ListUsers } from './list-users.ts';
import { GenerateCredentialReport } from './generate-credential-report.ts';
import { GetCredentialReport } from './get-credential-report.ts';
import { GetAccountSummary } from './get-account-summary.ts';
import { TagUser } from './tag-user.ts';
import { UntagUser } from './untag-user.ts';
import { UpdateAccessKey } from './update-access-key.ts';
import { UpdateAccountPasswordPolicy } from './update-account-password-policy.ts';
import { UpdateLoginProfile } from './update-login-profile.ts';
import { UpdateUser } from './update-user.ts';
import { CreateVirtualMFADevice } from './create-virtual-mfa-device.ts';
import { DeactivateMFADevice } from './deactivate-mfa-device.ts';
import { DeleteVirtualMFADevice } from './delete-virtual-mfa-device.ts';
import { EnableMFADevice } from './enable-mfa-device.ts';
import { GetMFADevice } from './get-mfa-device.ts';
import { ListMFADevices } from './list-mfa-devices.ts';
import { ListVirtualMFADevices } from './list-virtual-mfa-devices.ts';
import { ResyncMFADevice } from './resync-mfa-device.ts';
import { AddUserToGroup } from './add-user-to-group.ts';
import { AssumeRole } from './assume-role.ts';
import { AttachGroupPolicy } from './attach-group-policy.ts';
import { AttachUserPolicy } from './attach-user-policy.ts';
import { PutUserPermissionsBoundary } from './put-user-permissions-boundary.ts';
import { DeleteUserPermissionsBoundary } from './delete-user-permissions-boundary.ts';
import { CreateGroup } from './create-group.ts';
import { CreatePolicy } from './create-policy.ts';
import { CreatePolicyVersion } from './create-policy-version.ts';
import { DeleteGroup } from './delete-group.ts';
import { DeleteGroupPolicy } from './delete-group-policy.ts';
import { DeletePolicy } from './delete-policy.ts';
import { DeletePolicyVersion } from './delete-policy-version.ts';
import { DeleteUserPolicy } from './delete-user-policy.ts';
import { DetachGroupPolicy } from './detach-group-policy.ts';
import { DetachUserPolicy } from './detach-user-policy.ts';
import { GetAccountAuthorizationDetails } from './get-account-authorization-details.ts';
import { GetGroup } from './get-group.ts';
import { GetGroupPolicy } from './get-group-policy.ts';
import { GetPolicy } from './get-policy.ts';
import { GetPolicyVersion } from './get-policy-version.ts';
import { GetUserPolicy } from './get-user-policy.ts';
import { ListAttachedGroupPolicies } from './list-attached-group-policies.ts';
import { ListAttachedUserPolicies } from './list-attached-user-policies.ts';
import { ListEntitiesForPolicy } from './list-entities-for-policy.ts';
import { ListGroupPolicies } from './list-group-policies.ts';
import { ListGroups } from './list-groups.ts';
import { ListGroupsForUser } from './list-groups-for-user.ts';
import { ListPolicies } from './list-policies.ts';
import { ListPolicyVersions } from './list-policy-versions.ts';
import { ListUserPolicies } from './list-user-policies.ts';
import { PutGroupPolicy } from './put-group-policy.ts';
import { PutUserPolicy } from './put-user-policy.ts';
import { RemoveUserFromGroup } from './remove-user-from-group.ts';
import { SetDefaultPolicyVersion } from './set-default-policy-version.ts';
import { ListPolicyTags } from './list-policy-tags.ts';
import { TagPolicy } from './tag-policy.ts';
import { UntagPolicy } from './untag-policy.ts';
import { SimulateCustomPolicy } from './simulate-custom-policy.ts';
import { SimulatePrincipalPolicy } from './simulate-principal-policy.ts';
import { UpdateGroup } from './update-group.ts';
import { CreateRole } from './create-role.ts';
import { GetRole } from './get-role.ts';
import { ListRoles } from './list-roles.ts';
import { UpdateRole } from './update-role.ts';
import { UpdateRoleDescription } from './update-role-description.ts';
import { UpdateAssumeRolePolicy } from './update-assume-role-policy.ts';
import { DeleteRole } from './delete-role.ts';
import { PutRolePolicy } from './put-role-policy.ts';
import { GetRolePolicy } from './get-role-policy.ts';
import { ListRolePolicies } from './list-role-policies.ts';
import { DeleteRolePolicy } from './delete-role-policy.ts';
import { AttachRolePolicy } from './attach-role-policy.ts';
import { DetachRolePolicy } from './detach-role-policy.ts';
import { ListAttachedRolePolicies } from './list-attached-role-policies.ts';
import { PutRolePermissionsBoundary } from './put-role-permissions-boundary.ts';
import { DeleteRolePermissionsBoundary } from './delete-role-permissions-boundary.ts';
import { TagRole } from './tag-role.ts';
import { UntagRole } from './untag-role.ts';
import { ListRoleTags } from './list-role-tags.ts';
import { CreateOpenIDConnectProvider } from './create-open-id-connect-provider.ts';
import { GetOpenIDConnectProvider } from './get-open-id-connect-provider.ts';
import { ListOpenIDConnectProviders } from './list-open-id-connect-providers.ts';
import { UpdateOpenIDConnectProviderThumbprint } from './update-open-id-connect-provider-thumbprint.ts';
import { AddClientIDToOpenIDConnectProvider } from './add-client-id-to-open-id-connect-provider.ts';
import { RemoveClientIDFromOpenIDConnectProvider } from './remove-client-id-from-open-id-connect-provider.ts';
import { DeleteOpenIDConnectProvider } from './delete-open-id-connect-provider.ts';
import { AssumeRoleWithWebIdentity } from './assume-role-with-web-identity.ts';

// Each definition keeps its own parameter types; the table only needs the common shape.
type AnyAction =
  | (ActionDefinition<any> & ActionDefinition<ParamSpecs>)
  | (UnsignedActionDefinition<any> & UnsignedActionDefinition<ParamSpecs>);

/** Every Query API Action, by name: the one table the pipeline dispatches on (a Map, so `toString` names nothing). */
export const ACTIONS: ReadonlyMap<string, AnyAction> = new Map(
  [
    // IAM users
    CreateUser,
    GetUser,
    ListUsers,
    UpdateUser,
    DeleteUser,
    TagUser,
    UntagUser,
    ListUserTags,
    // IAM console passwords
    CreateLoginProfile,
    GetLoginProfile,
    UpdateLoginProfile,
    DeleteLoginProfile,
    ChangePassword,
    // IAM access keys
    CreateAccessKey,
    ListAccessKeys,
    UpdateAccessKey,
    DeleteAccessKey,
    GetAccessKeyLastUsed,
    // IAM account
    CreateAccountAlias,
    ListAccountAliases,
    DeleteAccountAlias,
    UpdateAccountPasswordPolicy,
    GetAccountPasswordPolicy,
    DeleteAccountPasswordPolicy,
    // IAM MFA devices
    CreateVirtualMFADevice,
    EnableMFADevice,
    DeactivateMFADevice,
    ResyncMFADevice,
    DeleteVirtualMFADevice,
    ListMFADevices,
    ListVirtualMFADevices,
    GetMFADevice,
    // IAM groups
    CreateGroup,
    GetGroup,
    ListGroups,
    UpdateGroup,
    DeleteGroup,
    AddUserToGroup,
    RemoveUserFromGroup,
    ListGroupsForUser,
    // IAM roles
    CreateRole,
    GetRole,
    ListRoles,
    UpdateRole,
    UpdateRoleDescription,
    UpdateAssumeRolePolicy,
    DeleteRole,
    PutRolePolicy,
    GetRolePolicy,
    ListRolePolicies,
    DeleteRolePolicy,
    AttachRolePolicy,
    DetachRolePolicy,
    ListAttachedRolePolicies,
    PutRolePermissionsBoundary,
    DeleteRolePermissionsBoundary,
    TagRole,
    UntagRole,
    ListRoleTags,
    // IAM OpenID Connect identity providers
    CreateOpenIDConnectProvider,
    GetOpenIDConnectProvider,
    ListOpenIDConnectProviders,
    UpdateOpenIDConnectProviderThumbprint,
    AddClientIDToOpenIDConnectProvider,
    RemoveClientIDFromOpenIDConnectProvider,
    DeleteOpenIDConnectProvider,
    // IAM inline policies
    PutUserPolicy,
    GetUserPolicy,
    DeleteUserPolicy,
    ListUserPolicies,
    PutGroupPolicy,
    GetGroupPolicy,
    DeleteGroupPolicy,
    ListGroupPolicies,
    // IAM managed policies and attachments
    CreatePolicy,
    GetPolicy,
    ListPolicies,
    DeletePolicy,
    CreatePolicyVersion,
    GetPolicyVersion,
    ListPolicyVersions,
    SetDefaultPolicyVersion,
    DeletePolicyVersion,
    TagPolicy,
    UntagPolicy,
    ListPolicyTags,
    AttachUserPolicy,
    DetachUserPolicy,
    PutUserPermissionsBoundary,
    DeleteUserPermissionsBoundary,
    AttachGroupPolicy,
    DetachGroupPolicy,
    ListAttachedUserPolicies,
    ListAttachedGroupPolicies,
    ListEntitiesForPolicy,
    GetAccountAuthorizationDetails,
    // Credential report
    GenerateCredentialReport,
    GetCredentialReport,
    GetAccountSummary,
    // IAM policy simulator
    SimulatePrincipalPolicy,
    SimulateCustomPolicy,
    // STS
    GetCallerIdentity,
    GetSessionToken,
    GetAccessKeyInfo,
    AssumeRole,
    AssumeRoleWithWebIdentity,
  ].map((action): [string, AnyAction] => [action.name, action as AnyAction]),
);
