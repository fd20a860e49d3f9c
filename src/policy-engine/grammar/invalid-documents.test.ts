import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../../shared/errors.ts';
import { IAM_RESOURCE_PREFIXES } from './resource-format.ts';
import { validateTrustPolicy } from '../trust-document.ts';
import { policyProblem, validateIdentityPolicy } from './policy-validator.ts';

/**
 * Documents IAM refuses, each with the message IAM answers. The rules and the order in
 * which IAM applies them are those of the IAM policy grammar and of IAM's recorded answers
 * (see the README's compatibility section); where several things are wrong, the case pins
 * which one IAM names.
 */

const V = '2012-10-17';
const ok = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::ledger/*' };
const doc = (statement: unknown, top: Record<string, unknown> = { Version: V }) =>
  JSON.stringify({ ...top, Statement: statement });
const withS = (extra: Record<string, unknown>) => doc({ ...ok, ...extra });
const cond = (condition: unknown) => withS({ Condition: condition });
const without = (key: string, extra: Record<string, unknown> = {}) => {
  const s: Record<string, unknown> = { ...ok, ...extra };
  delete s[key];
  return doc(s);
};

const SYNTAX = 'Syntax errors in policy.';
const VERSION = 'Policy document must be version 2012-10-17 or greater.';
const LEGACY = 'The policy failed legacy parsing';
const PRINCIPAL = 'Policy document should not specify a principal.';
const SID_CHARS =
  'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*';
const SID_UNIQUE = 'Statement IDs (SID) in a single policy must be unique.';
const NO_ACTIONS = 'Policy statement must contain actions.';
const NO_RESOURCES = 'Policy statement must contain resources.';
const NO_VENDOR = 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.';
const ONE_COLON = 'Actions/Condition can contain only one colon.';
const QUALIFIED = 'Resource vendor must be fully qualified and cannot contain regexes.';
const IAM_PATH = `IAM resource path must either be "*", root, or start with ${IAM_RESOURCE_PREFIXES.join(', ')}.`;
const notArn = (r: string) => `Resource ${r} must be in ARN format or "*".`;
const partition = (p: string, shown: string) => `Partition "${p}" is not valid for resource "${shown}".`;
const s3Region = (r: string) => `Resource ${r} can not contain region information.`;
const iamRegion = (r: string) => `IAM resource ${r} cannot contain region information.`;

const identityCases: Array<[string, string, string]> = [
  // 1. Syntax: the document's shape.
  ['text that is not JSON', '{"Version": "2012-10-17", "Statement": ', SYNTAX],
  ['a JSON list', '[]', SYNTAX],
  ['a JSON string', '"allow everything"', SYNTAX],
  ['JSON null', 'null', SYNTAX],
  ['a JSON number', '17', SYNTAX],
  ['an unknown top-level element', JSON.stringify({ Version: V, Statement: ok, Comment: 'hi' }), SYNTAX],
  ['a top-level element in the wrong case', JSON.stringify({ Version: V, statement: ok }), SYNTAX],
  ['a Version IAM does not have', doc(ok, { Version: '2019-01-01' }), SYNTAX],
  ['a Version that is a number', doc(ok, { Version: 2012 }), SYNTAX],
  ['an Id that is a number', doc(ok, { Version: V, Id: 7 }), SYNTAX],
  ['an Id that is a list', doc(ok, { Version: V, Id: ['a'] }), SYNTAX],
  ['no Statement', JSON.stringify({ Version: V }), SYNTAX],
  ['an empty Statement list', doc([]), SYNTAX],
  ['a Statement that is a string', doc('allow'), SYNTAX],
  ['a statement that is a string', doc(['allow']), SYNTAX],
  ['a statement that is null', doc([ok, null]), SYNTAX],
  ['an unknown statement element', withS({ Actions: 's3:GetObject' }), SYNTAX],
  ['a statement element in the wrong case', without('Effect', { effect: 'Allow' }), SYNTAX],
  ['no Effect', without('Effect'), SYNTAX],
  ['an Effect IAM does not have', withS({ Effect: 'Permit' }), SYNTAX],
  ['an Effect that is not a string', withS({ Effect: true }), SYNTAX],
  ['an Effect that is null', withS({ Effect: null }), SYNTAX],
  ['both Action and NotAction', withS({ NotAction: 's3:PutObject' }), SYNTAX],
  ['both Action and an empty NotAction', withS({ NotAction: [] }), SYNTAX],
  ['both Resource and NotResource', withS({ NotResource: '*' }), SYNTAX],
  ['an Action that is a number', withS({ Action: 3 }), SYNTAX],
  ['an Action that is an object', withS({ Action: { s3: 'GetObject' } }), SYNTAX],
  ['a number in the Action list', withS({ Action: ['s3:GetObject', 3] }), SYNTAX],
  ['a list in the Action list', withS({ Action: [['s3:GetObject']] }), SYNTAX],
  ['a Resource that is an object', withS({ Resource: { arn: 'arn:aws:s3:::ledger' } }), SYNTAX],
  ['a Resource that is null', withS({ Resource: null }), SYNTAX],
  ['null in the Resource list', withS({ Resource: ['arn:aws:s3:::ledger', null] }), SYNTAX],
  ['a NotResource that is a boolean', without('Resource', { NotResource: true }), SYNTAX],
  ['a Condition that is a list', cond([{ StringEquals: { 'aws:username': 'ann' } }]), SYNTAX],
  ['a Condition that is a string', cond('StringEquals'), SYNTAX],
  ['a condition key in place of an operator', cond({ 'aws:username': 'ann' }), SYNTAX],
  ['an operator whose block is a string', cond({ StringEquals: 'ann' }), SYNTAX],
  ['an operator whose block is a list', cond({ DateLessThan: [] }), SYNTAX],
  ['a condition value that is an object', cond({ StringEquals: { 'aws:username': { name: 'ann' } } }), SYNTAX],
  ['an object in a condition value list', cond({ StringEquals: { 'aws:username': ['ann', {}] } }), SYNTAX],
  ['a condition value that is null', cond({ StringEquals: { 'aws:username': null } }), SYNTAX],
  ['an operator IAM does not have', cond({ StringEqualz: { 'aws:username': 'ann' } }), SYNTAX],
  ['an operator in the wrong case', cond({ stringEquals: { 'aws:username': 'ann' } }), SYNTAX],
  ['a set qualifier IAM does not have', cond({ 'ForSomeValues:StringEquals': { 'aws:TagKeys': 'team' } }), SYNTAX],
  ['a qualifier with two colons', cond({ 'ForAnyValue::StringEquals': { 'aws:TagKeys': 'team' } }), SYNTAX],
  ['IfExists in front', cond({ IfExistsStringEquals: { 'aws:username': 'ann' } }), SYNTAX],
  [
    'a bad operator in a statement without actions',
    doc({ Effect: 'Allow', Resource: '*', Condition: { DateNewerThan: { 'aws:CurrentTime': {} } } }),
    SYNTAX,
  ],
  ['a Sid that is a number', withS({ Sid: 1 }), SYNTAX],
  ['a Sid that is an object', withS({ Sid: {} }), SYNTAX],
  ['a Sid that is a list', withS({ Sid: ['One'] }), SYNTAX],
  ['a syntax error after a missing Version', JSON.stringify({ Statement: { ...ok, Extra: 1 } }), SYNTAX],

  // 2. Version.
  ['no Version', doc(ok, {}), VERSION],
  ['Version 2008-10-17', doc(ok, { Version: '2008-10-17' }), VERSION],
  [
    'no Version and a repeated Sid',
    doc(
      [
        { Sid: 'A', ...ok },
        { Sid: 'A', ...ok },
      ],
      {},
    ),
    VERSION,
  ],
  [
    'Version 2008-10-17 and an Effect in the wrong case',
    doc({ ...ok, Effect: 'allow' }, { Version: '2008-10-17' }),
    VERSION,
  ],
  ['no Version and no actions', doc({ Effect: 'Allow', Resource: '*' }, {}), VERSION],
  [
    'no Version and a bad date',
    doc({ ...ok, Condition: { DateLessThan: { 'aws:CurrentTime': 'soon' } } }, {}),
    VERSION,
  ],

  // 3. Principals belong to resource-based and trust policies.
  ['a Principal', withS({ Principal: { AWS: 'arn:aws:iam::111122223333:root' } }), PRINCIPAL],
  ['a Principal of everyone', withS({ Principal: '*' }), PRINCIPAL],
  ['a NotPrincipal', withS({ NotPrincipal: { Service: 'ec2.amazonaws.com' } }), PRINCIPAL],

  // 4. The legacy parser: exact Effect, Date values, the old ARN reader.
  ['an Effect in lower case', withS({ Effect: 'allow' }), LEGACY],
  ['an Effect in upper case', withS({ Effect: 'DENY' }), LEGACY],
  [
    'an Effect in mixed case, with a repeated Sid',
    doc([
      { Sid: 'A', ...ok, Effect: 'aLLow' },
      { Sid: 'A', ...ok },
    ]),
    LEGACY,
  ],
  ['an Effect in the wrong case and no actions', doc({ Effect: 'deny', Resource: '*' }), LEGACY],
  ['a date that is a word', cond({ DateLessThan: { 'aws:CurrentTime': 'soon' } }), LEGACY],
  ['a date with letters and a T', cond({ DateGreaterThan: { 'aws:CurrentTime': 'yesterday' } }), LEGACY],
  ['month 13', cond({ DateLessThan: { 'aws:CurrentTime': '2026-13-01' } }), LEGACY],
  ['day 32', cond({ DateEquals: { 'aws:CurrentTime': '2026-01-32' } }), LEGACY],
  ['four date fields', cond({ DateLessThan: { 'aws:CurrentTime': '2026-01-01-01' } }), LEGACY],
  ['hour 24', cond({ DateLessThan: { 'aws:CurrentTime': '2026-01-01T24:00:00Z' } }), LEGACY],
  ['minute 60', cond({ DateLessThan: { 'aws:CurrentTime': '2026-01-01T10:60:00Z' } }), LEGACY],
  ['second 60', cond({ DateLessThan: { 'aws:CurrentTime': '2026-01-01T10:00:60Z' } }), LEGACY],
  ['text after Z', cond({ DateLessThan: { 'aws:CurrentTime': '2026-01-01T10:00:00Zulu' } }), LEGACY],
  ['a one-digit offset', cond({ DateLessThan: { 'aws:CurrentTime': '2026-01-01T10:00:00+5' } }), LEGACY],
  ['ten digits of fraction', cond({ DateLessThan: { 'aws:CurrentTime': '2026-01-01T10:00:00.1234567890Z' } }), LEGACY],
  ['epoch seconds beyond a long', cond({ DateLessThan: { 'aws:EpochTime': '9223372036854775808' } }), LEGACY],
  ['a date that is a boolean', cond({ DateLessThan: { 'aws:CurrentTime': true } }), LEGACY],
  ['a bad date among good ones', cond({ DateLessThan: { 'aws:CurrentTime': ['2026-01-01', 'later'] } }), LEGACY],
  [
    'a bad date under a qualified operator',
    cond({ 'ForAnyValue:DateEqualsIfExists': { 'aws:CurrentTime': 'never' } }),
    LEGACY,
  ],
  [
    'a bad date in a statement without actions',
    doc({ Effect: 'Allow', Condition: { DateLessThan: { 'aws:CurrentTime': 'never' } } }),
    LEGACY,
  ],
  [
    'a bad date before a bad partition',
    withS({ Resource: 'arn:nope:s3:::ledger', Condition: { DateLessThan: { 'aws:CurrentTime': 'never' } } }),
    LEGACY,
  ],
  ['an S3 ARN with a field missing', withS({ Resource: 'arn:aws:s3::ledger' }), LEGACY],
  ['an ARN with a field missing in NotResource', without('Resource', { NotResource: 'arn:aws:s3::ledger/*' }), LEGACY],
  ['an ARN with a field missing and no actions', doc({ Effect: 'Allow', Resource: 'arn:aws:s3::ledger' }), LEGACY],
  ['an ARN with an empty service', withS({ Resource: 'arn:aws::::ledger' }), LEGACY],
  ['a short ARN with an empty service', withS({ Resource: 'arn:aws::ledger' }), LEGACY],
  ['a bad ARN in a list of good ones', withS({ Resource: ['arn:aws:s3:::ledger', 'arn:aws:ec2::volume/v-1'] }), LEGACY],
  [
    'an ARN with a field missing before a bad one in a later statement',
    doc([
      { ...ok, Resource: 'arn:aws:s3::ledger' },
      { ...ok, Resource: 'ledger' },
    ]),
    LEGACY,
  ],

  // 5. Statement IDs.
  ['a Sid with a hyphen', withS({ Sid: 'read-ledger' }), SID_CHARS],
  ['a Sid with an underscore', withS({ Sid: 'read_ledger' }), SID_CHARS],
  ['a Sid with a space', withS({ Sid: 'Read ledger' }), SID_CHARS],
  ['a Sid with a dot', withS({ Sid: 'Read.1' }), SID_CHARS],
  ['a Sid with an accent', withS({ Sid: 'Réserve' }), SID_CHARS],
  [
    'a repeated Sid',
    doc([
      { Sid: 'Read', ...ok },
      { Sid: 'Read', ...ok, Action: 's3:ListBucket' },
    ]),
    SID_UNIQUE,
  ],
  [
    'a repeated Sid in a statement without actions',
    doc([
      { Sid: 'Read', ...ok },
      { Sid: 'Read', Effect: 'Deny' },
    ]),
    SID_UNIQUE,
  ],
  [
    'a Sid repeated in the third statement',
    doc([
      { Sid: 'A', ...ok },
      { Sid: 'B', ...ok },
      { Sid: 'A', ...ok },
    ]),
    SID_UNIQUE,
  ],

  // 6. Actions, then resources.
  ['no Action', without('Action'), NO_ACTIONS],
  ['an empty Action list', withS({ Action: [] }), NO_ACTIONS],
  ['an empty NotAction list', without('Action', { NotAction: [] }), NO_ACTIONS],
  ['a statement with only an Effect', doc({ Effect: 'Allow' }), NO_ACTIONS],
  ['a second statement without actions', doc([ok, { Effect: 'Deny', Resource: '*' }]), NO_ACTIONS],
  ['no actions and a bad resource', doc({ Effect: 'Allow', Resource: 'ledger' }), NO_ACTIONS],
  ['no Resource', without('Resource'), NO_RESOURCES],
  ['an empty Resource list', withS({ Resource: [] }), NO_RESOURCES],
  ['an empty NotResource list', without('Resource', { NotResource: [] }), NO_RESOURCES],
  ['a second statement without resources', doc([ok, { Effect: 'Deny', Action: 's3:*' }]), NO_RESOURCES],
  ['no resources and an action without a vendor', doc({ Effect: 'Allow', Action: 'GetObject' }), NO_RESOURCES],
  [
    'no resources in one statement and a bad one in another',
    doc([
      { ...ok, Resource: 'ledger' },
      { Effect: 'Allow', Action: 's3:*' },
    ]),
    NO_RESOURCES,
  ],

  // 7. ARN formats.
  ['a resource that is a word', withS({ Resource: 'ledger' }), notArn('ledger')],
  ['an empty resource', withS({ Resource: '' }), notArn('')],
  ['a path for a resource', withS({ Resource: 'user/alice' }), notArn('user/alice')],
  ['a resource with a space', withS({ Resource: 'the ledger' }), notArn('the ledger')],
  ['a bad NotResource', without('Resource', { NotResource: 'ledger' }), notArn('ledger')],
  ['an ARN that stops after the partition', withS({ Resource: 'arn:aws' }), QUALIFIED],
  ['an ARN that stops after the China partition', withS({ Resource: 'arn:aws-cn' }), QUALIFIED],
  ['an ARN that stops after any partition', withS({ Resource: 'arn:*' }), QUALIFIED],
  ['an unknown partition', withS({ Resource: 'arn:nope:s3:::ledger' }), partition('nope', 'arn:nope:s3:::ledger')],
  ['a partition in upper case', withS({ Resource: 'arn:AWS:s3:::ledger' }), partition('AWS', 'arn:AWS:s3:::ledger')],
  ['no arn prefix', withS({ Resource: 'aws:s3:::ledger' }), partition('s3', 'arn:s3:::ledger:*')],
  ['two words', withS({ Resource: 'a:b' }), partition('b', 'arn:b:*:*:*:*')],
  ['three words', withS({ Resource: 'a:b:c' }), partition('b', 'arn:b:c:*:*:*')],
  [
    'an unknown partition and many fields',
    withS({ Resource: 'arn:aws2:iam::111122223333:user/a:b' }),
    partition('aws2', 'arn:aws2:iam::111122223333:user/a:b'),
  ],
  [
    'a region in an S3 ARN',
    withS({ Resource: 'arn:aws:s3:us-east-1::ledger' }),
    s3Region('arn:aws:s3:us-east-1::ledger'),
  ],
  ['any region in an S3 ARN', withS({ Resource: 'arn:aws:s3:*::ledger/*' }), s3Region('arn:aws:s3:*::ledger/*')],
  [
    'a region and an account in an S3 bucket ARN',
    withS({ Resource: 'arn:aws:s3:eu-west-1:111122223333:ledger' }),
    s3Region('arn:aws:s3:eu-west-1:111122223333:ledger'),
  ],
  [
    'a region in an IAM ARN',
    withS({ Resource: 'arn:aws:iam:us-east-1:111122223333:user/alice' }),
    iamRegion('arn:aws:iam:us-east-1:111122223333:user/alice'),
  ],
  ['any region in an IAM ARN', withS({ Resource: 'arn:aws:iam:*:*:role/ops' }), iamRegion('arn:aws:iam:*:*:role/ops')],
  ['an IAM ARN with no resource type', withS({ Resource: 'arn:aws:iam::111122223333:alice' }), IAM_PATH],
  ['an IAM resource type IAM does not have', withS({ Resource: 'arn:aws:iam::111122223333:users/alice' }), IAM_PATH],
  ['an IAM resource type in the wrong case', withS({ Resource: 'arn:aws:iam::111122223333:User/alice' }), IAM_PATH],
  ['an IAM ARN without a resource', withS({ Resource: 'arn:aws:iam::111122223333:' }), IAM_PATH],
  ['an IAM root in the wrong case', withS({ Resource: 'arn:aws:iam::111122223333:Root' }), IAM_PATH],
  ['an IAM ARN with no account field', withS({ Resource: 'arn:aws:iam::user/alice' }), IAM_PATH],
  [
    'the least of several bad resources',
    withS({ Resource: ['arn:nope:s3:::ledger', 'arn:aws:s3:us-east-1::ledger'] }),
    s3Region('arn:aws:s3:us-east-1::ledger'),
  ],
  [
    'the last statement’s bad resource',
    doc([
      { ...ok, Resource: 'ledger' },
      { ...ok, Resource: 'arn:aws' },
    ]),
    QUALIFIED,
  ],
  [
    'a bad NotResource, read after a later statement’s bad Resource',
    doc([
      { Effect: 'Allow', Action: 's3:GetObject', NotResource: 'first' },
      { ...ok, Resource: 'second' },
    ]),
    notArn('first'),
  ],
  [
    'a bad resource that hides a later statement’s short ARN',
    doc([
      { ...ok, Resource: 'ledger' },
      { ...ok, Resource: 'arn:aws:s3::ledger' },
    ]),
    notArn('ledger'),
  ],
  [
    'a repeated Sid and a bad resource',
    doc([
      { Sid: 'A', ...ok, Resource: 'ledger' },
      { Sid: 'A', ...ok },
    ]),
    SID_UNIQUE,
  ],
  [
    'a bad resource and an action without a vendor',
    withS({ Action: 'GetObject', Resource: 'ledger' }),
    notArn('ledger'),
  ],

  // 8. Action vendors.
  ['an action without a vendor', withS({ Action: 'GetObject' }), NO_VENDOR],
  ['an empty action', withS({ Action: '' }), NO_VENDOR],
  ['a vendor alone', withS({ Action: 's3' }), NO_VENDOR],
  ['a NotAction without a vendor', without('Action', { NotAction: 'ListBucket' }), NO_VENDOR],
  ['an action with two colons', withS({ Action: 's3:Get:Object' }), ONE_COLON],
  ['an action with a doubled colon', withS({ Action: 'iam::GetUser' }), ONE_COLON],
  ['an ARN for an action', withS({ Action: 'arn:aws:s3:::ledger' }), ONE_COLON],
  ['a vendor with a space', withS({ Action: 'a b:GetObject' }), 'Vendor a b is not valid'],
  ['a vendor with a wildcard', withS({ Action: 's3*:GetObject' }), 'Vendor s3* is not valid'],
  ['a vendor with an underscore', withS({ Action: 'my_service:Run' }), 'Vendor my_service is not valid'],
  ['a vendor with a slash', withS({ Action: 's3/x:GetObject' }), 'Vendor s3/x is not valid'],
  ['a vendor with a leading space', withS({ Action: ' s3:GetObject' }), 'Vendor  s3 is not valid'],
  [
    'Action lists checked before NotAction lists',
    doc([
      { Effect: 'Allow', NotAction: 'a:b:c', Resource: '*' },
      { ...ok, Action: 'GetObject' },
    ]),
    NO_VENDOR,
  ],
  ['the first bad action of a list', withS({ Action: ['s3:GetObject', 's3:Get:Object', 'GetObject'] }), ONE_COLON],
];

function refusal(validate: (text: string) => void, text: string): string {
  try {
    validate(text);
  } catch (error) {
    expect(error).toBeInstanceOf(GatehouseError);
    expect([(error as GatehouseError).code, (error as GatehouseError).status]).toEqual([
      'MalformedPolicyDocument',
      400,
    ]);
    return (error as GatehouseError).message;
  }
  return 'accepted';
}

function trustRefusal(text: string): string {
  const result = validateTrustPolicy(text);
  return result.ok ? 'accepted' : result.message;
}

describe('identity policies IAM refuses', () => {
  it('the table holds at least 100 cases, each a different document', () => {
    expect(identityCases.length).toBeGreaterThanOrEqual(100);
    expect(new Set(identityCases.map(([, text]) => text)).size).toBe(identityCases.length);
  });

  it.each(identityCases)('%s', (_name, text, message) => {
    expect(refusal(validateIdentityPolicy, text)).toBe(message);
  });
});

const trust = (statement: unknown, top: Record<string, unknown> = { Version: V }) => doc(statement, top);
const assume = { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' };

const trustCases: Array<[string, string, string]> = [
  ['text that is not JSON', 'not json', 'This policy contains invalid Json'],
  ['an unknown element', trust({ ...assume, Extra: 1 }), SYNTAX],
  ['a Resource', trust({ ...assume, Resource: 'arn:aws:s3:::ledger' }), 'Has prohibited field Resource'],
  ['a NotResource', trust({ ...assume, NotResource: '*' }), 'Has prohibited field Resource'],
  [
    'no Principal',
    trust({ Effect: 'Allow', Action: 'sts:AssumeRole' }),
    'Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!',
  ],
  [
    'an action that is not STS AssumeRole',
    trust({ ...assume, Action: 'sts:InvalidAction' }),
    'AssumeRole policy may only specify STS AssumeRole actions.',
  ],
  [
    'another service’s action',
    trust({ ...assume, Action: ['sts:AssumeRole', 'iam:PassRole'] }),
    'AssumeRole policy may only specify STS AssumeRole actions.',
  ],
  [
    'an operator in the wrong case',
    trust({ ...assume, Condition: { stringEquals: { 'sts:ExternalId': 'x' } } }),
    'Invalid Condition type : stringEquals',
  ],
  ['no Action', trust({ Effect: 'Allow', Principal: '*' }), NO_ACTIONS],
  [
    'a repeated Sid',
    trust([
      { Sid: 'A', ...assume },
      { Sid: 'A', ...assume },
    ]),
    SID_UNIQUE,
  ],
  ['an Effect in the wrong case', trust({ ...assume, Effect: 'allow' }), LEGACY],
  ['an action without a vendor', trust({ ...assume, Action: 'AssumeRole' }), NO_VENDOR],
];

describe('trust policies IAM refuses', () => {
  it.each(trustCases)('%s', (_name, text, message) => {
    expect(trustRefusal(text)).toBe(message);
  });

  it.each([
    ['a service principal', trust(assume)],
    [
      'an account principal, web identity and tagging, version 2008-10-17',
      trust(
        {
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::111122223333:root'] },
          Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'],
        },
        { Version: '2008-10-17' },
      ),
    ],
    [
      'no Version and an ExternalId condition',
      trust({ ...assume, Condition: { StringEquals: { 'sts:ExternalId': 'x-1' } } }, {}),
    ],
    ['a wildcard that names AssumeRole', trust({ ...assume, Action: 'sts:AssumeRole*' })],
  ])('accepts %s', (_name, text) => {
    expect(trustRefusal(text)).toBe('accepted');
  });
});

describe('the statement a refusal concerns', () => {
  const read = { Sid: 'Read', ...ok };
  const where = (text: string, kind: 'identity' | 'trust' = 'identity') => {
    const problem = policyProblem(text, kind);
    return problem && { message: problem.message, statement: problem.statement };
  };

  it.each<[string, string, string, { index: number; sid: string | null } | null]>([
    ['a bad element in the second statement', doc([read, { ...ok, Actions: 'x' }]), SYNTAX, { index: 1, sid: null }],
    [
      'a bad Effect in a statement with a Sid',
      doc([ok, { ...read, Effect: 'Permit' }]),
      SYNTAX,
      { index: 1, sid: 'Read' },
    ],
    ['a statement that is not an object', doc([ok, ok, 'allow']), SYNTAX, { index: 2, sid: null }],
    ['a Sid that is a number', doc([ok, { ...ok, Sid: 7 }]), SYNTAX, { index: 1, sid: null }],
    [
      'an empty Sid',
      doc([
        { ...ok, Sid: '' },
        { ...ok, Effect: 'allow' },
      ]),
      LEGACY,
      { index: 1, sid: null },
    ],
    ['a lone statement', withS({ Sid: 'Only', Principal: '*' }), PRINCIPAL, { index: 0, sid: 'Only' }],
    [
      'a bad date',
      doc([read, { ...ok, Sid: 'Late', Condition: { DateLessThan: { 'aws:CurrentTime': 'soon' } } }]),
      LEGACY,
      { index: 1, sid: 'Late' },
    ],
    ['a Sid with a hyphen', doc([read, { ...ok, Sid: 'read-2' }]), SID_CHARS, { index: 1, sid: 'read-2' }],
    ['a Sid repeated in the third statement', doc([read, ok, read]), SID_UNIQUE, { index: 2, sid: 'Read' }],
    ['no actions', doc([read, { Sid: 'Bare', Effect: 'Deny', Resource: '*' }]), NO_ACTIONS, { index: 1, sid: 'Bare' }],
    ['no resources', doc([read, { Effect: 'Deny', Action: 's3:*' }]), NO_RESOURCES, { index: 1, sid: null }],
    [
      'a bad resource',
      doc([read, { ...ok, Sid: 'Two', Resource: 'ledger' }]),
      notArn('ledger'),
      { index: 1, sid: 'Two' },
    ],
    [
      'the last bad resource met, in its statement',
      doc([
        { ...ok, Sid: 'First', Resource: 'ledger' },
        { ...ok, Sid: 'Second', Resource: 'arn:aws' },
      ]),
      QUALIFIED,
      { index: 1, sid: 'Second' },
    ],
    [
      'an action without a vendor',
      doc([read, { ...ok, Action: ['s3:GetObject', 'GetObject'] }]),
      NO_VENDOR,
      { index: 1, sid: null },
    ],
    ['no Version', doc([read], {}), VERSION, null],
    ['an empty Statement list', doc([]), SYNTAX, null],
  ])('%s', (_name, text, message, statement) => {
    expect(where(text)).toEqual({ message, statement });
  });

  it('names the statement of a trust policy too', () => {
    expect(where(trust([assume, { ...assume, Sid: 'Pass', Action: 'iam:PassRole' }]), 'trust')).toEqual({
      message: 'AssumeRole policy may only specify STS AssumeRole actions.',
      statement: { index: 1, sid: 'Pass' },
    });
    expect(where(trust([assume, { Effect: 'Allow', Action: 'sts:AssumeRole' }]), 'trust')?.statement).toEqual({
      index: 1,
      sid: null,
    });
  });

  it('says where the JSON reader stopped in text that is not JSON', () => {
    const text = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow",}\n  ]\n}';
    const problem = policyProblem(text, 'identity');
    expect(problem).toMatchObject({ message: SYNTAX, statement: null, jsonPosition: { line: 4 } });
    expect(policyProblem('{"Version": "2012-10-17", ', 'identity')?.jsonPosition).toEqual({ line: 1, column: 27 });
    expect(policyProblem(doc(ok), 'identity')).toBeNull();
    expect(policyProblem(doc([]), 'identity')?.jsonPosition).toBeNull();
  });
});
