import { getPasswordPolicy } from '../../password-policy/password-policy.service.ts';
import { GatehouseError } from '../../shared/errors.ts';
import { defineAction } from '../action.ts';

/**
 * GetAccountPasswordPolicy() → PasswordPolicy; NoSuchEntity when the account has none.
 * MaxPasswordAge, PasswordReusePrevention and HardExpiry appear only when set, as AWS
 * records show; ExpirePasswords is true exactly when MaxPasswordAge is set.
 */
export const GetAccountPasswordPolicy = defineAction({
  name: 'GetAccountPasswordPolicy',
  service: 'iam',
  permission: 'iam:GetAccountPasswordPolicy',
  params: {},
  resource: () => '*',
  async run(ctx) {
    const accountId = ctx.caller.principal.accountId;
    const policy = await getPasswordPolicy(ctx.deps, accountId);
    if (!policy) throw new GatehouseError('NoSuchEntity', `The Password Policy with domain name ${accountId} cannot be found.`);
    return {
      PasswordPolicy: {
        MinimumPasswordLength: policy.minimumPasswordLength,
        RequireSymbols: policy.requireSymbols,
        RequireNumbers: policy.requireNumbers,
        RequireUppercaseCharacters: policy.requireUppercaseCharacters,
        RequireLowercaseCharacters: policy.requireLowercaseCharacters,
        AllowUsersToChangePassword: policy.allowUsersToChangePassword,
        ExpirePasswords: policy.maxPasswordAge !== null,
        MaxPasswordAge: policy.maxPasswordAge ?? undefined,
        PasswordReusePrevention: policy.passwordReusePrevention ?? undefined,
        HardExpiry: policy.hardExpiry ? true : undefined,
      },
    };
  },
});
