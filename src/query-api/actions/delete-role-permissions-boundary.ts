import { actorOf } from '../../identities/principal.ts';
import { deleteRolePermissionsBoundary } from '../../roles/role.service.ts';
import { defineAction } from '../action.ts';
import { RP, roleResource } from './role-shared.ts';

/** DeleteRolePermissionsBoundary(RoleName) → nothing. The role's policies then apply unbounded. */
export const DeleteRolePermissionsBoundary = defineAction({
  name: 'DeleteRolePermissionsBoundary',
  service: 'iam',
  permission: 'iam:DeleteRolePermissionsBoundary',
  params: { RoleName: RP.roleName() },
  resource: (ctx, p) => roleResource(ctx, p.RoleName),
  async run(ctx, p) {
    await deleteRolePermissionsBoundary(
      ctx.deps,
      ctx.caller.principal.accountId,
      p.RoleName,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
