import { actorOf } from '../../identities/principal.ts';
import { deleteInlinePolicy } from '../../policies/inline-policy.service.ts';
import { defineAction } from '../action.ts';
import { IP } from './iam-policy-shared.ts';
import { userResource } from './shared.ts';

/** DeleteUserPolicy(UserName, PolicyName) → nothing. */
export const DeleteUserPolicy = defineAction({
  name: 'DeleteUserPolicy',
  service: 'iam',
  permission: 'iam:DeleteUserPolicy',
  params: { UserName: IP.userName(), PolicyName: IP.policyName() },
  resource: (ctx, p) => userResource(ctx, p.UserName),
  async run(ctx, p) {
    await deleteInlinePolicy(
      ctx.deps,
      ctx.caller.principal.accountId,
      'user',
      p.UserName,
      p.PolicyName,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
