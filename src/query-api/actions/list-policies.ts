import { listPolicies } from '../../policies/managed-policy.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { IP, policyXml } from './iam-policy-shared.ts';
import { pageOf } from './shared.ts';

/** ListPolicies(Scope?, OnlyAttached?, PathPrefix?, Marker?, MaxItems?) → Policies in name order. */
export const ListPolicies = defineAction({
  name: 'ListPolicies',
  service: 'iam',
  permission: 'iam:ListPolicies',
  params: {
    Scope: IP.scope(),
    OnlyAttached: IP.onlyAttached(),
    PathPrefix: P.pathPrefix(),
    Marker: P.marker(),
    MaxItems: P.maxItems(),
  },
  resource: () => '*',
  async run(ctx, p) {
    const policies = await listPolicies(ctx.deps, ctx.caller.principal.accountId, {
      scope: (p.Scope ?? 'All') as 'All' | 'AWS' | 'Local',
      onlyAttached: p.OnlyAttached ?? false,
      pathPrefix: p.PathPrefix ?? '/',
    });
    const { page, ...more } = pageOf('policies', policies, (x) => `${x.name}\u0000${x.arn}`, p.Marker, p.MaxItems);
    return { Policies: page.map((x) => policyXml(x)), ...more };
  },
});
