import { type DetailFilter, getAccountAuthorizationDetails } from '../../policies/authorization-details.service.ts';
import { roleAuthorizationDetails } from '../../roles/role-view.ts';
import { defineAction } from '../action.ts';
import { P, list, str } from '../params.ts';
import { awsTime } from '../xml.ts';
import { encodeDocument, policyXml, versionXml } from './iam-policy-shared.ts';
import { roleDetailXml } from './role-shared.ts';

const FILTERS = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'];

/**
 * GetAccountAuthorizationDetails(Filter?, Marker?, MaxItems?) → UserDetailList,
 * GroupDetailList, RoleDetailList and Policies, with documents URL-encoded (trust policies
 * as GetRole shows them). Returned whole, never truncated.
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
    const filters = p.Filter ?? [];
    const others = filters.filter((f): f is DetailFilter => f !== 'Role');
    const { accountId } = ctx.caller.principal;
    const [details, roles] = await Promise.all([
      filters.length === 0 || others.length > 0
        ? getAccountAuthorizationDetails(ctx.deps, accountId, others)
        : { users: [], groups: [], policies: [] },
      filters.length === 0 || filters.includes('Role') ? roleAuthorizationDetails(ctx.deps, accountId) : [],
    ]);
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
      RoleDetailList: roles.map(roleDetailXml),
      Policies: details.policies.map((policy) => ({
        ...policyXml(policy, { description: true }),
        PolicyVersionList: policy.versions.map((v) => versionXml(v)),
      })),
      IsTruncated: false,
    };
  },
});
