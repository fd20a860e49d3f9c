import { actorOf } from '../../identities/principal.ts';
import { deleteRole } from '../../roles/role.service.ts';
import { defineAction } from '../action.ts';
import { RP, roleResource } from './role-shared.ts';

/** DeleteRole(RoleName) → nothing; DeleteConflict while managed policies are attached or inline policies remain. */
export const DeleteRole = defineAction({
  name: 'DeleteRole',
  service: 'iam',
  permission: 'iam:DeleteRole',
  params: { RoleName: RP.roleName() },
  resource: (ctx, p) => roleResource(ctx, p.RoleName),
  async run(ctx, p) {
    await deleteRole(ctx.deps, ctx.caller.principal.accountId, p.RoleName, actorOf(ctx.caller.principal), ctx.meta, {
      refuseWhileDependents: true,
    });
    return null;
  },
});
