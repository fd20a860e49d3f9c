import { describe, expect, it } from 'vitest';
import { compilePolicy } from './compile.ts';
import type { ContextValue } from './context.ts';
import { parsePolicyDocument } from './document.ts';
import { type EvalDecision, evaluatePolicies } from './evaluate.ts';

/**
 * Evaluation cases written from AWS's documented evaluation logic, condition operators,
 * policy variables and example policies. Each line: the policy statements, the request,
 * the decision AWS documents for it.
 */

type Statement = Record<string, unknown>;
type Case = [
  name: string,
  statements: Statement[],
  action: string,
  resource: string,
  context: Record<string, ContextValue>,
  expected: EvalDecision,
];

const ACCT = '111122223333';
const USER = (path: string) => `arn:aws:iam::${ACCT}:user/${path}`;
const allowAll: Statement = { Effect: 'Allow', Action: '*', Resource: '*' };
const allow = (Action: unknown, Resource: unknown = '*', Condition?: unknown): Statement => ({
  Effect: 'Allow',
  Action,
  Resource,
  ...(Condition ? { Condition } : {}),
});
const deny = (Action: unknown, Resource: unknown = '*', Condition?: unknown): Statement => ({
  Effect: 'Deny',
  Action,
  Resource,
  ...(Condition ? { Condition } : {}),
});
const NOW = '2026-11-29T12:00:00Z';

