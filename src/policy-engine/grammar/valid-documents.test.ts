import { describe, expect, it } from 'vitest';
import { AWS_MANAGED_POLICIES } from '../../policies/aws-managed.ts';
import { formatPolicyDocument, parsePolicyDocument } from '../document.ts';
import { CONDITION_OPERATORS } from '../operators.ts';
import { CONDITION_OPERATOR_NAMES, validateIdentityPolicy } from './policy-validator.ts';

/**
 * Documents IAM accepts, one for each shape AWS's own managed policies use (NotAction,
 * NotResource, IfExists and set operators, policy variables, lone strings and lists,
 * wildcards, service-linked role ARNs, regional S3 resource types, boolean condition
 * values) and for the corners of the grammar IAM is lenient about. Each must be accepted
 * and must survive a round trip through the engine's reader and the canonical form.
 */

const V = '2012-10-17';
const doc = (...statements: object[]) => JSON.stringify({ Version: V, Statement: statements });
const one = (statement: object) => JSON.stringify({ Version: V, Statement: statement });

const valid: Array<[string, string]> = [
  ['a lone statement object', one({ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' })],
  [
    'lists everywhere',
    doc({
      Effect: 'Allow',
      Action: ['iam:GetUser', 'iam:ListUsers'],
      Resource: ['arn:aws:iam::111122223333:user/*', '*'],
    }),
  ],
  ['NotAction with Resource', doc({ Effect: 'Deny', NotAction: ['iam:*', 'sts:GetSessionToken'], Resource: '*' })],
  [
    'Action with NotResource',
    doc({ Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::payroll', 'arn:aws:s3:::payroll/*'] }),
  ],
  ['NotAction with NotResource', doc({ Effect: 'Allow', NotAction: 's3:DeleteBucket', NotResource: '*' })],
  [
    'wildcards in actions',
    doc({ Effect: 'Allow', Action: ['s3:Get*', 'iam:*Policy*', 'ec2:Describe?nstances', '*'], Resource: '*' }),
  ],
  [
    'an action name IAM does not know',
    doc({ Effect: 'Allow', Action: 'exampleservice:DoSomethingNew', Resource: '*' }),
  ],
  ['an unusual action string', doc({ Effect: 'Allow', Action: 'iam: Get User ', Resource: '*' })],
  [
    'vendors with dots and hyphens',
    doc({ Effect: 'Allow', Action: ['execute-api:Invoke', 'aws-portal:ViewBilling', 'a.b:Run'], Resource: '*' }),
  ],
  [
    'many statements with and without Sids',
    doc(
      { Sid: 'Read', Effect: 'Allow', Action: 'iam:Get*', Resource: '*' },
      { Effect: 'Deny', Action: 'iam:Delete*', Resource: '*' },
      { Sid: 'List', Effect: 'Allow', Action: 'iam:List*', Resource: '*' },
    ),
  ],
  [
    'empty Sids, repeated',
    doc(
      { Sid: '', Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' },
      { Sid: '', Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' },
    ),
  ],
  [
    'an Id',
    JSON.stringify({
      Version: V,
      Id: 'ledger-access 1',
      Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::ledger/*' },
    }),
  ],
  [
    'policy variables in resources',
    doc({ Effect: 'Allow', Action: 'iam:*AccessKey*', Resource: 'arn:aws:iam::*:user/${aws:username}' }),
  ],
  [
    'policy variables with defaults and escapes',
    doc({
      Effect: 'Allow',
      Action: 's3:*',
      Resource: ["arn:aws:s3:::home/${aws:PrincipalTag/team, 'none'}/*", 'arn:aws:s3:::literal${*}star'],
    }),
  ],
  [
    'policy variables in condition values',
    doc({
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::home',
      Condition: { StringLike: { 's3:prefix': ['', 'home/', 'home/${aws:userid}/*'] } },
    }),
  ],
  [
    'a variable naming another service',
    doc({
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::app/${cognito-identity.amazonaws.com:sub}/*',
    }),
  ],
  [
    'IfExists operators',
    doc({
      Effect: 'Deny',
      NotAction: 'iam:ChangePassword',
      Resource: '*',
      Condition: {
        BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' },
        StringNotEqualsIfExists: { 'aws:RequestedRegion': 'eu-west-1' },
      },
    }),
  ],
  [
    'ForAllValues and ForAnyValue',
    doc({
      Effect: 'Allow',
      Action: 'iam:TagUser',
      Resource: '*',
      Condition: {
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'cost'] },
        'ForAnyValue:StringLike': { 'aws:TagKeys': 'c*' },
      },
    }),
  ],
  [
    'set operators with IfExists',
    doc({
      Effect: 'Allow',
      Action: 'ec2:RunInstances',
      Resource: '*',
      Condition: {
        'ForAllValues:StringLikeIfExists': { 'aws:TagKeys': 'app-*' },
        'ForAnyValue:StringEqualsIfExists': { 'ec2:InstanceType': 't3.micro' },
      },
    }),
  ],
  [
    'Null, and Null with qualifiers',
    doc({
      Effect: 'Deny',
      Action: 'ec2:RunInstances',
      Resource: '*',
      Condition: { Null: { 'aws:RequestTag/team': 'true' }, NullIfExists: { 'aws:ResourceTag/team': 'false' } },
    }),
  ],
  [
    'every operator family',
    doc({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: {
        NumericLessThanEquals: { 's3:max-keys': '10' },
        DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' },
        IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] },
        NotIpAddress: { 'aws:SourceIp': '198.51.100.7' },
        ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/ops-*' },
        ArnNotEquals: { 'aws:SourceArn': 'arn:aws:sns:eu-west-1:111122223333:alerts' },
        BinaryEquals: { 'aws:binary': 'QmluYXJ5' },
        StringEqualsIgnoreCase: { 'aws:username': 'ANN' },
      },
    }),
  ],
  [
    'boolean and number condition values',
    doc({
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: {
        Bool: { 'aws:SecureTransport': false, 'aws:ViaAWSService': true },
        NumericGreaterThan: { 'aws:MultiFactorAuthAge': 3600 },
        NumericEquals: { 's3:max-keys': [1, 2.5] },
      },
    }),
  ],
  [
    'condition keys without a service prefix',
    doc({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { StringEquals: { team: 'ops', 'x-y': ['a', 'b'] } },
    }),
  ],
  ['an empty Condition', doc({ Effect: 'Allow', Action: '*', Resource: '*', Condition: {} })],
  [
    'an operator with nothing to test',
    doc({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: { DateGreaterThan: {}, StringEquals: { 'aws:username': [] } },
    }),
  ],
  [
    'operators IAM does not know, testing nothing',
    doc({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEqualz: {}, 'ForSomeValues:Bool': {} } }),
  ],
  [
    'numbers that are not numbers, addresses that are not addresses',
    doc({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: {
        NumericLessThan: { 'aws:MultiFactorAuthAge': 'soon' },
        IpAddress: { 'aws:SourceIp': '10.0.0.0/33' },
      },
    }),
  ],
  [
    'dates IAM reads',
    doc({
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
      Condition: {
        DateLessThan: {
          'aws:CurrentTime': [
            '2026',
            '2026-05',
            '2026-05-01T10:00:00.123456789+02:00',
            '2026-05-01t10:00:00.5-05:00',
            '1767225600',
            '-292275054',
            '01T',
          ],
        },
      },
    }),
  ],
  [
    'service-linked role ARNs',
    doc({
      Effect: 'Allow',
      Action: 'iam:CreateServiceLinkedRole',
      Resource: 'arn:aws:iam::*:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling*',
      Condition: { StringLike: { 'iam:AWSServiceName': 'autoscaling.amazonaws.com' } },
    }),
  ],
  [
    'any partition',
    doc({
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: 'arn:*:iam::*:role/aws-service-role/license-manager.amazonaws.com/*',
    }),
  ],
  [
    'other partitions',
    doc({
      Effect: 'Allow',
      Action: 's3:*',
      Resource: ['arn:aws-cn:s3:::ledger', 'arn:aws-us-gov:s3:::ledger', 'arn:aws-iso-b:ec2:*:*:instance/*'],
    }),
  ],
  [
    'every IAM resource type, root and *',
    doc({
      Effect: 'Allow',
      Action: 'iam:*',
      Resource: [
        'arn:aws:iam::111122223333:root',
        'arn:aws:iam::111122223333:*',
        'arn:aws:iam::*:user/a',
        'arn:aws:iam::*:federated-user/a',
        'arn:aws:iam::*:role/a',
        'arn:aws:iam::*:group/a',
        'arn:aws:iam::*:instance-profile/a',
        'arn:aws:iam::*:mfa/a',
        'arn:aws:iam::*:server-certificate/a',
        'arn:aws:iam::aws:policy/a',
        'arn:aws:iam::*:sms-mfa/a',
        'arn:aws:iam::*:saml-provider/a',
        'arn:aws:iam::*:oidc-provider/a',
        'arn:aws:iam::*:report/a',
        'arn:aws:iam::*:access-report/a',
      ],
    }),
  ],
  [
    'regional S3 resource types',
    doc({
      Effect: 'Allow',
      Action: 's3:*',
      Resource: [
        'arn:aws:s3:us-west-2:111122223333:accesspoint/reports',
        'arn:aws:s3:*:*:access-grants/default/*',
        'arn:aws:s3:*:111122223333:job/*',
        'arn:aws:s3:us-east-1:111122223333:storage-lens/default',
      ],
    }),
  ],
  [
    'regions where other services have them',
    doc({
      Effect: 'Allow',
      Action: '*',
      Resource: [
        'arn:aws:ec2:us-east-1::image/*',
        'arn:aws:cloudwatch:*:*:alarm:*',
        'arn:aws:logs:*:*:log-group:/aws/app:log-stream:*',
      ],
    }),
  ],
  [
    'services and fields IAM does not check',
    doc({
      Effect: 'Allow',
      Action: '*',
      Resource: [
        'arn:aws:exampleservice:::thing',
        'arn:aws:ec2:region:account-id:instance/*',
        'arn:aws:fdsasf',
        'arn:aws:ec2:::x/y',
      ],
    }),
  ],
  [
    'resources with many colons',
    doc({
      Effect: 'Allow',
      Action: 'logs:*',
      Resource: 'arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/app:*:*',
    }),
  ],
];

describe('documents IAM accepts', () => {
  it.each(valid)('accepts %s, and its canonical form, which means the same', (_name, text) => {
    expect(() => validateIdentityPolicy(text)).not.toThrow();
    const read = parsePolicyDocument(text);
    const canonical = formatPolicyDocument(read);
    expect(() => validateIdentityPolicy(canonical)).not.toThrow();
    expect(parsePolicyDocument(canonical)).toEqual(read);
  });

  it.each(AWS_MANAGED_POLICIES.map((p) => [p.name, p.document]))(
    'accepts the AWS managed policy %s and its canonical form',
    (_name, text) => {
      expect(() => validateIdentityPolicy(text)).not.toThrow();
      const canonical = formatPolicyDocument(parsePolicyDocument(text));
      expect(() => validateIdentityPolicy(canonical)).not.toThrow();
      expect(parsePolicyDocument(canonical)).toEqual(parsePolicyDocument(text));
    },
  );

  it('knows the same condition operators as the engine', () => {
    expect([...CONDITION_OPERATOR_NAMES].sort()).toEqual(Object.keys(CONDITION_OPERATORS).sort());
  });
});
