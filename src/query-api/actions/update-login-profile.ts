import { actorOf } from '../../identities/principal.ts';
import { getLoginProfile, setLoginProfileResetRequired } from '../../users/user-admin.service.ts';
import { setUserPassword } from '../../users/user.service.ts';
import { defineAction } from '../action.ts';
import { P, bool } from '../params.ts';
import { userResource } from './shared.ts';

/**
 * UpdateLoginProfile(UserName, Password?, PasswordResetRequired?) → nothing. An omitted
 * Password keeps the password; an omitted PasswordResetRequired keeps the flag.
 */
export const UpdateLoginProfile = defineAction({
  name: 'UpdateLoginProfile',
  service: 'iam',
  permission: 'iam:UpdateLoginProfile',
  params: { UserName: P.userName(true), Password: P.password(), PasswordResetRequired: bool() },
  resource: (ctx, p) => userResource(ctx, p.UserName),
  async run(ctx, p) {
    const accountId = ctx.caller.principal.accountId;
    const actor = actorOf(ctx.caller.principal);
    if (p.Password !== undefined) {
      const reset =
        p.PasswordResetRequired ??
        (await getLoginProfile(ctx.deps, accountId, p.UserName)).profile.passwordResetRequired;
      await setUserPassword(ctx.deps, accountId, p.UserName, p.Password, reset, actor, ctx.meta, { profile: 'update' });
    } else if (p.PasswordResetRequired !== undefined) {
      await setLoginProfileResetRequired(ctx.deps, accountId, p.UserName, p.PasswordResetRequired, actor, ctx.meta);
    } else {
      await getLoginProfile(ctx.deps, accountId, p.UserName);
    }
    return null;
  },
});
