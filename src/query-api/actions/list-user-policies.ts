import { listInlinePolicyNames } from '../../policies/inline-policy.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { IP } from './iam-policy-shared.ts';
import { pageOf, userResource } from './shared.ts';

/** ListUserPolicies(UserName, Marker?, MaxItems?) → PolicyNames of the user's inline policies. */
export const ListUserPolicies = defineAction({
  name: 'ListUserPolicies',
  service: 'iam',
  permission: 'iam:ListUserPolicies',
  params: { UserName: IP.userName(), Marker: P.marker(), MaxItems: P.maxItems() },
  resource: (ctx, p) => userResource(ctx, p.UserName),
  async run(ctx, p) {
    const names = await listInlinePolicyNames(ctx.deps, ctx.caller.principal.accountId, 'user', p.UserName);
    const { page, ...more } = pageOf('user-policies', names, (n) => n, p.Marker, p.MaxItems);
    return { PolicyNames: page, ...more };
  },
});