const CASES: Case[] = [
  // Decision order: explicit deny > allow > implicit deny.
  ['an exact allow allows', [allow('iam:GetUser', USER('alice'))], 'iam:GetUser', USER('alice'), {}, 'allowed'],
  [
    'nothing matching is an implicit deny',
    [allow('iam:GetUser', USER('alice'))],
    'iam:DeleteUser',
    USER('alice'),
    {},
    'implicitDeny',
  ],
  ['no statements at all is an implicit deny', [], 'iam:GetUser', USER('alice'), {}, 'implicitDeny'],
  [
    'deny beats allow in the same policy',
    [allowAll, deny('iam:DeleteUser')],
    'iam:DeleteUser',
    USER('alice'),
    {},
    'explicitDeny',
  ],
  [
    'a deny that does not match leaves the allow',
    [allowAll, deny('iam:DeleteUser')],
    'iam:GetUser',
    USER('alice'),
    {},
    'allowed',
  ],
  [
    'AdministratorAccess allows any action on any resource',
    [allowAll],
    's3:GetObject',
    'arn:aws:s3:::bucket/key',
    {},
    'allowed',
  ],
  // Actions: case-insensitive, * and ? wildcards.
  ['action names ignore case', [allow('IAM:changepassword')], 'iam:ChangePassword', USER('alice'), {}, 'allowed'],
  ['iam:Get* matches GetUser', [allow('iam:Get*')], 'iam:GetUser', USER('alice'), {}, 'allowed'],
  ['iam:Get* does not match ListUsers', [allow('iam:Get*')], 'iam:ListUsers', '*', {}, 'implicitDeny'],
  ['? matches exactly one character', [allow('iam:?etUser')], 'iam:GetUser', USER('a'), {}, 'allowed'],
  ['? does not match two characters', [allow('iam:?etUser')], 'iam:GeetUser', USER('a'), {}, 'implicitDeny'],
  [
    'iam:*AccessKey* matches CreateAccessKey',
    [allow('iam:*AccessKey*')],
    'iam:CreateAccessKey',
    USER('a'),
    {},
    'allowed',
  ],
  ['a list of actions is OR-ed', [allow(['iam:GetUser', 'iam:ListUsers'])], 'iam:ListUsers', '*', {}, 'allowed'],
  // NotAction / NotResource.
  [
    'Allow NotAction iam:* allows other services',
    [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }],
    's3:GetObject',
    'arn:aws:s3:::b/k',
    {},
    'allowed',
  ],
  [
    'Allow NotAction iam:* does not allow IAM',
    [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }],
    'iam:CreateUser',
    USER('x'),
    {},
    'implicitDeny',
  ],
  [
    'Deny NotAction denies everything not listed',
    [allowAll, { Effect: 'Deny', NotAction: 'iam:ChangePassword', Resource: '*' }],
    'iam:GetUser',
    USER('a'),
    {},
    'explicitDeny',
  ],
  [
    'Deny NotAction leaves the listed action alone',
    [allowAll, { Effect: 'Deny', NotAction: 'iam:ChangePassword', Resource: '*' }],
    'iam:ChangePassword',
    USER('a'),
    {},
    'allowed',
  ],
  [
    'Allow NotResource allows other resources',
    [{ Effect: 'Allow', Action: 'iam:*', NotResource: USER('admin') }],
    'iam:UpdateLoginProfile',
    USER('bob'),
    {},
    'allowed',
  ],
  [
    'Allow NotResource excludes the listed one',
    [{ Effect: 'Allow', Action: 'iam:*', NotResource: USER('admin') }],
    'iam:UpdateLoginProfile',
    USER('admin'),
    {},
    'implicitDeny',
  ],
  [
    'Deny NotResource denies all but the listed one',
    [allowAll, { Effect: 'Deny', Action: 'iam:*', NotResource: USER('alice') }],
    'iam:GetUser',
    USER('bob'),
    {},
    'explicitDeny',
  ],
  // Resources: ARN wildcards, case-sensitive.
  [
    'resource ARNs are case-sensitive',
    [allow('iam:GetUser', USER('bob'))],
    'iam:GetUser',
    USER('Bob'),
    {},
    'implicitDeny',
  ],
  [
    'a path wildcard covers users under it',
    [allow('iam:UpdateLoginProfile', USER('support/*'))],
    'iam:UpdateLoginProfile',
    USER('support/alice'),
    {},
    'allowed',
  ],
  [
    'a path wildcard does not cover other paths',
    [allow('iam:UpdateLoginProfile', USER('support/*'))],
    'iam:UpdateLoginProfile',
    USER('alice'),
    {},
    'implicitDeny',
  ],
  [
    'an account wildcard covers every account',
    [allow('iam:GetUser', 'arn:aws:iam::*:user/alice')],
    'iam:GetUser',
    USER('alice'),
    {},
    'allowed',
  ],
  [
    '? in a resource matches one character',
    [allow('iam:GetUser', USER('user?'))],
    'iam:GetUser',
    USER('user1'),
    {},
    'allowed',
  ],
  [
    'another account does not match',
    [allow('iam:GetUser', 'arn:aws:iam::999999999999:user/*')],
    'iam:GetUser',
    USER('alice'),
    {},
    'implicitDeny',
  ],
  // Policy variables.
  [
    '${aws:username} names the caller',
    [allow('iam:ChangePassword', USER('${aws:username}'))],
    'iam:ChangePassword',
    USER('alice'),
    { 'aws:username': 'alice' },
    'allowed',
  ],
  [
    '${aws:username} is not another user',
    [allow('iam:ChangePassword', USER('${aws:username}'))],
    'iam:ChangePassword',
    USER('bob'),
    { 'aws:username': 'alice' },
    'implicitDeny',
  ],
  [
    'a variable without a value matches nothing',
    [allow('iam:ChangePassword', USER('${aws:username}'))],
    'iam:ChangePassword',
    USER('alice'),
    {},
    'implicitDeny',
  ],
  [
    'variable names ignore case',
    [allow('iam:GetUser', USER('${AWS:UserName}'))],
    'iam:GetUser',
    USER('alice'),
    { 'aws:username': 'alice' },
    'allowed',
  ],
  [
    'a default fills a missing variable',
    [allow('iam:GetUser', USER("${aws:username, 'nobody'}"))],
    'iam:GetUser',
    USER('nobody'),
    {},
    'allowed',
  ],
  [
    '${*} is a literal asterisk',
    [allow('s3:GetObject', 'arn:aws:s3:::bucket/${*}')],
    's3:GetObject',
    'arn:aws:s3:::bucket/*',
    {},
    'allowed',
  ],
  [
    '${*} is not a wildcard',
    [allow('s3:GetObject', 'arn:aws:s3:::bucket/${*}')],
    's3:GetObject',
    'arn:aws:s3:::bucket/x',
    {},
    'implicitDeny',
  ],
  [
    '${userid} in a condition',
    [allow('iam:GetUser', '*', { StringEquals: { 'aws:userid': '${aws:userid}' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:userid': 'AIDAEXAMPLE' },
    'allowed',
  ],
  [
    '${aws:PrincipalAccount} in a resource',
    [allow('iam:GetUser', 'arn:aws:iam::${aws:PrincipalAccount}:user/*')],
    'iam:GetUser',
    USER('a'),
    { 'aws:PrincipalAccount': ACCT },
    'allowed',
  ],
  [
    'a multi-valued key is not a variable',
    [allow('iam:GetUser', USER('${aws:TagKeys}'))],
    'iam:GetUser',
    USER('a'),
    { 'aws:TagKeys': ['a', 'b'] },
    'implicitDeny',
  ],
  // Conditions: missing keys, IfExists, Null.
  [
    'StringEquals on a missing key is false',
    [allow('*', '*', { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } })],
    'iam:GetUser',
    USER('a'),
    {},
    'implicitDeny',
  ],
  [
    'StringNotEquals on a missing key is true',
    [allow('*', '*', { StringNotEquals: { 'aws:RequestedRegion': 'us-east-1' } })],
    'iam:GetUser',
    USER('a'),
    {},
    'allowed',
  ],
  [
    'IfExists on a missing key is true',
    [allow('*', '*', { StringEqualsIfExists: { 'aws:RequestedRegion': 'us-east-1' } })],
    'iam:GetUser',
    USER('a'),
    {},
    'allowed',
  ],
  [
    'IfExists on a present key still tests it',
    [allow('*', '*', { StringEqualsIfExists: { 'aws:RequestedRegion': 'us-east-1' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:RequestedRegion': 'eu-west-1' },
    'implicitDeny',
  ],
  [
    'Null true matches a missing key',
    [allow('*', '*', { Null: { 'aws:MultiFactorAuthAge': 'true' } })],
    'iam:GetUser',
    USER('a'),
    {},
    'allowed',
  ],
  [
    'Null true does not match a present key',
    [allow('*', '*', { Null: { 'aws:MultiFactorAuthAge': 'true' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:MultiFactorAuthAge': 30 },
    'implicitDeny',
  ],
  [
    'Null false matches a present key',
    [allow('*', '*', { Null: { 'aws:MultiFactorAuthAge': 'false' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:MultiFactorAuthAge': 30 },
    'allowed',
  ],
  // Multiple values OR, multiple keys AND, negation NOR.
  [
    'values of one key are OR-ed',
    [allow('*', '*', { StringEquals: { 'aws:username': ['alice', 'bob'] } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:username': 'bob' },
    'allowed',
  ],
  [
    'keys of one operator are AND-ed',
    [allow('*', '*', { StringEquals: { 'aws:username': 'bob', 'aws:RequestedRegion': 'us-east-1' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:username': 'bob', 'aws:RequestedRegion': 'eu-west-1' },
    'implicitDeny',
  ],
  [
    'operators are AND-ed',
    [allow('*', '*', { StringEquals: { 'aws:username': 'bob' }, Bool: { 'aws:SecureTransport': 'true' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:username': 'bob', 'aws:SecureTransport': true },
    'allowed',
  ],
  [
    'a negated operator with several values is a NOR (value listed)',
    [allow('*', '*', { StringNotEquals: { 'aws:username': ['alice', 'bob'] } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:username': 'bob' },
    'implicitDeny',
  ],
  [
    'a negated operator with several values is a NOR (value not listed)',
    [allow('*', '*', { StringNotEquals: { 'aws:username': ['alice', 'bob'] } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:username': 'carol' },
    'allowed',
  ],
  // String operators.
  [
    'StringEquals is case-sensitive',
    [allow('*', '*', { StringEquals: { 'aws:username': 'Alice' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:username': 'alice' },
    'implicitDeny',
  ],
  [
    'StringEqualsIgnoreCase ignores case',
    [allow('*', '*', { StringEqualsIgnoreCase: { 'aws:username': 'Alice' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:username': 'ALICE' },
    'allowed',
  ],
  [
    'StringNotEqualsIgnoreCase',
    [allow('*', '*', { StringNotEqualsIgnoreCase: { 'aws:username': 'Alice' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:username': 'ALICE' },
    'implicitDeny',
  ],
  [
    'StringLike with wildcards',
    [allow('*', '*', { StringLike: { 'aws:userid': 'AIDA*' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:userid': 'AIDAEXAMPLE' },
    'allowed',
  ],
  [
    'StringLike is case-sensitive',
    [allow('*', '*', { StringLike: { 'aws:userid': 'aida*' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:userid': 'AIDAEXAMPLE' },
    'implicitDeny',
  ],
  [
    'StringNotLike',
    [allow('*', '*', { StringNotLike: { 'aws:userid': 'AIDA*' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:userid': 'AIDAEXAMPLE' },
    'implicitDeny',
  ],
  [
    'StringEquals treats * literally',
    [allow('*', '*', { StringEquals: { 'aws:username': 'a*' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:username': 'abc' },
    'implicitDeny',
  ],
  [
    'PrincipalTag keys',
    [allow('iam:*AccessKey*', USER('*'), { StringEquals: { 'aws:PrincipalTag/job-category': 'iamuser-admin' } })],
    'iam:CreateAccessKey',
    USER('x'),
    { 'aws:PrincipalTag/job-category': 'iamuser-admin' },
    'allowed',
  ],
  [
    'condition key names ignore case',
    [allow('*', '*', { StringEquals: { 'AWS:USERNAME': 'bob' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:username': 'bob' },
    'allowed',
  ],
  // Set operators.
  [
    'ForAllValues on a missing key is true',
    [allow('*', '*', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'cost'] } })],
    'iam:TagUser',
    USER('a'),
    {},
    'allowed',
  ],
  [
    'ForAllValues on an empty set is true',
    [allow('*', '*', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'cost'] } })],
    'iam:TagUser',
    USER('a'),
    { 'aws:TagKeys': [] },
    'allowed',
  ],
  [
    'ForAllValues: every value must be listed',
    [allow('*', '*', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'cost'] } })],
    'iam:TagUser',
    USER('a'),
    { 'aws:TagKeys': ['team', 'owner'] },
    'implicitDeny',
  ],
  [
    'ForAllValues: a subset is allowed',
    [allow('*', '*', { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'cost'] } })],
    'iam:TagUser',
    USER('a'),
    { 'aws:TagKeys': ['cost'] },
    'allowed',
  ],
  [
    'ForAnyValue on a missing key is false',
    [allow('*', '*', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'team' } })],
    'iam:TagUser',
    USER('a'),
    {},
    'implicitDeny',
  ],
  [
    'ForAnyValue: one listed value is enough',
    [allow('*', '*', { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'team' } })],
    'iam:TagUser',
    USER('a'),
    { 'aws:TagKeys': ['owner', 'team'] },
    'allowed',
  ],
  [
    'ForAnyValue:StringNotEquals: one unlisted value is enough',
    [allow('*', '*', { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': 'team' } })],
    'iam:TagUser',
    USER('a'),
    { 'aws:TagKeys': ['team', 'owner'] },
    'allowed',
  ],
  [
    'ForAllValues:StringNotLike: no value may match',
    [allow('*', '*', { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'aws*' } })],
    'iam:TagUser',
    USER('a'),
    { 'aws:TagKeys': ['team', 'awsx'] },
    'implicitDeny',
  ],
  // IP addresses.
  [
    'IpAddress IPv4 inside the range',
    [allow('*', '*', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:SourceIp': '203.0.113.7' },
    'allowed',
  ],
  [
    'IpAddress IPv4 outside the range',
    [allow('*', '*', { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:SourceIp': '198.51.100.1' },
    'implicitDeny',
  ],
  [
    'IpAddress a single address',
    [allow('*', '*', { IpAddress: { 'aws:SourceIp': '203.0.113.7' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:SourceIp': '203.0.113.7' },
    'allowed',
  ],
  [
    'IpAddress an odd prefix length',
    [allow('*', '*', { IpAddress: { 'aws:SourceIp': '10.0.0.0/9' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:SourceIp': '10.127.255.255' },
    'allowed',
  ],
  [
    'IpAddress an odd prefix length, outside',
    [allow('*', '*', { IpAddress: { 'aws:SourceIp': '10.0.0.0/9' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:SourceIp': '10.128.0.0' },
    'implicitDeny',
  ],
  [
    'IpAddress IPv6 inside the range',
    [allow('*', '*', { IpAddress: { 'aws:SourceIp': '2001:DB8:1234:5678::/64' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:SourceIp': '2001:db8:1234:5678::1' },
    'allowed',
  ],
  [
    'IpAddress IPv6 outside the range',
    [allow('*', '*', { IpAddress: { 'aws:SourceIp': '2001:DB8:1234:5678::/64' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:SourceIp': '2001:db8:1234:5679::1' },
    'implicitDeny',
  ],
  [
    'IPv4 range does not match an IPv6 address',
    [allow('*', '*', { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:SourceIp': '2001:db8::1' },
    'implicitDeny',
  ],
  [
    'an IPv4-mapped IPv6 address is its IPv4 address',
    [allow('*', '*', { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:SourceIp': '::ffff:192.0.2.9' },
    'allowed',
  ],
  [
    'deny outside the office ranges (inside)',
    [allowAll, deny('*', '*', { NotIpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '203.0.113.0/24'] } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:SourceIp': '192.0.2.5' },
    'allowed',
  ],
  [
    'deny outside the office ranges (outside)',
    [allowAll, deny('*', '*', { NotIpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '203.0.113.0/24'] } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:SourceIp': '10.0.0.1' },
    'explicitDeny',
  ],
  // Dates.
  [
    'DateGreaterThan aws:CurrentTime after the date',
    [allow('*', '*', { DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:CurrentTime': NOW },
    'allowed',
  ],
  [
    'DateLessThan aws:CurrentTime after the date',
    [allow('*', '*', { DateLessThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:CurrentTime': NOW },
    'implicitDeny',
  ],
  [
    'a time window (inside)',
    [
      allow('*', '*', {
        DateGreaterThan: { 'aws:CurrentTime': '2026-11-01T00:00:00Z' },
        DateLessThan: { 'aws:CurrentTime': '2026-12-01T00:00:00Z' },
      }),
    ],
    'iam:GetUser',
    USER('a'),
    { 'aws:CurrentTime': NOW },
    'allowed',
  ],
  [
    'dates compare epoch seconds too',
    [allow('*', '*', { DateLessThan: { 'aws:EpochTime': '1800000000' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:EpochTime': 1795000000 },
    'allowed',
  ],
  [
    'an ISO date against epoch seconds',
    [allow('*', '*', { DateGreaterThanEquals: { 'aws:EpochTime': '2026-11-29T12:00:00Z' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:EpochTime': Date.parse(NOW) / 1000 },
    'allowed',
  ],
  [
    'DateEquals',
    [allow('*', '*', { DateEquals: { 'aws:CurrentTime': '2026-11-29T12:00:00.000Z' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:CurrentTime': NOW },
    'allowed',
  ],
  // MFA.
  [
    'MFA age under an hour is allowed',
    [allow('*', '*', { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } })],
    'iam:DeleteUser',
    USER('a'),
    { 'aws:MultiFactorAuthAge': 300 },
    'allowed',
  ],
  [
    'MFA age over an hour is not',
    [allow('*', '*', { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } })],
    'iam:DeleteUser',
    USER('a'),
    { 'aws:MultiFactorAuthAge': 7200 },
    'implicitDeny',
  ],
  [
    'no MFA age (no MFA) is not',
    [allow('*', '*', { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } })],
    'iam:DeleteUser',
    USER('a'),
    {},
    'implicitDeny',
  ],
  [
    'Bool MultiFactorAuthPresent true with MFA',
    [allow('*', '*', { Bool: { 'aws:MultiFactorAuthPresent': 'true' } })],
    'iam:DeleteUser',
    USER('a'),
    { 'aws:MultiFactorAuthPresent': true },
    'allowed',
  ],
  [
    'Bool MultiFactorAuthPresent true without the key',
    [allow('*', '*', { Bool: { 'aws:MultiFactorAuthPresent': 'true' } })],
    'iam:DeleteUser',
    USER('a'),
    {},
    'implicitDeny',
  ],
  [
    'Deny BoolIfExists MFA false: no key (long-term keys) is denied',
    [allowAll, deny('*', '*', { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } })],
    'iam:GetUser',
    USER('a'),
    {},
    'explicitDeny',
  ],
  [
    'Deny BoolIfExists MFA false: with MFA is allowed',
    [allowAll, deny('*', '*', { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:MultiFactorAuthPresent': 'true' },
    'allowed',
  ],
  [
    'Deny Bool MFA false: no key is NOT denied (why IfExists is needed)',
    [allowAll, deny('*', '*', { Bool: { 'aws:MultiFactorAuthPresent': 'false' } })],
    'iam:GetUser',
    USER('a'),
    {},
    'allowed',
  ],
  // Numbers, ARNs, binary.
  [
    'NumericGreaterThanEquals',
    [allow('*', '*', { NumericGreaterThanEquals: { 'iam:Count': '2' } })],
    'iam:GetUser',
    USER('a'),
    { 'iam:Count': '2' },
    'allowed',
  ],
  [
    'NumericNotEquals',
    [allow('*', '*', { NumericNotEquals: { 'iam:Count': ['1', '2'] } })],
    'iam:GetUser',
    USER('a'),
    { 'iam:Count': '2' },
    'implicitDeny',
  ],
  [
    'a non-number context value never matches',
    [allow('*', '*', { NumericLessThan: { 'iam:Count': '5' } })],
    'iam:GetUser',
    USER('a'),
    { 'iam:Count': 'abc' },
    'implicitDeny',
  ],
  [
    'ArnLike compares components',
    [allow('*', '*', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/admins/*' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:PrincipalArn': USER('admins/root2') },
    'allowed',
  ],
  [
    'ArnLike: a wildcard stays in its component',
    [allow('*', '*', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/x' } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:PrincipalArn': 'arn:aws:iam::1:2:user/x' },
    'implicitDeny',
  ],
  [
    'ArnEquals',
    [allow('*', '*', { ArnEquals: { 'aws:PrincipalArn': USER('alice') } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:PrincipalArn': USER('alice') },
    'allowed',
  ],
  [
    'ArnNotLike',
    [allowAll, deny('*', '*', { ArnNotLike: { 'aws:PrincipalArn': USER('admins/*') } })],
    'iam:GetUser',
    USER('a'),
    { 'aws:PrincipalArn': USER('bob') },
    'explicitDeny',
  ],
  [
    'iam:PolicyARN limits which policies may be attached',
    [
      allow('iam:AttachUserPolicy', USER('*'), {
        ArnEquals: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/IAMUserChangePassword' },
      }),
    ],
    'iam:AttachUserPolicy',
    USER('bob'),
    { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' },
    'implicitDeny',
  ],
  [
    'BinaryEquals',
    [allow('*', '*', { BinaryEquals: { 'x:Key': 'QmluYXJ5VmFsdWU=' } })],
    'iam:GetUser',
    USER('a'),
    { 'x:Key': 'QmluYXJ5VmFsdWU=' },
    'allowed',
  ],
];

function decide(statements: Statement[], action: string, resource: string, context: Record<string, ContextValue>) {
  const policy = compilePolicy(
    parsePolicyDocument(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: statements.length ? statements : [deny('none:None', 'arn:none:none:::x')],
      }),
    ),
  );
  return evaluatePolicies([{ id: 'test-policy', policy }], { action, resource, context });
}

describe('policy evaluation, as AWS documents it', () => {
  it.each(CASES)('%s', (_name, statements, action, resource, context, expected) => {
    expect(decide(statements, action, resource, context).decision).toBe(expected);
  });

  it('reads ${…} as plain text in a 2008-10-17 document', () => {
    const policy = compilePolicy(
      parsePolicyDocument(
        JSON.stringify({ Version: '2008-10-17', Statement: allow('iam:GetUser', USER('${aws:username}')) }),
      ),
    );
    const literal = evaluatePolicies([{ id: 'p', policy }], {
      action: 'iam:GetUser',
      resource: USER('${aws:username}'),
      context: { 'aws:username': 'alice' },
    });
    const substituted = evaluatePolicies([{ id: 'p', policy }], {
      action: 'iam:GetUser',
      resource: USER('alice'),
      context: { 'aws:username': 'alice' },
    });
    expect([literal.decision, substituted.decision]).toEqual(['allowed', 'implicitDeny']);
  });

  it('combines several policies: a deny in one beats an allow in another', () => {
    const admin = compilePolicy(parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Statement: allowAll })));
    const guard = compilePolicy(
      parsePolicyDocument(
        JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'NoDelete', ...deny('iam:Delete*') }] }),
      ),
    );
    const result = evaluatePolicies(
      [
        { id: 'arn:aws:iam::aws:policy/AdministratorAccess', policy: admin },
        { id: 'user/alice:inline/Guard', policy: guard },
      ],
      { action: 'iam:DeleteUser', resource: USER('bob') },
    );
    expect(result.decision).toBe('explicitDeny');
    expect(result.matchedStatements).toEqual([
      { policyId: 'user/alice:inline/Guard', policyType: 'input', statementIndex: 0, sid: 'NoDelete', effect: 'Deny' },
    ]);
  });

  it('reports the allowing statements, and none for an implicit deny', () => {
    const allowed = decide(
      [allow('iam:Get*'), { Sid: 'Second', ...allow('iam:GetUser') }],
      'iam:GetUser',
      USER('a'),
      {},
    );
    expect(allowed.matchedStatements.map((s) => [s.statementIndex, s.sid])).toEqual([
      [0, null],
      [1, 'Second'],
    ]);
    expect(decide([allow('iam:Get*')], 'iam:ListUsers', '*', {}).matchedStatements).toEqual([]);
  });

  it('reports the context keys applicable statements needed and did not get', () => {
    const result = decide(
      [
        allow('iam:DeleteUser', '*', { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } }),
        allow('iam:DeleteUser', USER('${aws:username}')),
        allow('iam:ListUsers', '*', { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }),
      ],
      'iam:DeleteUser',
      USER('a'),
      {},
    );
    expect(result.decision).toBe('implicitDeny');
    expect(result.missingContextKeys.sort()).toEqual(['aws:MultiFactorAuthAge', 'aws:username']);
  });
});
