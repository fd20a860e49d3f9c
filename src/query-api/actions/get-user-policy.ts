import { getInlinePolicy } from '../../policies/inline-policy.service.ts';
import { defineAction } from '../action.ts';
import { IP, encodeDocument } from './iam-policy-shared.ts';
import { userResource } from './shared.ts';

/** GetUserPolicy(UserName, PolicyName) → UserName, PolicyName, PolicyDocument (URL-encoded, as AWS sends it). */
export const GetUserPolicy = defineAction({
  name: 'GetUserPolicy',
  service: 'iam',
  permission: 'iam:GetUserPolicy',
  params: { UserName: IP.userName(), PolicyName: IP.policyName() },
  resource: (ctx, p) => userResource(ctx, p.UserName),
  async run(ctx, p) {
    const policy = await getInlinePolicy(ctx.deps, ctx.caller.principal.accountId, 'user', p.UserName, p.PolicyName);
    return {
      UserName: policy.ownerName,
      PolicyName: policy.policyName,
      PolicyDocument: encodeDocument(policy.document),
    };
  },
});
