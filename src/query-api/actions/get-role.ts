import { getRole } from '../../roles/role-view.ts';
import { defineAction } from '../action.ts';
import { RP, fullRoleXml, roleResource } from './role-shared.ts';

/**
 * GetRole(RoleName) → Role, with MaxSessionDuration, RoleLastUsed (empty until first used),
 * PermissionsBoundary and Tags when it has them, and the trust policy URL-encoded.
 */
export const GetRole = defineAction({
  name: 'GetRole',
  service: 'iam',
  permission: 'iam:GetRole',
  params: { RoleName: RP.roleName() },
  resource: (ctx, p) => roleResource(ctx, p.RoleName),
  async run(ctx, p) {
    const role = await getRole(ctx.deps, ctx.caller.principal.accountId, p.RoleName);
    return { Role: fullRoleXml(role, role.tags) };
  },
});
