import { getInlinePolicy } from '../../policies/inline-policy.service.ts';
import { defineAction } from '../action.ts';
import { IP, groupResource, encodeDocument } from './iam-policy-shared.ts';

/** GetGroupPolicy(GroupName, PolicyName) → GroupName, PolicyName, PolicyDocument (URL-encoded, as AWS sends it). */
export const GetGroupPolicy = defineAction({
  name: 'GetGroupPolicy',
  service: 'iam',
  permission: 'iam:GetGroupPolicy',
  params: { GroupName: IP.groupName(), PolicyName: IP.policyName() },
  resource: (ctx, p) => groupResource(ctx, p.GroupName),
  async run(ctx, p) {
    const policy = await getInlinePolicy(ctx.deps, ctx.caller.principal.accountId, 'group', p.GroupName, p.PolicyName);
    return {
      GroupName: policy.ownerName,
      PolicyName: policy.policyName,
      PolicyDocument: encodeDocument(policy.document),
    };
  },
});
