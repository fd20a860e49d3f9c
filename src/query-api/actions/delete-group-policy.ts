import { actorOf } from '../../identities/principal.ts';
import { deleteInlinePolicy } from '../../policies/inline-policy.service.ts';
import { defineAction } from '../action.ts';
import { IP, groupResource } from './iam-policy-shared.ts';

/** DeleteGroupPolicy(GroupName, PolicyName) → nothing. */
export const DeleteGroupPolicy = defineAction({
  name: 'DeleteGroupPolicy',
  service: 'iam',
  permission: 'iam:DeleteGroupPolicy',
  params: { GroupName: IP.groupName(), PolicyName: IP.policyName() },
  resource: (ctx, p) => groupResource(ctx, p.GroupName),
  async run(ctx, p) {
    await deleteInlinePolicy(
      ctx.deps,
      ctx.caller.principal.accountId,
      'group',
      p.GroupName,
      p.PolicyName,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
