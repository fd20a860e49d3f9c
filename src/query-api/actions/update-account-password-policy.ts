import { actorOf } from '../../identities/principal.ts';
import { updatePasswordPolicy } from '../../password-policy/password-policy.service.ts';
import { defineAction } from '../action.ts';
import { bool, int } from '../params.ts';

/**
 * UpdateAccountPasswordPolicy(every field optional) → nothing. The call replaces the
 * whole policy: an omitted field takes AWS's default. Ranges are checked by the
 * password-policy service, which reports all violations in one ValidationError.
 */
export const UpdateAccountPasswordPolicy = defineAction({
  name: 'UpdateAccountPasswordPolicy',
  service: 'iam',
  permission: 'iam:UpdateAccountPasswordPolicy',
  params: {
    MinimumPasswordLength: int(),
    RequireSymbols: bool(),
    RequireNumbers: bool(),
    RequireUppercaseCharacters: bool(),
    RequireLowercaseCharacters: bool(),
    AllowUsersToChangePassword: bool(),
    MaxPasswordAge: int(),
    PasswordReusePrevention: int(),
    HardExpiry: bool(),
  },
  resource: () => '*',
  async run(ctx, p) {
    const input = {
      minimumPasswordLength: p.MinimumPasswordLength,
      requireSymbols: p.RequireSymbols,
      requireNumbers: p.RequireNumbers,
      requireUppercaseCharacters: p.RequireUppercaseCharacters,
      requireLowercaseCharacters: p.RequireLowercaseCharacters,
      allowUsersToChangePassword: p.AllowUsersToChangePassword,
      maxPasswordAge: p.MaxPasswordAge,
      passwordReusePrevention: p.PasswordReusePrevention,
      hardExpiry: p.HardExpiry,
    };
    const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    await updatePasswordPolicy(
      ctx.deps,
      ctx.caller.principal.accountId,
      defined,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
