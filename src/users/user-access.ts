import { type AccessInput, type Need, formText, permission, queryText } from '../authz/console-access.ts';
import { groupChosen, newUserInForm, userInUrl, wholeAccount } from '../authz/console-resources.ts';

/** How a new user may sign in to the console: not at all, with a typed password, or with one Gatehouse makes. */
export type ConsoleAccess = 'none' | 'custom' | 'generated';

/** The create form's choice; a form without one (older pages, scripts) gives a password or none. */
export function consoleAccessOf(input: AccessInput): ConsoleAccess {
  const chosen = formText(input, 'consoleAccess');
  if (chosen === 'none' || chosen === 'custom' || chosen === 'generated') return chosen;
  return formText(input, 'password') === '' ? 'none' : 'custom';
}

/** The managed policy a request names: the form's `field`, or the query's on a confirmation page. */
function policyArnOf(input: AccessInput, field: string): string {
  return formText(input, field) || queryText(input, field);
}

/** The user in the URL, as each user Action names it; with a condition key the Action adds, when given. */
function onUser(action: string, conditionKey?: { key: string; field: string }): Need {
  return {
    action,
    resource: userInUrl(),
    ...(conditionKey
      ? {
          conditionKeys: (input: AccessInput): Record<string, string> => {
            const arn = policyArnOf(input, conditionKey.field);
            return arn ? { [conditionKey.key]: arn } : {};
          },
        }
      : {}),
  };
}

/** A console password for a new user, or for a user without one: what CreateLoginProfile allows. */
const NEW_LOGIN_PROFILE = { action: 'iam:CreateLoginProfile', resource: newUserInForm() };

/**
 * The Users pages' permissions: the Query API's for the same reads and changes, on the same
 * resources (the user's ARN with its path; the group's for membership; `*` for the lists),
 * with the same condition keys (`iam:PolicyARN`, `iam:PermissionsBoundary`).
 */
export const USERS_ACCESS = {
  list: permission({ action: 'iam:ListUsers', resource: wholeAccount }),
  view: permission(onUser('iam:GetUser')),
  /** CreateUser, and CreateLoginProfile as well when the form gives the user console access. */
  create: permission([
    { action: 'iam:CreateUser', resource: newUserInForm() },
    { ...NEW_LOGIN_PROFILE, when: (input: AccessInput) => consoleAccessOf(input) !== 'none' },
  ]),
  createWithPassword: permission(NEW_LOGIN_PROFILE),
  createLoginProfile: permission(onUser('iam:CreateLoginProfile')),
  /**
   * The sign-in details of a console password just created (shown once, from the browser's
   * one-time handoff, never read back from the server): what creating that password took.
   */
  signInDetails: permission(onUser('iam:CreateLoginProfile')),
  updateLoginProfile: permission(onUser('iam:UpdateLoginProfile')),
  delete: permission(onUser('iam:DeleteUser')),

  listAttached: permission(onUser('iam:ListAttachedUserPolicies')),
  /** The page listing the policies a user could be given: the user, what it has, and the account's policies. */
  attachable: permission([
    onUser('iam:GetUser'),
    onUser('iam:ListAttachedUserPolicies'),
    { action: 'iam:ListPolicies', resource: wholeAccount },
  ]),
  attach: permission(onUser('iam:AttachUserPolicy', { key: 'iam:PolicyARN', field: 'policyArn' })),
  detach: permission(onUser('iam:DetachUserPolicy', { key: 'iam:PolicyARN', field: 'policyArn' })),
  listInline: permission(onUser('iam:ListUserPolicies')),
  getInline: permission(onUser('iam:GetUserPolicy')),
  putInline: permission(onUser('iam:PutUserPolicy')),
  deleteInline: permission(onUser('iam:DeleteUserPolicy')),
  /** The page listing the managed policies that could bound the user. */
  boundaryChoices: permission([onUser('iam:GetUser'), { action: 'iam:ListPolicies', resource: wholeAccount }]),
  putBoundary: permission(
    onUser('iam:PutUserPermissionsBoundary', { key: 'iam:PermissionsBoundary', field: 'permissionsBoundary' }),
  ),
  deleteBoundary: permission(onUser('iam:DeleteUserPermissionsBoundary')),
  /** What the user's policies add up to, as the policy simulator works it out. */
  effective: permission(onUser('iam:SimulatePrincipalPolicy')),

  listGroups: permission(onUser('iam:ListGroupsForUser')),
  /** The account's groups, to choose one from. */
  listAllGroups: permission({ action: 'iam:ListGroups', resource: wholeAccount }),
  addToGroup: permission({ action: 'iam:AddUserToGroup', resource: groupChosen() }),
  removeFromGroup: permission({ action: 'iam:RemoveUserFromGroup', resource: groupChosen() }),

  listTags: permission(onUser('iam:ListUserTags')),
  tag: permission(onUser('iam:TagUser')),
  untag: permission(onUser('iam:UntagUser')),
};
