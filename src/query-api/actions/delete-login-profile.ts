import { actorOf } from '../../identities/principal.ts';
import { deleteLoginProfile } from '../../users/user-admin.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { targetUserName, userOrCallerResource } from './shared.ts';

/** DeleteLoginProfile(UserName?) → nothing. Console sign-in ends; access keys keep working. */
export const DeleteLoginProfile = defineAction({
  name: 'DeleteLoginProfile',
  service: 'iam',
  permission: 'iam:DeleteLoginProfile',
  params: { UserName: P.userName() },
  resource: (ctx, p) => userOrCallerResource(ctx, p.UserName),
  async run(ctx, p) {
    await deleteLoginProfile(
      ctx.deps,
      ctx.caller.principal.accountId,
      targetUserName(ctx, p.UserName),
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
