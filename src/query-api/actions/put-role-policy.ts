import { actorOf } from '../../identities/principal.ts';
import { putInlinePolicy } from '../../policies/inline-policy.service.ts';
import { defineAction } from '../action.ts';
import { IP } from './iam-policy-shared.ts';
import { RP, roleResource } from './role-shared.ts';

/** PutRolePolicy(RoleName, PolicyName, PolicyDocument) → nothing. Creates the inline policy or replaces its document. */
export const PutRolePolicy = defineAction({
  name: 'PutRolePolicy',
  service: 'iam',
  permission: 'iam:PutRolePolicy',
  params: { RoleName: RP.roleName(), PolicyName: IP.policyName(), PolicyDocument: IP.policyDocument() },
  resource: (ctx, p) => roleResource(ctx, p.RoleName),
  async run(ctx, p) {
    await putInlinePolicy(
      ctx.deps,
      ctx.caller.principal.accountId,
      'role',
      p.RoleName,
      p.PolicyName,
      p.PolicyDocument,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
