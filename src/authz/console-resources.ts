import { groupArn } from '../identities/group-lookup.ts';
import { findGroupByName } from '../identities/group.repository.ts';
import { userArn } from '../identities/principal.ts';
import { customerPolicyArn } from '../policies/managed-policy.service.ts';
import { findUserByName } from '../identities/user.repository.ts';
import { type ResourceOf, formText, param } from './console-access.ts';

/**
 * Resources console routes act on, named as the Query API names them for the same change.
 * A user or group that does not exist is named as if it did (path `/`), as the API does: the
 * decision comes first, so a refused person never learns whether the user exists.
 */

/** The account as a whole (`*`): the password policy, the alias, the list of users. */
export const wholeAccount: ResourceOf = () => '*';

/** The signed-in principal itself (the root user's own ARN for the root user). */
export const signedInPrincipal: ResourceOf = (_input, who) => who.principal.arn;

/** The IAM user the URL names (`:name` unless told). */
export function userInUrl(name = 'name'): ResourceOf {
  return async (input, who, deps) => {
    const given = param(input, name);
    const user = await findUserByName(deps.db, who.principal.accountId, given);
    return userArn(who.principal.accountId, user?.path ?? '/', user?.name ?? given);
  };
}

/** The new IAM user a form names; before a name is typed, any user the console could create (`user/*`). */
export function newUserInForm(field = 'userName'): ResourceOf {
  return (input, who) => userArn(who.principal.accountId, '/', formText(input, field).trim() || '*');
}

/** The IAM group the URL names (`:name` unless told), with its path, as the group Actions name it. */
export function groupInUrl(name = 'name'): ResourceOf {
  return async (input, who, deps) => {
    const given = param(input, name);
    const group = await findGroupByName(deps.db, who.principal.accountId, given);
    return groupArn(who.principal.accountId, group?.path ?? '/', group?.name ?? given);
  };
}

/** The new IAM group a form names, in the path it gives (`/` when empty); before a name is typed, any group (`group/*`). */
export function newGroupInForm(field = 'groupName', pathField = 'path'): ResourceOf {
  return (input, who) =>
    groupArn(who.principal.accountId, formText(input, pathField) || '/', formText(input, field) || '*');
}

/**
 * The managed policy the URL names (`:arn`, URL-encoded), exactly as given: the Query API
 * judges the PolicyArn parameter as it is, before anyone looks it up.
 */
export function policyInUrl(name = 'arn'): ResourceOf {
  return (input) => param(input, name);
}

/**
 * The new customer managed policy a form names (`policyName`, `path`), as CreatePolicy
 * names it; before a name is typed, any policy the console could create (`policy/*`).
 */
export function newPolicyInForm(): ResourceOf {
  return (input, who) =>
    customerPolicyArn(who.principal.accountId, formText(input, 'path') || '/', formText(input, 'policyName') || '*');
}
