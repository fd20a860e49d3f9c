import { actorOf } from '../../identities/principal.ts';
import { attachPolicy } from '../../policies/attachment.service.ts';
import { defineAction } from '../action.ts';
import { IP } from './iam-policy-shared.ts';
import { userResource } from './shared.ts';

/** AttachUserPolicy(UserName, PolicyArn) → nothing. An AWS managed policy or one of the account's own; at most 10 per user. */
export const AttachUserPolicy = defineAction({
  name: 'AttachUserPolicy',
  service: 'iam',
  permission: 'iam:AttachUserPolicy',
  params: { UserName: IP.userName(), PolicyArn: IP.policyArn() },
  resource: (ctx, p) => userResource(ctx, p.UserName),
  conditionKeys: (p) => ({ 'iam:PolicyARN': p.PolicyArn }),
  async run(ctx, p) {
    await attachPolicy(
      ctx.deps,
      ctx.caller.principal.accountId,
      'user',
      p.UserName,
      p.PolicyArn,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
