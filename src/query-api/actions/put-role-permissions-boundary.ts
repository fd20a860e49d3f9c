import { actorOf } from '../../identities/principal.ts';
import { putRolePermissionsBoundary } from '../../roles/role.service.ts';
import { defineAction } from '../action.ts';
import { IP } from './iam-policy-shared.ts';
import { RP, roleResource } from './role-shared.ts';

/** PutRolePermissionsBoundary(RoleName, PermissionsBoundary) → nothing. A managed policy (AWS's or the account's own); replaces any other. */
export const PutRolePermissionsBoundary = defineAction({
  name: 'PutRolePermissionsBoundary',
  service: 'iam',
  permission: 'iam:PutRolePermissionsBoundary',
  params: { RoleName: RP.roleName(), PermissionsBoundary: IP.policyArn() },
  resource: (ctx, p) => roleResource(ctx, p.RoleName),
  conditionKeys: (p) => ({ 'iam:PermissionsBoundary': p.PermissionsBoundary }),
  async run(ctx, p) {
    await putRolePermissionsBoundary(
      ctx.deps,
      ctx.caller.principal.accountId,
      p.RoleName,
      p.PermissionsBoundary,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
