import { describe, expect, it } from 'vitest';
import { parsePolicyDocument } from './document.ts';
import {
  invalidPrincipalMessage,
  namedAwsPrincipals,
  uniqueIdPrincipals,
  validateTrustPolicy,
} from './trust-document.ts';

const ACCT = '111122223333';
const V = '2012-10-17';
const assume = { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'sts:AssumeRole' };
const trust = (statement: unknown, top: Record<string, unknown> = { Version: V }) =>
  JSON.stringify({ ...top, Statement: statement });
const withPrincipal = (Principal: unknown) => trust({ ...assume, Principal });

function refusal(text: string): string {
  const result = validateTrustPolicy(text);
  return result.ok ? 'accepted' : result.message;
}

const NO_PRINCIPALS =
  'Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!';
const ONLY_ASSUME = 'AssumeRole policy may only specify STS AssumeRole actions.';

describe('trust policies IAM refuses, with its words', () => {
  it.each([
    ['text that is not JSON', '{"Version": "2012-10-17", "Statement": [', 'This policy contains invalid Json'],
    ['a Version IAM does not have', trust(assume, { Version: '2012-10-18' }), 'Syntax errors in policy.'],
    ['an element IAM does not have', trust({ ...assume, Principals: '*' }), 'Syntax errors in policy.'],
    ['a Resource', trust({ ...assume, Resource: '*' }), 'Has prohibited field Resource'],
    ['a NotResource', trust({ ...assume, NotResource: 'arn:aws:s3:::b' }), 'Has prohibited field Resource'],
    ['no Principal', trust({ Effect: 'Allow', Action: 'sts:AssumeRole' }), NO_PRINCIPALS],
    ['a Principal with no type', withPrincipal({}), NO_PRINCIPALS],
    ['a Principal type with no values', withPrincipal({ AWS: [] }), NO_PRINCIPALS],
    [
      'a Principal that is an ARN without a type',
      withPrincipal(`arn:aws:iam::${ACCT}:root`),
      'Syntax errors in policy.',
    ],
    ['an STS action that is not a trust action', trust({ ...assume, Action: 'sts:GetCallerIdentity' }), ONLY_ASSUME],
    ['another service’s action', trust({ ...assume, Action: ['sts:AssumeRole', 'iam:PassRole'] }), ONLY_ASSUME],
    ['a wildcard that names no trust action', trust({ ...assume, Action: 'sts:Get*' }), ONLY_ASSUME],
    [
      'a wildcard in a user ARN',
      withPrincipal({ AWS: `arn:aws:iam::${ACCT}:user/user-*` }),
      `Invalid principal in policy: "AWS":"arn:aws:iam::${ACCT}:user/user-*"`,
    ],
    [
      'every role of an account',
      withPrincipal({ AWS: `arn:aws:iam::${ACCT}:role/*` }),
      `Invalid principal in policy: "AWS":"arn:aws:iam::${ACCT}:role/*"`,
    ],
    [
      'every account’s root',
      withPrincipal({ AWS: 'arn:aws:iam::*:root' }),
      'Invalid principal in policy: "AWS":"arn:aws:iam::*:root"',
    ],
    [
      'an account ID of 11 digits',
      withPrincipal({ AWS: '11112222333' }),
      'Invalid principal in policy: "AWS":"11112222333"',
    ],
    [
      'an ARN of something that is no principal',
      withPrincipal({ AWS: `arn:aws:iam::${ACCT}:group/admins` }),
      `Invalid principal in policy: "AWS":"arn:aws:iam::${ACCT}:group/admins"`,
    ],
    [
      'an assumed-role ARN without a session',
      withPrincipal({ AWS: `arn:aws:sts::${ACCT}:assumed-role/Deployer` }),
      `Invalid principal in policy: "AWS":"arn:aws:sts::${ACCT}:assumed-role/Deployer"`,
    ],
    [
      'a service that is no host name',
      withPrincipal({ Service: 'amazonaws.com' }),
      'Invalid principal in policy: "SERVICE":"amazonaws.com"',
    ],
    [
      'a wildcard service',
      withPrincipal({ Service: '*.amazonaws.com' }),
      'Invalid principal in policy: "SERVICE":"*.amazonaws.com"',
    ],
    [
      'a wildcard identity provider',
      withPrincipal({ Federated: `arn:aws:iam::${ACCT}:oidc-provider/*` }),
      `Invalid principal in policy: "FEDERATED":"arn:aws:iam::${ACCT}:oidc-provider/*"`,
    ],
    [
      'a principal type IAM does not have',
      withPrincipal({ Group: 'admins' }),
      'Invalid principal in policy: "GROUP":"admins"',
    ],
    [
      'a bad principal in NotPrincipal',
      trust({ ...assume, Effect: 'Deny', Principal: undefined, NotPrincipal: { AWS: 'arn:aws:iam::*:user/x' } }),
      'Invalid principal in policy: "AWS":"arn:aws:iam::*:user/x"',
    ],
  ])('%s', (_name, text, message) => {
    expect(refusal(text)).toBe(message);
  });

  it('names the statement whose principal IAM cannot read', () => {
    const result = validateTrustPolicy(
      trust([assume, { Sid: 'Partner', ...assume, Principal: { AWS: 'arn:aws:iam::444455556666:role/*' } }]),
    );
    expect(result).toEqual({
      ok: false,
      message: 'Invalid principal in policy: "AWS":"arn:aws:iam::444455556666:role/*"',
      statement: { index: 1, sid: 'Partner' },
    });
  });

  it('writes the refusal for a principal that does not exist as IAM does', () => {
    expect(invalidPrincipalMessage(`arn:aws:iam::${ACCT}:role/Gone`)).toBe(
      `Invalid principal in policy: "AWS":"arn:aws:iam::${ACCT}:role/Gone"`,
    );
    expect(invalidPrincipalMessage('ec2.amazonaws.co', 'Service')).toBe(
      'Invalid principal in policy: "SERVICE":"ec2.amazonaws.co"',
    );
  });
});

