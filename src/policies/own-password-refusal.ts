import type { Authorization } from './authorization.service.ts';
import type { Deps } from '../deps.ts';
import { getPasswordPolicy } from '../password-policy/password-policy.service.ts';

const SETTING = '"Allow users to change their own password"';

/**
 * Why an IAM user may not change its own password, and how an administrator allows it.
 * The rule is AWS's: the user needs iam:ChangePassword on itself, which the password
 * policy's AllowUsersToChangePassword grants to every user; without a policy nothing does.
 */
export async function ownPasswordRefusal(deps: Deps, accountId: string, result: Authorization): Promise<string> {
  const on = `${result.action} on ${result.resource}`;
  if (result.decision === 'explicitDeny') {
    return `You may not change your own password. A policy explicitly denies ${on}. Ask an administrator of this account to remove that denial, or to set a new password for you.`;
  }
  const policy = await getPasswordPolicy(deps, accountId);
  if (policy?.allowUsersToChangePassword) {
    // The setting grants the permission unconditionally: only a permissions boundary can still refuse it.
    return `You may not change your own password. The password policy allows users to change their own password, but your permissions boundary does not allow ${on}. Ask an administrator of this account.`;
  }
  const setting = policy
    ? `the account password policy has ${SETTING} turned off`
    : 'this account has no password policy';
  return (
    `You may not change your own password. None of your policies allows ${on}, and ${setting}. ` +
    `To allow it, an administrator can attach the AWS managed policy IAMUserChangePassword to you, or turn on ${SETTING} in the password policy. ` +
    'Until then, ask an administrator to set a new password for you.'
  );
}
