import { actorOf } from '../../identities/principal.ts';
import { getLoginProfile } from '../../users/user-admin.service.ts';
import { setUserPassword } from '../../users/user.service.ts';
import { defineAction } from '../action.ts';
import { P, bool } from '../params.ts';
import { awsTime } from '../xml.ts';
import { targetUserName, userOrCallerResource } from './shared.ts';

/** CreateLoginProfile(UserName?, Password, PasswordResetRequired?) → LoginProfile. The password passes the account's rules. */
export const CreateLoginProfile = defineAction({
  name: 'CreateLoginProfile',
  service: 'iam',
  permission: 'iam:CreateLoginProfile',
  params: { UserName: P.userName(), Password: P.password(true), PasswordResetRequired: bool() },
  resource: (ctx, p) => userOrCallerResource(ctx, p.UserName),
  async run(ctx, p) {
    const name = targetUserName(ctx, p.UserName);
    const accountId = ctx.caller.principal.accountId;
    const resetRequired = p.PasswordResetRequired ?? false;
    await setUserPassword(
      ctx.deps,
      accountId,
      name,
      p.Password,
      resetRequired,
      actorOf(ctx.caller.principal),
      ctx.meta,
      { profile: 'create' },
    );
    const { user, profile } = await getLoginProfile(ctx.deps, accountId, name);
    return {
      LoginProfile: {
        UserName: user.name,
        CreateDate: awsTime(profile.createdAt),
        PasswordResetRequired: profile.passwordResetRequired,
      },
    };
  },
});
