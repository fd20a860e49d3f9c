import { actorOf } from '../../identities/principal.ts';
import { updateRole } from '../../roles/role.service.ts';
import { defineAction } from '../action.ts';
import { RP, roleResource } from './role-shared.ts';

/** UpdateRole(RoleName, Description?, MaxSessionDuration?) → nothing. What is not given stays as it is. */
export const UpdateRole = defineAction({
  name: 'UpdateRole',
  service: 'iam',
  permission: 'iam:UpdateRole',
  params: { RoleName: RP.roleName(), Description: RP.description(), MaxSessionDuration: RP.maxSessionDuration() },
  resource: (ctx, p) => roleResource(ctx, p.RoleName),
  async run(ctx, p) {
    await updateRole(
      ctx.deps,
      ctx.caller.principal.accountId,
      p.RoleName,
      {
        ...(p.Description !== undefined ? { description: p.Description } : {}),
        ...(p.MaxSessionDuration !== undefined ? { maxSessionDuration: p.MaxSessionDuration } : {}),
      },
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return {};
  },
});
