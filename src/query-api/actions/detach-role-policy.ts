import { actorOf } from '../../identities/principal.ts';
import { detachPolicy } from '../../policies/attachment.service.ts';
import { defineAction } from '../action.ts';
import { IP } from './iam-policy-shared.ts';
import { RP, roleResource } from './role-shared.ts';

/** DetachRolePolicy(RoleName, PolicyArn) → nothing; NoSuchEntity when it was not attached. */
export const DetachRolePolicy = defineAction({
  name: 'DetachRolePolicy',
  service: 'iam',
  permission: 'iam:DetachRolePolicy',
  params: { RoleName: RP.roleName(), PolicyArn: IP.policyArn() },
  resource: (ctx, p) => roleResource(ctx, p.RoleName),
  conditionKeys: (p) => ({ 'iam:PolicyARN': p.PolicyArn }),
  async run(ctx, p) {
    await detachPolicy(
      ctx.deps,
      ctx.caller.principal.accountId,
      'role',
      p.RoleName,
      p.PolicyArn,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
