import { actorOf } from '../../identities/principal.ts';
import { putInlinePolicy } from '../../policies/inline-policy.service.ts';
import { defineAction } from '../action.ts';
import { IP, groupResource } from './iam-policy-shared.ts';

/** PutGroupPolicy(GroupName, PolicyName, PolicyDocument) → nothing. Creates the inline policy or replaces its document. */
export const PutGroupPolicy = defineAction({
  name: 'PutGroupPolicy',
  service: 'iam',
  permission: 'iam:PutGroupPolicy',
  params: { GroupName: IP.groupName(), PolicyName: IP.policyName(), PolicyDocument: IP.policyDocument() },
  resource: (ctx, p) => groupResource(ctx, p.GroupName),
  async run(ctx, p) {
    await putInlinePolicy(
      ctx.deps,
      ctx.caller.principal.accountId,
      'group',
      p.GroupName,
      p.PolicyName,
      p.PolicyDocument,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
