import { listInlinePolicyNames } from '../../policies/inline-policy.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { IP, groupResource } from './iam-policy-shared.ts';
import { pageOf } from './shared.ts';

/** ListGroupPolicies(GroupName, Marker?, MaxItems?) → PolicyNames of the group's inline policies. */
export const ListGroupPolicies = defineAction({
  name: 'ListGroupPolicies',
  service: 'iam',
  permission: 'iam:ListGroupPolicies',
  params: { GroupName: IP.groupName(), Marker: P.marker(), MaxItems: P.maxItems() },
  resource: (ctx, p) => groupResource(ctx, p.GroupName),
  async run(ctx, p) {
    const names = await listInlinePolicyNames(ctx.deps, ctx.caller.principal.accountId, 'group', p.GroupName);
    const { page, ...more } = pageOf('group-policies', names, (n) => n, p.Marker, p.MaxItems);
    return { PolicyNames: page, ...more };
  },
});
