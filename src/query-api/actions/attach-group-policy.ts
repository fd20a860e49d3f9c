import { actorOf } from '../../identities/principal.ts';
import { attachPolicy } from '../../policies/attachment.service.ts';
import { defineAction } from '../action.ts';
import { IP, groupResource } from './iam-policy-shared.ts';

/** AttachGroupPolicy(GroupName, PolicyArn) → nothing. An AWS managed policy or one of the account's own; at most 10 per group. */
export const AttachGroupPolicy = defineAction({
  name: 'AttachGroupPolicy',
  service: 'iam',
  permission: 'iam:AttachGroupPolicy',
  params: { GroupName: IP.groupName(), PolicyArn: IP.policyArn() },
  resource: (ctx, p) => groupResource(ctx, p.GroupName),
  conditionKeys: (p) => ({ 'iam:PolicyARN': p.PolicyArn }),
  async run(ctx, p) {
    await attachPolicy(
      ctx.deps,
      ctx.caller.principal.accountId,
      'group',
      p.GroupName,
      p.PolicyArn,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