describe('trust policies IAM accepts', () => {
  it.each([
    ['anyone', withPrincipal('*')],
    ['anyone, as an AWS principal', withPrincipal({ AWS: '*' })],
    ['an account ID', withPrincipal({ AWS: ACCT })],
    [
      'users, roles (with paths) and sessions',
      withPrincipal({
        AWS: [
          `arn:aws:iam::${ACCT}:user/alice`,
          `arn:aws:iam::${ACCT}:user/team/carol`,
          `arn:aws:iam::${ACCT}:role/ops/Deployer`,
          `arn:aws:sts::${ACCT}:assumed-role/Deployer/build-42`,
          `arn:aws:sts::${ACCT}:federated-user/dana`,
        ],
      }),
    ],
    [
      'unique IDs of a deleted user and role',
      withPrincipal({ AWS: ['AIDAALICE000000000001', 'AROADEPLOYER000000001'] }),
    ],
    ['services', withPrincipal({ Service: ['ec2.amazonaws.com', 'states.eu-west-1.amazonaws.com'] })],
    [
      'identity providers',
      trust({
        ...assume,
        Action: 'sts:AssumeRoleWithWebIdentity',
        Principal: {
          Federated: [
            `arn:aws:iam::${ACCT}:oidc-provider/signin.example.com/realm`,
            `arn:aws:iam::${ACCT}:saml-provider/Corp`,
            'accounts.google.com',
          ],
        },
      }),
    ],
    ['a canonical user', withPrincipal({ CanonicalUser: 'a'.repeat(64) })],
    [
      'NotPrincipal with Deny',
      trust([assume, { Effect: 'Deny', NotPrincipal: { AWS: `arn:aws:iam::${ACCT}:user/alice` }, Action: 'sts:*' }]),
    ],
    [
      'every trust action, and the wildcards that name them',
      trust({
        ...assume,
        Action: [
          'sts:AssumeRole',
          'sts:AssumeRoleWithWebIdentity',
          'sts:AssumeRoleWithSAML',
          'sts:TagSession',
          'sts:SetSourceIdentity',
          'sts:SetContext',
          'sts:*',
          'sts:Assume*',
          'STS:tagsession',
        ],
      }),
    ],
    [
      'conditions on ExternalId and MFA, version 2008-10-17',
      trust(
        {
          ...assume,
          Condition: {
            StringEquals: { 'sts:ExternalId': 'Example-1' },
            BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' },
          },
        },
        { Version: '2008-10-17' },
      ),
    ],
    ['no Version', trust(assume, {})],
    ['every action of every service, which covers the trust actions', trust({ ...assume, Action: '*' })],
  ])('%s', (_name, text) => {
    expect(refusal(text)).toBe('accepted');
  });

  it('hands back the document as the engine reads it', () => {
    const text = trust({ ...assume, Condition: { StringEquals: { 'sts:ExternalId': 'x' } } });
    const result = validateTrustPolicy(text);
    expect(result).toEqual({ ok: true, document: parsePolicyDocument(text) });
  });
});

describe('the principals a saved policy must find', () => {
  const document = parsePolicyDocument(
    trust([
      {
        ...assume,
        Principal: {
          AWS: [
            '*',
            ACCT,
            `arn:aws:iam::${ACCT}:root`,
            `arn:aws:iam::${ACCT}:user/alice`,
            `arn:aws:iam::444455556666:role/ops/Deployer`,
            `arn:aws:sts::${ACCT}:assumed-role/Deployer/build-42`,
            `arn:aws:sts::${ACCT}:federated-user/dana`,
            'AIDAALICE000000000001',
          ],
          Service: 'ec2.amazonaws.com',
        },
      },
      {
        Effect: 'Deny',
        NotPrincipal: { AWS: [`arn:aws:iam::${ACCT}:user/team/carol`, `arn:aws:iam::${ACCT}:user/alice`] },
        Action: 'sts:TagSession',
      },
      { ...assume, Principal: '*' },
    ]),
  );

  it('are the users, roles and sessions under AWS, Principal and NotPrincipal alike, each once', () => {
    expect(namedAwsPrincipals(document)).toEqual([
      `arn:aws:iam::${ACCT}:user/alice`,
      'arn:aws:iam::444455556666:role/ops/Deployer',
      `arn:aws:sts::${ACCT}:assumed-role/Deployer/build-42`,
      `arn:aws:iam::${ACCT}:user/team/carol`,
    ]);
  });

  it('and the bare unique IDs, which must still name someone', () => {
    expect(uniqueIdPrincipals(document)).toEqual(['AIDAALICE000000000001']);
    expect(uniqueIdPrincipals(parsePolicyDocument(trust(assume)))).toEqual([]);
  });
});
