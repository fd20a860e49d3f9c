import { listAttachedPolicies } from '../../policies/attachment.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { IP } from './iam-policy-shared.ts';
import { pageOf, userResource } from './shared.ts';

/** ListAttachedUserPolicies(UserName, PathPrefix?, Marker?, MaxItems?) → AttachedPolicies (PolicyName, PolicyArn). */
export const ListAttachedUserPolicies = defineAction({
  name: 'ListAttachedUserPolicies',
  service: 'iam',
  permission: 'iam:ListAttachedUserPolicies',
  params: { UserName: IP.userName(), PathPrefix: P.pathPrefix(), Marker: P.marker(), MaxItems: P.maxItems() },
  resource: (ctx, p) => userResource(ctx, p.UserName),
  async run(ctx, p) {
    const attached = await listAttachedPolicies(ctx.deps, ctx.caller.principal.accountId, 'user', p.UserName, {
      pathPrefix: p.PathPrefix ?? '/',
    });
    attached.sort((a, b) => (a.policyArn < b.policyArn ? -1 : a.policyArn > b.policyArn ? 1 : 0));
    const { page, ...more } = pageOf('user-attached', attached, (a) => a.policyArn, p.Marker, p.MaxItems);
    return { AttachedPolicies: page.map((a) => ({ PolicyName: a.policyName, PolicyArn: a.policyArn })), ...more };
  },
});
