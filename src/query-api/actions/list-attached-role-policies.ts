import { listAttachedPolicies } from '../../policies/attachment.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { RP, roleResource } from './role-shared.ts';
import { pageOf } from './shared.ts';

/** ListAttachedRolePolicies(RoleName, PathPrefix?, Marker?, MaxItems?) → AttachedPolicies (PolicyName, PolicyArn). */
export const ListAttachedRolePolicies = defineAction({
  name: 'ListAttachedRolePolicies',
  service: 'iam',
  permission: 'iam:ListAttachedRolePolicies',
  params: { RoleName: RP.roleName(), PathPrefix: P.pathPrefix(), Marker: P.marker(), MaxItems: P.maxItems() },
  resource: (ctx, p) => roleResource(ctx, p.RoleName),
  async run(ctx, p) {
    const attached = await listAttachedPolicies(ctx.deps, ctx.caller.principal.accountId, 'role', p.RoleName, {
      pathPrefix: p.PathPrefix ?? '/',
    });
    attached.sort((a, b) => (a.policyArn < b.policyArn ? -1 : a.policyArn > b.policyArn ? 1 : 0));
    const { page, ...more } = pageOf('role-attached', attached, (a) => a.policyArn, p.Marker, p.MaxItems);
    return { AttachedPolicies: page.map((a) => ({ PolicyName: a.policyName, PolicyArn: a.policyArn })), ...more };
  },
});
