import { actorOf } from '../../identities/principal.ts';
import { updateRoleDescription } from '../../roles/role.service.ts';
import { getRole } from '../../roles/role-view.ts';
import { defineAction } from '../action.ts';
import { RP, fullRoleXml, roleResource } from './role-shared.ts';

/** UpdateRoleDescription(RoleName, Description) → Role, as GetRole shows it. */
export const UpdateRoleDescription = defineAction({
  name: 'UpdateRoleDescription',
  service: 'iam',
  permission: 'iam:UpdateRoleDescription',
  params: { RoleName: RP.roleName(), Description: { ...RP.description(), required: true as const } },
  resource: (ctx, p) => roleResource(ctx, p.RoleName),
  async run(ctx, p) {
    const { accountId } = ctx.caller.principal;
    const updated = await updateRoleDescription(
      ctx.deps,
      accountId,
      p.RoleName,
      p.Description,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    const role = await getRole(ctx.deps, accountId, updated.name);
    return { Role: fullRoleXml(role, role.tags) };
  },
});
