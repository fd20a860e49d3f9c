import { actorOf } from '../../identities/principal.ts';
import { deleteUser } from '../../users/user.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { userResource } from './shared.ts';

/** DeleteUser(UserName) → nothing; DeleteConflict while the user has a console password or access keys. */
export const DeleteUser = defineAction({
  name: 'DeleteUser',
  service: 'iam',
  permission: 'iam:DeleteUser',
  params: { UserName: P.userName(true) },
  resource: (ctx, p) => userResource(ctx, p.UserName),
  async run(ctx, p) {
    await deleteUser(ctx.deps, ctx.caller.principal.accountId, p.UserName, actorOf(ctx.caller.principal), ctx.meta, {
      refuseWhileDependents: true,
    });
    return null;
  },
});
