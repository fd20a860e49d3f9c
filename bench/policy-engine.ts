/**
 * Policy decisions per second: the engine's share of a request's cost. Compiles a
 * realistic set of documents once (an administrator's view of a user: two AWS managed
 * policies, a customer managed policy with conditions and a variable, a group's inline
 * deny) and evaluates a rotating set of requests against them, as `authorize` does.
 *
 *   npx tsx bench/policy-engine.ts [--seconds 3] [--json]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { AWS_MANAGED_POLICIES } from '../src/policies/aws-managed.ts';
import { compilePolicy } from '../src/policy-engine/compile.ts';
import { prepareContext } from '../src/policy-engine/context.ts';
import { parsePolicyDocument } from '../src/policy-engine/document.ts';
import { type PolicyInput, evaluatePolicies } from '../src/policy-engine/evaluate.ts';

export interface PolicyBenchResult {
  decisionsPerSecond: number;
  microsecondsPerDecision: number;
  policies: number;
  statements: number;
}

const ACCOUNT = '111122223333';

function benchPolicies(): PolicyInput[] {
  const managed = ['IAMReadOnlyAccess', 'IAMUserChangePassword'].map((name) => {
    const policy = AWS_MANAGED_POLICIES.find((p) => p.name === name)!;
    return { id: policy.arn, policy: compilePolicy(parsePolicyDocument(policy.document)) };
  });
  const support = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ResetSupportPasswords',
        Effect: 'Allow',
        Action: ['iam:UpdateLoginProfile', 'iam:CreateLoginProfile', 'iam:GetLoginProfile'],
        Resource: `arn:aws:iam::${ACCOUNT}:user/support/*`,
        Condition: {
          Bool: { 'aws:MultiFactorAuthPresent': 'true' },
          NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' },
        },
      },
      {
        Sid: 'OwnMfa',
        Effect: 'Allow',
        Action: ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:ListMFADevices', 'iam:ResyncMFADevice'],
        Resource: [`arn:aws:iam::${ACCOUNT}:mfa/\${aws:username}`, `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`],
      },
      {
        Sid: 'Office',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] } },
      },
    ],
  };
  const groupDeny = {
    Version: '2012-10-17',
    Statement: { Effect: 'Deny', Action: ['iam:DeleteUser', 'iam:DeleteGroup', 'iam:Delete*Policy*'], Resource: '*' },
  };
  return [
    ...managed,
    {
      id: `arn:aws:iam::${ACCOUNT}:policy/SupportDesk`,
      policy: compilePolicy(parsePolicyDocument(JSON.stringify(support))),
    },
    { id: 'group/support:inline/NoDeletes', policy: compilePolicy(parsePolicyDocument(JSON.stringify(groupDeny))) },
  ];
}

export function measurePolicyDecisions(seconds = 3): PolicyBenchResult {
  const policies = benchPolicies();
  const context = {
    'aws:username': 'carol',
    'aws:userid': 'AIDAEXAMPLEEXAMPLE123',
    'aws:PrincipalAccount': ACCOUNT,
    'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/support/carol`,
    'aws:SourceIp': '10.4.5.6',
    'aws:MultiFactorAuthPresent': 'true',
    'aws:MultiFactorAuthAge': '120',
    'aws:CurrentTime': '2026-11-29T12:00:00Z',
    'aws:SecureTransport': 'true',
  };
  const requests = [
    { action: 'iam:UpdateLoginProfile', resource: `arn:aws:iam::${ACCOUNT}:user/support/alice` },
    { action: 'iam:UpdateLoginProfile', resource: `arn:aws:iam::${ACCOUNT}:user/admins/bob` },
    { action: 'iam:ListUsers', resource: '*' },
    { action: 'iam:DeleteUser', resource: `arn:aws:iam::${ACCOUNT}:user/support/alice` },
    { action: 'iam:EnableMFADevice', resource: `arn:aws:iam::${ACCOUNT}:user/carol` },
    { action: 'iam:ChangePassword', resource: `arn:aws:iam::${ACCOUNT}:user/support/carol` },
  ].map((r) => ({ ...r, context }));
  // A request's context is prepared once by the caller, as authorize does.
  const prepared = requests.map((r) => prepareContext(r.context));
  const run = (n: number) => {
    for (let i = 0; i < n; i++) {
      const k = i % requests.length;
      evaluatePolicies(policies, requests[k]!, prepared[k]!);
    }
  };
  run(20_000);
  let count = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  while (performance.now() < until) {
    run(10_000);
    count += 10_000;
  }
  const elapsed = (performance.now() - started) / 1000;
  return {
    decisionsPerSecond: Math.round(count / elapsed),
    microsecondsPerDecision: (elapsed * 1e6) / count,
    policies: policies.length,
    statements: policies.reduce((n, p) => n + p.policy.statements.length, 0),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { seconds: { type: 'string', default: '3' }, json: { type: 'boolean', default: false } },
  });
  const result = measurePolicyDecisions(Number(values.seconds));
  if (values.json) console.log(JSON.stringify(result));
  else {
    console.log(
      `policy engine: ${result.decisionsPerSecond.toLocaleString('en-US')} decisions/s ` +
        `(${result.microsecondsPerDecision.toFixed(2)} µs each; ${result.policies} policies, ${result.statements} statements, compiled once)`,
    );
  }
}
