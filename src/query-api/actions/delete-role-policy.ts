import { actorOf } from '../../identities/principal.ts';
import { deleteInlinePolicy } from '../../policies/inline-policy.service.ts';
import { defineAction } from '../action.ts';
import { IP } from './iam-policy-shared.ts';
import { RP, roleResource } from './role-shared.ts';

/** DeleteRolePolicy(RoleName, PolicyName) → nothing. */
export const DeleteRolePolicy = defineAction({
  name: 'DeleteRolePolicy',
  service: 'iam',
  permission: 'iam:DeleteRolePolicy',
  params: { RoleName: RP.roleName(), PolicyName: IP.policyName() },
  resource: (ctx, p) => roleResource(ctx, p.RoleName),
  async run(ctx, p) {
    await deleteInlinePolicy(
      ctx.deps,
      ctx.caller.principal.accountId,
      'role',
      p.RoleName,
      p.PolicyName,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
