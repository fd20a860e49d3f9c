import { GatehouseError } from '../../shared/errors.ts';
import { changeOwnPassword } from '../../users/user.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';

/**
 * ChangePassword(OldPassword, NewPassword) → nothing: the calling IAM user's own console
 * password. The root user or a role session → InvalidUserType; a wrong old password → InvalidInput
 * (AWS's answer for it is not documented).
 */
export const ChangePassword = defineAction({
  name: 'ChangePassword',
  service: 'iam',
  permission: 'iam:ChangePassword',
  params: { OldPassword: P.password(true), NewPassword: P.password(true) },
  resource: (ctx) => ctx.caller.principal.arn,
  async run(ctx, p) {
    const { principal } = ctx.caller;
    if (principal.type !== 'user') {
      throw new GatehouseError(
        'InvalidUserType',
        principal.type === 'root'
          ? 'ChangePassword changes the password of the calling IAM user; the root user cannot call it.'
          : 'ChangePassword changes the password of the calling IAM user; a role session cannot call it.',
      );
    }
    try {
      await changeOwnPassword(ctx.deps, principal, p.OldPassword, p.NewPassword, null, ctx.meta);
    } catch (error) {
      if (error instanceof GatehouseError && error.code === 'InvalidCredentials') {
        throw new GatehouseError('InvalidInput', 'The old password is incorrect.');
      }
      throw error;
    }
    return null;
  },
});
