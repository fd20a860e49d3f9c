import { actorOf } from '../../identities/principal.ts';
import { deletePolicy } from '../../policies/managed-policy.service.ts';
import { defineAction } from '../action.ts';
import { IP } from './iam-policy-shared.ts';

/** DeletePolicy(PolicyArn) → nothing; DeleteConflict while attached or while it has versions besides the default. */
export const DeletePolicy = defineAction({
  name: 'DeletePolicy',
  service: 'iam',
  permission: 'iam:DeletePolicy',
  params: { PolicyArn: IP.policyArn() },
  resource: (_ctx, p) => p.PolicyArn,
  async run(ctx, p) {
    await deletePolicy(ctx.deps, ctx.caller.principal.accountId, p.PolicyArn, actorOf(ctx.caller.principal), ctx.meta);
    return null;
  },
});
