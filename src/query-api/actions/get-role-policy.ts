import { getInlinePolicy } from '../../policies/inline-policy.service.ts';
import { defineAction } from '../action.ts';
import { IP, encodeDocument } from './iam-policy-shared.ts';
import { RP, roleResource } from './role-shared.ts';

/** GetRolePolicy(RoleName, PolicyName) → RoleName, PolicyName, PolicyDocument (URL-encoded, as AWS sends it). */
export const GetRolePolicy = defineAction({
  name: 'GetRolePolicy',
  service: 'iam',
  permission: 'iam:GetRolePolicy',
  params: { RoleName: RP.roleName(), PolicyName: IP.policyName() },
  resource: (ctx, p) => roleResource(ctx, p.RoleName),
  async run(ctx, p) {
    const policy = await getInlinePolicy(ctx.deps, ctx.caller.principal.accountId, 'role', p.RoleName, p.PolicyName);
    return {
      RoleName: policy.ownerName,
      PolicyName: policy.policyName,
      PolicyDocument: encodeDocument(policy.document),
    };
  },
});
