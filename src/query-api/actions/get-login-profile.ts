import { getLoginProfile } from '../../users/user-admin.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { awsTime } from '../xml.ts';
import { targetUserName, userOrCallerResource } from './shared.ts';

/** GetLoginProfile(UserName?) → LoginProfile; NoSuchEntity when the user has no console password. */
export const GetLoginProfile = defineAction({
  name: 'GetLoginProfile',
  service: 'iam',
  permission: 'iam:GetLoginProfile',
  params: { UserName: P.userName() },
  resource: (ctx, p) => userOrCallerResource(ctx, p.UserName),
  async run(ctx, p) {
    const { user, profile } = await getLoginProfile(
      ctx.deps,
      ctx.caller.principal.accountId,
      targetUserName(ctx, p.UserName),
    );
    return {
      LoginProfile: {
        UserName: user.name,
        CreateDate: awsTime(profile.createdAt),
        PasswordResetRequired: profile.passwordResetRequired,
      },
    };
  },
});
