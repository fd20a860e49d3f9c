import { describe, expect, it } from 'vitest';
import { AWS_MANAGED_POLICIES, findAwsManagedPolicy } from './aws-managed.ts';
import { compilePolicy } from '../policy-engine/compile.ts';
import { POLICY_SIZE_LIMITS, parsePolicyDocument, policySize } from '../policy-engine/document.ts';
import { evaluatePolicies } from '../policy-engine/evaluate.ts';

const ACCT = '111122223333';

function decide(name: string, action: string, resource: string, context: Record<string, string> = {}) {
  const policy = findAwsManagedPolicy(`arn:aws:iam::aws:policy/${name}`)!;
  return evaluatePolicies([{ id: policy.arn, policy: compilePolicy(parsePolicyDocument(policy.document)) }], {
    action,
    resource,
    context,
  }).decision;
}

describe('AWS managed policies', () => {
  it('are valid documents within the managed policy size, at their real ARNs', () => {
    for (const policy of AWS_MANAGED_POLICIES) {
      expect(policy.arn).toBe(`arn:aws:iam::aws:policy/${policy.name}`);
      expect(policy.policyId).toMatch(/^ANPA[A-Z0-9]{17}$/);
      expect(parsePolicyDocument(policy.document).version).toBe('2012-10-17');
      expect(policySize(policy.document)).toBeLessThanOrEqual(POLICY_SIZE_LIMITS.managed);
    }
    expect(AWS_MANAGED_POLICIES.map((p) => p.name)).toEqual([
      'AdministratorAccess',
      'IAMFullAccess',
      'IAMReadOnlyAccess',
      'IAMUserChangePassword',
    ]);
  });

  it.each([
    ['AdministratorAccess', 'iam:DeleteUser', `arn:aws:iam::${ACCT}:user/bob`, {}, 'allowed'],
    ['IAMFullAccess', 'iam:UpdateLoginProfile', `arn:aws:iam::${ACCT}:user/bob`, {}, 'allowed'],
    ['IAMFullAccess', 'sts:GetSessionToken', '*', {}, 'implicitDeny'],
    ['IAMReadOnlyAccess', 'iam:GetUser', `arn:aws:iam::${ACCT}:user/bob`, {}, 'allowed'],
    ['IAMReadOnlyAccess', 'iam:ListAccessKeys', `arn:aws:iam::${ACCT}:user/bob`, {}, 'allowed'],
    ['IAMReadOnlyAccess', 'iam:SimulatePrincipalPolicy', `arn:aws:iam::${ACCT}:user/bob`, {}, 'allowed'],
    ['IAMReadOnlyAccess', 'iam:UpdateLoginProfile', `arn:aws:iam::${ACCT}:user/bob`, {}, 'implicitDeny'],
    [
      'IAMUserChangePassword',
      'iam:ChangePassword',
      `arn:aws:iam::${ACCT}:user/alice`,
      { 'aws:username': 'alice' },
      'allowed',
    ],
    [
      'IAMUserChangePassword',
      'iam:ChangePassword',
      `arn:aws:iam::${ACCT}:user/support/alice`,
      { 'aws:username': 'alice' },
      'allowed',
    ],
    [
      'IAMUserChangePassword',
      'iam:ChangePassword',
      `arn:aws:iam::${ACCT}:user/bob`,
      { 'aws:username': 'alice' },
      'implicitDeny',
    ],
    ['IAMUserChangePassword', 'iam:GetAccountPasswordPolicy', '*', { 'aws:username': 'alice' }, 'allowed'],
    [
      'IAMUserChangePassword',
      'iam:UpdateLoginProfile',
      `arn:aws:iam::${ACCT}:user/alice`,
      { 'aws:username': 'alice' },
      'implicitDeny',
    ],
  ] as const)('%s: %s on %s → %s', (name, action, resource, context, expected) => {
    expect(decide(name, action, resource, context)).toBe(expected);
  });
});
