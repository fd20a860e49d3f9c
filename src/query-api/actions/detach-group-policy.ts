import { actorOf } from '../../identities/principal.ts';
import { detachPolicy } from '../../policies/attachment.service.ts';
import { defineAction } from '../action.ts';
import { IP, groupResource } from './iam-policy-shared.ts';

/** DetachGroupPolicy(GroupName, PolicyArn) → nothing; NoSuchEntity when it was not attached. */
export const DetachGroupPolicy = defineAction({
  name: 'DetachGroupPolicy',
  service: 'iam',
  permission: 'iam:DetachGroupPolicy',
  params: { GroupName: IP.groupName(), PolicyArn: IP.policyArn() },
  resource: (ctx, p) => groupResource(ctx, p.GroupName),
  conditionKeys: (p) => ({ 'iam:PolicyARN': p.PolicyArn }),
  async run(ctx, p) {
    await detachPolicy(
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
