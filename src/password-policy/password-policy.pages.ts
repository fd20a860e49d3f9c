import type { Principal } from '../identities/principal.ts';
import { POLICY_SYMBOLS_SPACED } from '../passwords/password-rules.ts';
import { html } from '../shared/html.ts';
import { alertBox, checkbox, csrfField, field, page, relativeTime } from '../web/layout.ts';
import { DEFAULT_PASSWORD_POLICY, PASSWORD_POLICY_RANGES, type PasswordPolicy } from './password-policy.service.ts';

/** What the edit form shows: the stored values, or what the user just typed. */
export interface PolicyFormValues {
  minimumPasswordLength: string;
  requireUppercaseCharacters: boolean;
  requireLowercaseCharacters: boolean;
  requireNumbers: boolean;
  requireSymbols: boolean;
  allowUsersToChangePassword: boolean;
  maxPasswordAge: string;
  passwordReusePrevention: string;
  hardExpiry: boolean;
}

export type PolicyFormErrors = Partial<
  Record<'minimumPasswordLength' | 'maxPasswordAge' | 'passwordReusePrevention' | 'form', string>
>;

export function policyFormValues(policy: PasswordPolicy | null): PolicyFormValues {
  const p = policy ?? DEFAULT_PASSWORD_POLICY;
  return {
    minimumPasswordLength: String(p.minimumPasswordLength),
    requireUppercaseCharacters: p.requireUppercaseCharacters,
    requireLowercaseCharacters: p.requireLowercaseCharacters,
    requireNumbers: p.requireNumbers,
    requireSymbols: p.requireSymbols,
    allowUsersToChangePassword: p.allowUsersToChangePassword,
    maxPasswordAge: p.maxPasswordAge === null ? '' : String(p.maxPasswordAge),
    passwordReusePrevention: p.passwordReusePrevention === null ? '' : String(p.passwordReusePrevention),
    hardExpiry: p.hardExpiry,
  };
}

const yesNo = (value: boolean) => (value ? 'Yes' : 'No');

export function passwordPolicyPage(options: {
  principal: Principal;
  csrf: string;
  policy: PasswordPolicy | null;
  updatedAt: string | null;
  now: Date;
  values: PolicyFormValues;
  errors: PolicyFormErrors;
  notice?: string | undefined;
  /** Which forms to show: each is the decision its handler makes. */
  mayUpdate: boolean;
  mayDelete: boolean;
}): string {
  const { policy, values, errors } = options;
  const { minimumPasswordLength: len, maxPasswordAge: age, passwordReusePrevention: reuse } = PASSWORD_POLICY_RANGES;
  return page({
    title: 'Password policy',
    principal: options.principal,
    csrf: options.csrf,
    body: html`<h1>Password policy</h1>
${alertBox(options.notice, 'success')}
<section class="card">
  <h2>Current policy</h2>
  ${
    policy
      ? html`<dl class="facts">
    <dt>Minimum password length</dt><dd>${policy.minimumPasswordLength} characters</dd>
    <dt>Require at least one uppercase letter (A–Z)</dt><dd>${yesNo(policy.requireUppercaseCharacters)}</dd>
    <dt>Require at least one lowercase letter (a–z)</dt><dd>${yesNo(policy.requireLowercaseCharacters)}</dd>
    <dt>Require at least one number</dt><dd>${yesNo(policy.requireNumbers)}</dd>
    <dt>Require at least one symbol</dt><dd>${yesNo(policy.requireSymbols)}</dd>
    <dt>Allow users to change their own password</dt><dd>${yesNo(policy.allowUsersToChangePassword)}</dd>
    <dt>Password expiration</dt><dd>${policy.maxPasswordAge === null ? 'Never' : `After ${policy.maxPasswordAge} days`}</dd>
    <dt>Expired passwords need an administrator reset</dt><dd>${yesNo(policy.hardExpiry)}</dd>
    <dt>Prevent password reuse</dt><dd>${policy.passwordReusePrevention === null ? 'No' : `Remember the last ${policy.passwordReusePrevention}`}</dd>
    ${options.updatedAt ? html`<dt>Last changed</dt><dd>${relativeTime(options.updatedAt, options.now)}</dd>` : ''}
  </dl>`
      : html`<p>This account has no password policy. IAM users' passwords follow the built-in rule: at least 8 characters, and not the account name, the user name or a commonly used password. Passwords never expire.</p>`
  }
  <p class="muted">The policy applies to IAM users' console passwords, from their next password change; expiration applies at once. It never applies to the root user. Commonly used passwords are refused whatever the policy says.</p>
</section>
${
  options.mayUpdate
    ? html`<section class="card">
  <h2>${policy ? 'Change the policy' : 'Set a policy'}</h2>
  <p class="muted">Saving replaces the whole policy: a field left empty or unticked takes its default.</p>
  ${alertBox(errors.form)}
  <form method="post" action="/console/password-policy" novalidate>
    ${csrfField(options.csrf)}
    ${field({ label: 'Minimum password length', name: 'minimumPasswordLength', value: values.minimumPasswordLength, error: errors.minimumPasswordLength, required: false, hint: `${len.min} to ${len.max} characters; ${DEFAULT_PASSWORD_POLICY.minimumPasswordLength} when empty.` })}
    ${checkbox({ label: 'Require at least one uppercase letter (A–Z)', name: 'requireUppercaseCharacters', checked: values.requireUppercaseCharacters })}
    ${checkbox({ label: 'Require at least one lowercase letter (a–z)', name: 'requireLowercaseCharacters', checked: values.requireLowercaseCharacters })}
    ${checkbox({ label: 'Require at least one number (0–9)', name: 'requireNumbers', checked: values.requireNumbers })}
    ${checkbox({ label: 'Require at least one symbol', name: 'requireSymbols', checked: values.requireSymbols, hint: POLICY_SYMBOLS_SPACED })}
    ${checkbox({ label: 'Allow users to change their own password', name: 'allowUsersToChangePassword', checked: values.allowUsersToChangePassword, hint: 'Lets every IAM user change its own password (iam:ChangePassword on itself). Without it, a user needs a policy that allows it, such as the AWS managed policy IAMUserChangePassword. A change forced by a reset or an expired password is always allowed.' })}
    ${field({ label: 'Password expires after (days)', name: 'maxPasswordAge', value: values.maxPasswordAge, error: errors.maxPasswordAge, required: false, hint: `${age.min} to ${age.max} days; empty: never expires.` })}
    ${checkbox({ label: 'Expired passwords can be reset only by an administrator', name: 'hardExpiry', checked: values.hardExpiry, hint: 'Without this, users choose a new password when they next sign in.' })}
    ${field({ label: 'Prevent reuse of the last … passwords', name: 'passwordReusePrevention', value: values.passwordReusePrevention, error: errors.passwordReusePrevention, required: false, hint: `${reuse.min} to ${reuse.max}; empty: no reuse prevention.` })}
    <button type="submit">Save policy</button>
  </form>
</section>`
    : ''
}
${
  policy && options.mayDelete
    ? html`<section class="card">
  <h2>Delete the policy</h2>
  <p>IAM users' passwords then follow the built-in rule again, and stop expiring.</p>
  <form method="post" action="/console/password-policy/delete">
    ${csrfField(options.csrf)}
    <button type="submit" class="danger">Delete password policy</button>
  </form>
</section>`
    : ''
}`,
  });
}
