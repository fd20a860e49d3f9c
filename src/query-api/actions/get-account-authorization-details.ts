import { type DetailFilter, getAccountAuthorizationDetails } from '../../policies/authorization-details.service.ts';
import { defineAction } from '../action.ts';
import { P, list, str } from '../params.ts';
import { awsTime } from '../xml.ts';
import { encodeDocument, policyXml, versionXml } from './iam-policy-shared.ts';

const FILTERS = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'];

/**
 * GetAccountAuthorizationDetails(Filter?, Marker?, MaxItems?) → UserDetailList,
 * GroupDetailList, RoleDetailList (always empty: no roles here) and Policies, with
 * documents URL-encoded. Returned whole, never truncated.
 */
export const GetAccountAuthorizationDetails = defineAction({
  name: 'GetAccountAuthorizationDetails',
  service: 'iam',
  permission: 'iam:GetAccountAuthorizationDetails',
  params: {
    Filter: list(str({ pattern: new RegExp(`^(?:${FILTERS.join('|')})$`), patternText: FILTERS.join('|') })),
    Marker: P.marker(),
    MaxItems: P.maxItems(),
  },
  resource: () => '*',
  async run(ctx, p) {
    const filter = (p.Filter ?? []).filter((f): f is DetailFilter => f !== 'Role');
    if (p.Filter && p.Filter.length > 0 && filter.length === 0) {
      return { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [], IsTruncated: false };
    }
    const details = await getAccountAuthorizationDetails(ctx.deps, ctx.caller.principal.accountId, filter);
    return {
      UserDetailList: details.users.map((u) => ({
        Path: u.path,
        UserName: u.userName,
        UserId: u.userId,
        Arn: u.arn,
        CreateDate: awsTime(u.createDate),
        UserPolicyList: u.inlinePolicies.map((i) => ({
          PolicyName: i.policyName,
          PolicyDocument: encodeDocument(i.document),
        })),
        GroupList: u.groups,
        AttachedManagedPolicies: u.attachedPolicies.map((a) => ({ PolicyName: a.policyName, PolicyArn: a.policyArn })),
        PermissionsBoundary: u.permissionsBoundary
          ? { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: u.permissionsBoundary }
          : undefined,
        Tags: u.tags.map((t) => ({ Key: t.key, Value: t.value })),
      })),
      GroupDetailList: details.groups.map((g) => ({
        Path: g.path,
        GroupName: g.groupName,
        GroupId: g.groupId,
        Arn: g.arn,
        CreateDate: awsTime(g.createDate),
        GroupPolicyList: g.inlinePolicies.map((i) => ({
          PolicyName: i.policyName,
          PolicyDocument: encodeDocument(i.document),
        })),
        AttachedManagedPolicies: g.attachedPolicies.map((a) => ({ PolicyName: a.policyName, PolicyArn: a.policyArn })),
      })),
      RoleDetailList: [],
      Policies: details.policies.map((policy) => ({
        ...policyXml(policy, { description: true }),
        PolicyVersionList: policy.versions.map((v) => versionXml(v)),
      })),
      IsTruncated: false,
    };
  },
});
