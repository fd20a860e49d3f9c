import { findRoleByName, roleArn } from '../../identities/role.repository.ts';
import { MAX_SESSION_DURATION, ROLE_PARAMETERS } from '../../roles/role-parameters.ts';
import type { RoleDetail, RoleView } from '../../roles/role-view.ts';
import type { Tag } from '../../user-tags/user-tag.repository.ts';
import type { ActionContext } from '../action.ts';
import { int, str } from '../params.ts';
import { type XmlObject, awsTime } from '../xml.ts';
import { encodeDocument } from './iam-policy-shared.ts';

/**
 * What the role Actions share: their parameters with AWS's constraints, the resource ARN the
 * authorizer judges, and the XML shape of a role. The trust policy travels URL-encoded, as AWS
 * returns it.
 */
export const RP = {
  roleName: () => str({ ...ROLE_PARAMETERS.roleName, required: true }),
  description: () => str({ ...ROLE_PARAMETERS.description }),
  maxSessionDuration: () => int({ min: MAX_SESSION_DURATION.min, max: MAX_SESSION_DURATION.max }),
  trustPolicy: () => str({ ...ROLE_PARAMETERS.assumeRolePolicyDocument, required: true }),
  permissionsBoundary: () => str({ min: 20, max: 2048 }),
};

/** The ARN of the named role in the caller's account (with its path when it exists). */
export async function roleResource(ctx: ActionContext, name: string): Promise<string> {
  const { accountId } = ctx.caller.principal;
  const role = await findRoleByName(ctx.deps.db, accountId, name);
  return roleArn(accountId, role?.path ?? '/', role?.name ?? name);
}

function tagsXml(tags: readonly Tag[]): XmlObject {
  return tags.length > 0 ? { Tags: tags.map((t) => ({ Key: t.key, Value: t.value })) } : {};
}

function boundaryXml(role: RoleView): XmlObject {
  return role.permissionsBoundary
    ? {
        PermissionsBoundary: {
          PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
          PermissionsBoundaryArn: role.permissionsBoundary,
        },
      }
    : {};
}

/** What every Action that returns a role shows of it. */
function baseXml(role: RoleView): XmlObject {
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.id,
    Arn: role.arn,
    CreateDate: awsTime(role.createdAt),
    AssumeRolePolicyDocument: encodeDocument(role.shownTrustPolicy),
    Description: role.description ?? undefined,
  };
}

/** CreateRole's answer: the role, with the boundary and tags it was given (no session duration, no last use). */
export function createdRoleXml(role: RoleView, tags: readonly Tag[]): XmlObject {
  return { ...baseXml(role), ...boundaryXml(role), ...tagsXml(tags) };
}

/** ListRoles' entries: AWS leaves out PermissionsBoundary, RoleLastUsed and Tags there. */
export function listedRoleXml(role: RoleView): XmlObject {
  return { ...baseXml(role), MaxSessionDuration: role.maxSessionDuration };
}

/** GetRole's (and UpdateRoleDescription's) answer: everything, RoleLastUsed empty until the role is first used. */
export function fullRoleXml(role: RoleView, tags: readonly Tag[]): XmlObject {
  return {
    ...listedRoleXml(role),
    ...boundaryXml(role),
    ...tagsXml(tags),
    RoleLastUsed: lastUsedXml(role),
  };
}

/** `RoleLastUsed`: empty until the role is first assumed. */
function lastUsedXml(role: RoleView): XmlObject {
  return {
    LastUsedDate: role.lastUsedAt ? awsTime(role.lastUsedAt) : undefined,
    Region: role.lastUsedRegion ?? undefined,
  };
}

/** GetAccountAuthorizationDetails' RoleDetail: the role with its policies, boundary, tags and last use. */
export function roleDetailXml(role: RoleDetail): XmlObject {
  const { Description: _description, ...base } = baseXml(role);
  return {
    ...base,
    InstanceProfileList: [],
    RolePolicyList: role.inlinePolicies.map((i) => ({
      PolicyName: i.policyName,
      PolicyDocument: encodeDocument(i.document),
    })),
    AttachedManagedPolicies: role.attachedPolicies.map((a) => ({ PolicyName: a.policyName, PolicyArn: a.policyArn })),
    ...boundaryXml(role),
    Tags: role.tags.map((t) => ({ Key: t.key, Value: t.value })),
    RoleLastUsed: lastUsedXml(role),
  };
}
