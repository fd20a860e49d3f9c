import {
  type AccessInput,
  type Need,
  type ResourceOf,
  formText,
  param,
  permission,
  queryText,
} from '../authz/console-access.ts';
import { wholeAccount } from '../authz/console-resources.ts';
import { findRoleByName, roleArn } from '../identities/role.repository.ts';

/**
 * The Roles pages' permissions: the Query API's for the same reads and changes, on the same
 * resources (the role's ARN with its path; `*` for the list), with the same condition keys.
 * A role that does not exist is named as if it did (path `/`), as the API does: the decision
 * comes first, so a refused person never learns whether it exists.
 */

/** The role the URL names (`:name`), with its path. */
const roleInUrl: ResourceOf = async (input, who, deps) => {
  const given = param(input, 'name');
  const role = await findRoleByName(deps.db, who.principal.accountId, given);
  return roleArn(who.principal.accountId, role?.path ?? '/', role?.name ?? given);
};

/** The new role a form names (`roleName`, `path`), as CreateRole names it; before a name is typed, any role (`role/*`). */
const newRoleInForm: ResourceOf = (input, who) =>
  roleArn(who.principal.accountId, formText(input, 'path') || '/', formText(input, 'roleName').trim() || '*');

/** The managed policy a request names: the form's `policyArn`, or the query's on a confirmation page. */
function policyArnOf(input: AccessInput): string {
  return formText(input, 'policyArn') || queryText(input, 'policyArn');
}

/** `iam:PolicyARN`, as AttachRolePolicy and DetachRolePolicy add it, once a policy is named. */
function policyArnKey(input: AccessInput): Record<string, string> {
  const arn = policyArnOf(input);
  return arn ? { 'iam:PolicyARN': arn } : {};
}

function onRole(action: string, options: { policyArn?: boolean } = {}): Need {
  return { action, resource: roleInUrl, ...(options.policyArn ? { conditionKeys: policyArnKey } : {}) };
}

export const ROLES_ACCESS = {
  list: permission({ action: 'iam:ListRoles', resource: wholeAccount }),
  create: permission({ action: 'iam:CreateRole', resource: newRoleInForm }),
  /** The managed policies the create wizard offers to attach. */
  listPolicies: permission({ action: 'iam:ListPolicies', resource: wholeAccount }),
  /** Attaching a chosen policy to the role being created (its name in the form). */
  attachToNew: permission({
    action: 'iam:AttachRolePolicy',
    resource: newRoleInForm,
    conditionKeys: policyArnKey,
  }),
  view: permission(onRole('iam:GetRole')),
  /** The maximum session duration and the description: UpdateRole. */
  update: permission(onRole('iam:UpdateRole')),
  updateTrust: permission(onRole('iam:UpdateAssumeRolePolicy')),
  delete: permission(onRole('iam:DeleteRole')),
  /** "Revoke active sessions" writes the AWSRevokeOlderSessions inline policy, as the AWS console does: PutRolePolicy. */
  revokeSessions: permission(onRole('iam:PutRolePolicy')),
  listAttached: permission(onRole('iam:ListAttachedRolePolicies')),
  /** The page listing the policies a role could be given: the role, what it has, and the account's policies. */
  attachable: permission([
    onRole('iam:GetRole'),
    onRole('iam:ListAttachedRolePolicies'),
    { action: 'iam:ListPolicies', resource: wholeAccount },
  ]),
  attach: permission(onRole('iam:AttachRolePolicy', { policyArn: true })),
  detach: permission(onRole('iam:DetachRolePolicy', { policyArn: true })),
  listInline: permission(onRole('iam:ListRolePolicies')),
  getInline: permission(onRole('iam:GetRolePolicy')),
  putInline: permission(onRole('iam:PutRolePolicy')),
  deleteInline: permission(onRole('iam:DeleteRolePolicy')),
};
