import { listInlinePolicyNames } from '../../policies/inline-policy.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { RP, roleResource } from './role-shared.ts';
import { pageOf } from './shared.ts';

/** ListRolePolicies(RoleName, Marker?, MaxItems?) → PolicyNames of the role's inline policies. */
export const ListRolePolicies = defineAction({
  name: 'ListRolePolicies',
  service: 'iam',
  permission: 'iam:ListRolePolicies',
  params: { RoleName: RP.roleName(), Marker: P.marker(), MaxItems: P.maxItems() },
  resource: (ctx, p) => roleResource(ctx, p.RoleName),
  async run(ctx, p) {
    const names = await listInlinePolicyNames(ctx.deps, ctx.caller.principal.accountId, 'role', p.RoleName);
    const { page, ...more } = pageOf('role-policies', names, (n) => n, p.Marker, p.MaxItems);
    return { PolicyNames: page, ...more };
  },
});
