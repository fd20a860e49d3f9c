import { actorOf } from '../../identities/principal.ts';
import { detachPolicy } from '../../policies/attachment.service.ts';
import { defineAction } from '../action.ts';
import { IP } from './iam-policy-shared.ts';
import { userResource } from './shared.ts';

/** DetachUserPolicy(UserName, PolicyArn) → nothing; NoSuchEntity when it was not attached. */
export const DetachUserPolicy = defineAction({
  name: 'DetachUserPolicy',
  service: 'iam',
  permission: 'iam:DetachUserPolicy',
  params: { UserName: IP.userName(), PolicyArn: IP.policyArn() },
  resource: (ctx, p) => userResource(ctx, p.UserName),
  conditionKeys: (p) => ({ 'iam:PolicyARN': p.PolicyArn }),
  async run(ctx, p) {
    await detachPolicy(
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
