import { actorOf } from '../../identities/principal.ts';
import { attachPolicy } from '../../policies/attachment.service.ts';
import { defineAction } from '../action.ts';
import { IP } from './iam-policy-shared.ts';
import { RP, roleResource } from './role-shared.ts';

/** AttachRolePolicy(RoleName, PolicyArn) → nothing. An AWS managed policy or one of the account's own; at most 10 per role. */
export const AttachRolePolicy = defineAction({
  name: 'AttachRolePolicy',
  service: 'iam',
  permission: 'iam:AttachRolePolicy',
  params: { RoleName: RP.roleName(), PolicyArn: IP.policyArn() },
  resource: (ctx, p) => roleResource(ctx, p.RoleName),
  conditionKeys: (p) => ({ 'iam:PolicyARN': p.PolicyArn }),
  async run(ctx, p) {
    await attachPolicy(
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
