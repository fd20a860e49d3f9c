import { actorOf } from '../../identities/principal.ts';
import { updateUser } from '../../users/user-admin.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { userResource } from './shared.ts';

/** UpdateUser(UserName, NewUserName?, NewPath?) → nothing. Renaming keeps the user's ID, keys and password. */
export const UpdateUser = defineAction({
  name: 'UpdateUser',
  service: 'iam',
  permission: 'iam:UpdateUser',
  params: { UserName: P.userName(true), NewUserName: P.newUserName(), NewPath: P.path() },
  resource: (ctx, p) => userResource(ctx, p.UserName),
  async run(ctx, p) {
    await updateUser(
      ctx.deps,
      ctx.caller.principal.accountId,
      p.UserName,
      {
        ...(p.NewUserName !== undefined ? { newName: p.NewUserName } : {}),
        ...(p.NewPath !== undefined ? { newPath: p.NewPath } : {}),
      },
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
