import { actorOf } from '../../identities/principal.ts';
import { updateAssumeRolePolicy } from '../../roles/role.service.ts';
import { defineAction } from '../action.ts';
import { RP, roleResource } from './role-shared.ts';

/** UpdateAssumeRolePolicy(RoleName, PolicyDocument) → nothing. The new trust policy is checked as CreateRole checks it. */
export const UpdateAssumeRolePolicy = defineAction({
  name: 'UpdateAssumeRolePolicy',
  service: 'iam',
  permission: 'iam:UpdateAssumeRolePolicy',
  params: { RoleName: RP.roleName(), PolicyDocument: RP.trustPolicy() },
  resource: (ctx, p) => roleResource(ctx, p.RoleName),
  async run(ctx, p) {
    await updateAssumeRolePolicy(
      ctx.deps,
      ctx.caller.principal.accountId,
      p.RoleName,
      p.PolicyDocument,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
