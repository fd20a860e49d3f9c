import { listAttachedPolicies } from '../../policies/attachment.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { IP, groupResource } from './iam-policy-shared.ts';
import { pageOf } from './shared.ts';

/** ListAttachedGroupPolicies(GroupName, PathPrefix?, Marker?, MaxItems?) → AttachedPolicies (PolicyName, PolicyArn). */
export const ListAttachedGroupPolicies = defineAction({
  name: 'ListAttachedGroupPolicies',
  service: 'iam',
  permission: 'iam:ListAttachedGroupPolicies',
  params: { GroupName: IP.groupName(), PathPrefix: P.pathPrefix(), Marker: P.marker(), MaxItems: P.maxItems() },
  resource: (ctx, p) => groupResource(ctx, p.GroupName),
  async run(ctx, p) {
    const attached = await listAttachedPolicies(ctx.deps, ctx.caller.principal.accountId, 'group', p.GroupName, {
      pathPrefix: p.PathPrefix ?? '/',
    });
    attached.sort((a, b) => (a.policyArn < b.policyArn ? -1 : a.policyArn > b.policyArn ? 1 : 0));
    const { page, ...more } = pageOf('group-attached', attached, (a) => a.policyArn, p.Marker, p.MaxItems);
    return { AttachedPolicies: page.map((a) => ({ PolicyName: a.policyName, PolicyArn: a.policyArn })), ...more };
  },
});
