import { actorOf } from '../../identities/principal.ts';
import { deleteUserPermissionsBoundary } from '../../policies/permissions-boundary.service.ts';
import { defineAction } from '../action.ts';
import { IP } from './iam-policy-shared.ts';
import { userResource } from './shared.ts';

/** DeleteUserPermissionsBoundary(UserName) → nothing. The user's policies then apply unbounded. */
export const DeleteUserPermissionsBoundary = defineAction({
  name: 'DeleteUserPermissionsBoundary',
  service: 'iam',
  permission: 'iam:DeleteUserPermissionsBoundary',
  params: { UserName: IP.userName() },
  resource: (ctx, p) => userResource(ctx, p.UserName),
  async run(ctx, p) {
    await deleteUserPermissionsBoundary(
      ctx.deps,
      ctx.caller.principal.accountId,
      p.UserName,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
