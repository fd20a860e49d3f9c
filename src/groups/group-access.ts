import { type AccessInput, type Need, formText, permission, queryText } from '../authz/console-access.ts';
import { groupInUrl, newGroupInForm, wholeAccount } from '../authz/console-resources.ts';

/** The managed policy a request names: the form's `policyArn`, or the query's on a confirmation page. */
function policyArnOf(input: AccessInput): string {
  return formText(input, 'policyArn') || queryText(input, 'policyArn');
}

/** The group in the URL, as each group Action names it; `iam:PolicyARN` too where the Action adds it. */
function onGroup(action: string, options: { policyArn?: boolean } = {}): Need {
  return {
    action,
    resource: groupInUrl(),
    ...(options.policyArn
      ? {
          conditionKeys: (input: AccessInput): Record<string, string> => {
            const arn = policyArnOf(input);
            return arn ? { 'iam:PolicyARN': arn } : {};
          },
        }
      : {}),
  };
}

/**
 * The Groups pages' permissions: the Query API's for the same reads and changes, on the
 * same resources (the group's ARN with its path; `*` for the list), with the same
 * condition keys.
 */
export const GROUPS_ACCESS = {
  list: permission({ action: 'iam:ListGroups', resource: wholeAccount }),
  create: permission({ action: 'iam:CreateGroup', resource: newGroupInForm() }),
  view: permission(onGroup('iam:GetGroup')),
  update: permission(onGroup('iam:UpdateGroup')),
  delete: permission(onGroup('iam:DeleteGroup')),
  addUser: permission(onGroup('iam:AddUserToGroup')),
  removeUser: permission(onGroup('iam:RemoveUserFromGroup')),
  /** The users a member could be chosen from. */
  listUsers: permission({ action: 'iam:ListUsers', resource: wholeAccount }),
  listAttached: permission(onGroup('iam:ListAttachedGroupPolicies')),
  attach: permission(onGroup('iam:AttachGroupPolicy', { policyArn: true })),
  detach: permission(onGroup('iam:DetachGroupPolicy', { policyArn: true })),
  /** The page listing the policies a group could be given: the group, what it has, and the account's policies. */
  attachable: permission([
    onGroup('iam:GetGroup'),
    onGroup('iam:ListAttachedGroupPolicies'),
    { action: 'iam:ListPolicies', resource: wholeAccount },
  ]),
  listInline: permission(onGroup('iam:ListGroupPolicies')),
  getInline: permission(onGroup('iam:GetGroupPolicy')),
  putInline: permission(onGroup('iam:PutGroupPolicy')),
  deleteInline: permission(onGroup('iam:DeleteGroupPolicy')),
};
