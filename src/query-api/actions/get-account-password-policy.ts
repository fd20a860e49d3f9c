import { getPasswordPolicyAsWritten } from '../../password-policy/password-policy.service.ts';
import { GatehouseError } from '../../shared/errors.ts';
import { defineAction } from '../action.ts';

/**
 * GetAccountPasswordPolicy() → PasswordPolicy; NoSuchEntity when the account has none.
 * As IAM answers: MaxPasswordAge and PasswordReusePrevention appear only when set,
 * HardExpiry only when the last update gave it (false included), and ExpirePasswords is
 * true exactly when MaxPasswordAge is set.
 */
export const GetAccountPasswordPolicy = defineAction({
  name: 'GetAccountPasswordPolicy',
  service: 'iam',
  permission: 'iam:GetAccountPasswordPolicy',
  params: {},
  resource: () => '*',
  async run(ctx) {
    const accountId = ctx.caller.principal.accountId;
    const policy = await getPasswordPolicyAsWritten(ctx.deps, accountId);
    if (!policy)
      throw new GatehouseError('NoSuchEntity', `The Password Policy with domain name ${accountId} cannot be found.`);
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
        HardExpiry: policy.hardExpiryGiven ? policy.hardExpiry : undefined,
      },
    };
  },
});
