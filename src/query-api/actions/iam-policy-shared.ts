import type { Group } from '../../groups/group.service.ts';
import { findGroupByName } from '../../identities/group.repository.ts';
import { customerPolicyArn, type ManagedPolicy, type PolicyVersion } from '../../policies/managed-policy.service.ts';
import { POLICY_PARAMETERS } from '../../policies/names.ts';
import type { ActionContext } from '../action.ts';
import { P, bool, oneOf, str } from '../params.ts';
import type { Tag } from '../../user-tags/user-tag.repository.ts';
import { type XmlObject, awsTime } from '../xml.ts';

/**
 * What the group, policy and attachment Actions share: their parameters with AWS's
 * constraints, the resource ARNs the authorizer judges, and the XML shapes of groups,
 * policies and versions. Policy documents travel URL-encoded, as AWS returns them.
 */
const NAME = { min: 1, max: 128, pattern: /^[\w+=,.@-]+$/, patternText: '[\\w+=,.@-]+' } as const;

export const IP = {
  userName: () => P.userName(true),
  groupName: () => str({ ...NAME, required: true }),
  newGroupName: () => str({ ...NAME }),
  policyName: () => str({ ...POLICY_PARAMETERS.policyName, required: true }),
  policyArn: () => str({ min: 20, max: 2048, required: true }),
  policyDocument: () => str({ ...POLICY_PARAMETERS.policyDocument, required: true }),
  versionId: () =>
    str({
      pattern: /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/,
      patternText: 'v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?',
      required: true,
    }),
  description: () => str({ ...POLICY_PARAMETERS.description }),
  setAsDefault: () => bool(),
  scope: () => oneOf(['All', 'AWS', 'Local']),
  onlyAttached: () => bool(),
  entityFilter: () => oneOf(['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy']),
};

/** The ARN of the named group in the caller's account (with its path when it exists). */
export async function groupResource(ctx: ActionContext, name: string): Promise<string> {
  const { accountId } = ctx.caller.principal;
  const group = await findGroupByName(ctx.deps.db, accountId, name);
  return `arn:aws:iam::${accountId}:group${group?.path ?? '/'}${group?.name ?? name}`;
}

/** The ARN a new customer managed policy will have. */
export function newPolicyResource(ctx: ActionContext, name: string, path: string | undefined): string {
  return customerPolicyArn(ctx.caller.principal.accountId, path ?? '/', name);
}

export function encodeDocument(document: string): string {
  return encodeURIComponent(document);
}

export function groupXml(group: Group): XmlObject {
  return {
    Path: group.path,
    GroupName: group.name,
    GroupId: group.id,
    Arn: group.arn,
    CreateDate: awsTime(group.createdAt),
  };
}

/** A policy's XML shape; `tags`, when given, is shown even when empty (GetPolicy does that). */
export function policyXml(policy: ManagedPolicy, options: { description?: boolean; tags?: Tag[] } = {}): XmlObject {
  return {
    PolicyName: policy.name,
    PolicyId: policy.policyId,
    Arn: policy.arn,
    Path: policy.path,
    DefaultVersionId: policy.defaultVersionId,
    AttachmentCount: policy.attachmentCount,
    PermissionsBoundaryUsageCount: policy.permissionsBoundaryUsageCount,
    IsAttachable: policy.isAttachable,
    Description: options.description && policy.description !== null ? policy.description : undefined,
    CreateDate: awsTime(policy.createDate),
    UpdateDate: awsTime(policy.updateDate),
    Tags: options.tags?.map((t) => ({ Key: t.key, Value: t.value })),
  };
}

export function versionXml(version: PolicyVersion, options: { document?: boolean } = { document: true }): XmlObject {
  return {
    Document: options.document ? encodeDocument(version.document) : undefined,
    VersionId: version.versionId,
    IsDefaultVersion: version.isDefaultVersion,
    CreateDate: awsTime(version.createDate),
  };
}
