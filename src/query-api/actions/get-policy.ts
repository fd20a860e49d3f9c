import { getPolicy } from '../../policies/managed-policy.service.ts';
import { defineAction } from '../action.ts';
import { IP, policyXml } from './iam-policy-shared.ts';

/** GetPolicy(PolicyArn) → Policy (an AWS managed policy or one of the account's own), with its Tags, an empty list included. */
export const GetPolicy = defineAction({
  name: 'GetPolicy',
  service: 'iam',
  permission: 'iam:GetPolicy',
  params: { PolicyArn: IP.policyArn() },
  resource: (_ctx, p) => p.PolicyArn,
  async run(ctx, p) {
    const policy = await getPolicy(ctx.deps, ctx.caller.principal.accountId, p.PolicyArn);
    return { Policy: policyXml(policy, { description: true, tags: policy.tags }) };
  },
});
