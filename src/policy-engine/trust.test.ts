import { describe, expect, it } from 'vitest';
import type { ContextValue } from './context.ts';
import { formatPolicyDocument, parsePolicyDocument } from './document.ts';
import type { EvalDecision } from './evaluate.ts';
import { type TrustPrincipal, displayTrustPolicy, evaluateTrust, trustSummary } from './trust.ts';

/**
 * Trust policies decided as AWS documents them: who a Principal names (anyone, an account,
 * a user or role by ARN pinned to its unique ID, a session, a unique ID, a service, an
 * identity provider), NotPrincipal, Deny over Allow, and the condition keys STS provides.
 */

const ACCT = '111122223333';
const OTHER = '444455556666';
const id = (prefix: 'AIDA' | 'AROA', tag: string) => prefix + tag.toUpperCase().padEnd(17, '0');
const iam = (account: string, resource: string) => `arn:aws:iam::${account}:${resource}`;

const ALICE_ARN = iam(ACCT, 'user/alice');
const CAROL_ARN = iam(ACCT, 'user/team/carol');
const DEPLOYER_ARN = iam(ACCT, 'role/ops/Deployer');
const BUILD_SESSION_ARN = `arn:aws:sts::${ACCT}:assumed-role/Deployer/build-42`;
const OIDC = iam(ACCT, 'oidc-provider/signin.example.com');

const user = (account: string, arn: string, uniqueId: string): TrustPrincipal => ({
  accountId: account,
  uniqueId,
  arns: [arn],
});
const session = (account: string, roleArn: string, roleId: string, name: string): TrustPrincipal => {
  const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
  return {
    accountId: account,
    uniqueId: roleId,
    arns: [roleArn, `arn:aws:sts::${account}:assumed-role/${roleName}/${name}`],
  };
};

const P = {
  alice: user(ACCT, ALICE_ARN, id('AIDA', 'alice')),
  /** Alice deleted, and a new user made under her name. */
  aliceAgain: user(ACCT, ALICE_ARN, id('AIDA', 'alice2')),
  bob: user(ACCT, iam(ACCT, 'user/bob'), id('AIDA', 'bob')),
  carol: user(ACCT, CAROL_ARN, id('AIDA', 'carol')),
  root: { accountId: ACCT, uniqueId: ACCT, arns: [iam(ACCT, 'root')] },
  build: session(ACCT, DEPLOYER_ARN, id('AROA', 'deployer'), 'build-42'),
  otherBuild: session(ACCT, DEPLOYER_ARN, id('AROA', 'deployer'), 'build-43'),
  /** The Deployer role deleted and made again: its sessions carry the new role's ID. */
  buildAgain: session(ACCT, DEPLOYER_ARN, id('AROA', 'deployer2'), 'build-42'),
  mallory: user(OTHER, iam(OTHER, 'user/mallory'), id('AIDA', 'mallory')),
  partnerSession: session(OTHER, iam(OTHER, 'role/Partner'), id('AROA', 'partner'), 'ci'),
  web: { accountId: ACCT, uniqueId: 'accounts-subject-1', arns: [], federated: OIDC },
  ec2: { accountId: ACCT, uniqueId: 'ec2.amazonaws.com', arns: [], service: 'ec2.amazonaws.com' },
} satisfies Record<string, TrustPrincipal>;
type Who = keyof typeof P;

/** The unique IDs recorded when the policies below were saved. */
const PINNED = new Map([
  [ALICE_ARN, id('AIDA', 'alice')],
  [CAROL_ARN, id('AIDA', 'carol')],
  [DEPLOYER_ARN, id('AROA', 'deployer')],
  [BUILD_SESSION_ARN, id('AROA', 'deployer')],
]);

type Statement = Record<string, unknown>;
const allow = (Principal: unknown, Action: unknown = 'sts:AssumeRole', Condition?: unknown): Statement => ({
  Effect: 'Allow',
  Principal,
  Action,
  ...(Condition ? { Condition } : {}),
});
const deny = (Principal: unknown, Action: unknown = 'sts:AssumeRole', Condition?: unknown): Statement => ({
  ...allow(Principal, Action, Condition),
  Effect: 'Deny',
});

function decide(
  statements: Statement[],
  who: Who,
  context: Record<string, ContextValue> = {},
  action = 'sts:AssumeRole',
  pinned: ReadonlyMap<string, string> = PINNED,
): EvalDecision {
  const document = parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
  return evaluateTrust(document, { principal: P[who], action, context, pinned }).decision;
}

const EVERYONE = Object.keys(P) as Who[];
const allBut = (...who: Who[]) => EVERYONE.filter((w) => !who.includes(w));

/** Each line: a policy, the callers it lets in and the callers it denies; every other caller is implicitly denied. */
const WHO_IS_TRUSTED: Array<[string, Statement[], Who[], Who[]?]> = [
  ['Principal "*" trusts every caller', [allow('*')], EVERYONE],
  ['"AWS": "*" trusts every caller too', [allow({ AWS: '*' })], EVERYONE],
  [
    'an account ID trusts every IAM identity of that account, root and role sessions included',
    [allow({ AWS: ACCT })],
    ['alice', 'aliceAgain', 'bob', 'carol', 'root', 'build', 'otherBuild', 'buildAgain'],
  ],
  [
    'the account root ARN means the same as its ID',
    [allow({ AWS: iam(ACCT, 'root') })],
    ['alice', 'aliceAgain', 'bob', 'carol', 'root', 'build', 'otherBuild', 'buildAgain'],
  ],
  ['another account is trusted only for its own principals', [allow({ AWS: OTHER })], ['mallory', 'partnerSession']],
  ['a user ARN trusts that user, not a new user under the same name', [allow({ AWS: ALICE_ARN })], ['alice']],
  ['a user ARN with a path', [allow({ AWS: CAROL_ARN })], ['carol']],
  [
    'a role ARN trusts the sessions of that role, not of a role made again under its name',
    [allow({ AWS: DEPLOYER_ARN })],
    ['build', 'otherBuild'],
  ],
  ['a session ARN trusts that session only', [allow({ AWS: BUILD_SESSION_ARN })], ['build']],
  ['a user’s unique ID trusts the user with that ID', [allow({ AWS: id('AIDA', 'alice2') })], ['aliceAgain']],
  [
    'a role’s unique ID trusts every session of the role with that ID',
    [allow({ AWS: id('AROA', 'deployer') })],
    ['build', 'otherBuild'],
  ],
  ['a service principal trusts the service', [allow({ Service: 'ec2.amazonaws.com' })], ['ec2']],
  ['an identity provider trusts its users', [allow({ Federated: OIDC })], ['web']],
  ['several types are OR-ed', [allow({ AWS: ALICE_ARN, Service: 'ec2.amazonaws.com' })], ['alice', 'ec2']],
  ['a canonical user trusts nobody here', [allow({ CanonicalUser: 'a'.repeat(64) })], []],
  ['a wildcard ARN stored before it was refused trusts nobody', [allow({ AWS: iam(ACCT, 'user/*') })], []],
  ['a statement naming no principal trusts nobody', [{ Effect: 'Allow', Action: 'sts:AssumeRole' }], []],
  [
    'an explicit Deny of one user wins over the account',
    [allow({ AWS: ACCT }), deny({ AWS: ALICE_ARN })],
    ['aliceAgain', 'bob', 'carol', 'root', 'build', 'otherBuild', 'buildAgain'],
    ['alice'],
  ],
  [
    'Deny with NotPrincipal denies everyone but the listed user',
    [allow({ AWS: ACCT }), { Effect: 'Deny', NotPrincipal: { AWS: ALICE_ARN }, Action: 'sts:AssumeRole' }],
    ['alice'],
    allBut('alice'),
  ],
  [
    'a user re-created under a NotPrincipal name is not the listed one',
    [
      allow({ AWS: ALICE_ARN }),
      allow({ AWS: id('AIDA', 'alice2') }),
      { Effect: 'Deny', NotPrincipal: { AWS: ALICE_ARN }, Action: 'sts:*' },
    ],
    ['alice'],
    allBut('alice'),
  ],
  [
    'Allow with NotPrincipal trusts everyone else',
    [{ Effect: 'Allow', NotPrincipal: { AWS: ACCT }, Action: 'sts:*' }],
    ['mallory', 'partnerSession', 'web', 'ec2'],
  ],
];

describe('who a trust policy trusts', () => {
  it.each(WHO_IS_TRUSTED)('%s', (_name, statements, trusted, denied = []) => {
    for (const who of EVERYONE) {
      const expected = trusted.includes(who) ? 'allowed' : denied.includes(who) ? 'explicitDeny' : 'implicitDeny';
      expect(decide(statements, who), who).toBe(expected);
    }
  });

  it('a web identity is trusted through its own identity provider only', () => {
    const statements = [allow({ Federated: OIDC }, 'sts:AssumeRoleWithWebIdentity')];
    expect(decide(statements, 'web', {}, 'sts:AssumeRoleWithWebIdentity')).toBe('allowed');
    expect(
      decide(
        [allow({ Federated: 'accounts.google.com' }, 'sts:AssumeRoleWithWebIdentity')],
        'web',
        {},
        'sts:AssumeRoleWithWebIdentity',
      ),
    ).toBe('implicitDeny');
  });

  it('an ARN with no recorded unique ID trusts nobody, and a pin on another ID trusts nobody', () => {
    expect(decide([allow({ AWS: ALICE_ARN })], 'alice', {}, 'sts:AssumeRole', new Map())).toBe('implicitDeny');
    expect(
      decide([allow({ AWS: ALICE_ARN })], 'alice', {}, 'sts:AssumeRole', new Map([[ALICE_ARN, id('AIDA', 'alice2')]])),
    ).toBe('implicitDeny');
    expect(
      decide(
        [allow({ AWS: ALICE_ARN })],
        'aliceAgain',
        {},
        'sts:AssumeRole',
        new Map([[ALICE_ARN, id('AIDA', 'alice2')]]),
      ),
    ).toBe('allowed');
  });

  it('a Deny of a re-created user’s name does not deny the new user, as its Allow does not allow them', () => {
    expect(decide([allow({ AWS: ACCT }), deny({ AWS: ALICE_ARN })], 'aliceAgain')).toBe('allowed');
  });
});

describe('which action a statement covers', () => {
  it.each([
    ['sts:AssumeRole', 'sts:AssumeRole', 'allowed'],
    ['sts:AssumeRole', 'STS:assumerole', 'allowed'],
    ['sts:AssumeRole', 'sts:TagSession', 'implicitDeny'],
    ['sts:*', 'sts:SetSourceIdentity', 'allowed'],
    ['sts:Assume*', 'sts:AssumeRoleWithSAML', 'allowed'],
    ['sts:Assume*', 'sts:TagSession', 'implicitDeny'],
    [['sts:AssumeRole', 'sts:TagSession'], 'sts:TagSession', 'allowed'],
  ] as const)('Action %j, request %s: %s', (action, requested, expected) => {
    expect(decide([allow({ AWS: ACCT }, action)], 'bob', {}, requested)).toBe(expected);
  });

  it('reads NotAction as every action but those', () => {
    const statements = [{ Effect: 'Allow', Principal: { AWS: ACCT }, NotAction: 'sts:TagSession' }];
    expect(decide(statements, 'bob', {}, 'sts:AssumeRole')).toBe('allowed');
    expect(decide(statements, 'bob', {}, 'sts:TagSession')).toBe('implicitDeny');
  });

  it('a Deny of one action leaves the others allowed', () => {
    const statements = [allow({ AWS: ACCT }, 'sts:*'), deny('*', 'sts:SetSourceIdentity')];
    expect(decide(statements, 'bob', {}, 'sts:AssumeRole')).toBe('allowed');
    expect(decide(statements, 'bob', {}, 'sts:SetSourceIdentity')).toBe('explicitDeny');
  });
});

describe('conditions on the keys STS provides', () => {
  const account = { AWS: ACCT };
  const cases: Array<[string, Statement[], Record<string, ContextValue>, EvalDecision, string?]> = [
    [
      'ExternalId equal',
      [allow(account, undefined, { StringEquals: { 'sts:ExternalId': 'Ex-1' } })],
      { 'sts:ExternalId': 'Ex-1' },
      'allowed',
    ],
    [
      'ExternalId different',
      [allow(account, undefined, { StringEquals: { 'sts:ExternalId': 'Ex-1' } })],
      { 'sts:ExternalId': 'ex-1' },
      'implicitDeny',
    ],
    [
      'ExternalId absent',
      [allow(account, undefined, { StringEquals: { 'sts:ExternalId': 'Ex-1' } })],
      {},
      'implicitDeny',
    ],
    [
      'MFA required and present',
      [allow(account, undefined, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } })],
      { 'aws:MultiFactorAuthPresent': true },
      'allowed',
    ],
    [
      'MFA required and absent (long-term keys)',
      [allow(account, undefined, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } })],
      {},
      'implicitDeny',
    ],
    ...(['absent', 'false', 'true'] as const).map(
      (mfa): [string, Statement[], Record<string, ContextValue>, EvalDecision] => [
        `Deny BoolIfExists MFA false, MFA ${mfa}`,
        [allow(account), deny('*', 'sts:*', { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } })],
        mfa === 'absent' ? {} : { 'aws:MultiFactorAuthPresent': mfa },
        mfa === 'true' ? 'allowed' : 'explicitDeny',
      ],
    ),
    [
      'MFA within the hour',
      [allow(account, undefined, { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } })],
      { 'aws:MultiFactorAuthAge': 120 },
      'allowed',
    ],
    [
      'MFA too long ago',
      [allow(account, undefined, { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } })],
      { 'aws:MultiFactorAuthAge': 7200 },
      'implicitDeny',
    ],
    [
      'source address in range',
      [allow(account, undefined, { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } })],
      { 'aws:SourceIp': '203.0.113.9' },
      'allowed',
    ],
    [
      'source address out of range',
      [allow(account, undefined, { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } })],
      { 'aws:SourceIp': '198.51.100.1' },
      'implicitDeny',
    ],
    [
      'principal tag',
      [allow(account, undefined, { StringEquals: { 'aws:PrincipalTag/team': 'ops' } })],
      { 'aws:PrincipalTag/team': 'ops' },
      'allowed',
    ],
    [
      'principal tag, other value',
      [allow(account, undefined, { StringEquals: { 'aws:PrincipalTag/team': 'ops' } })],
      { 'aws:PrincipalTag/team': 'dev' },
      'implicitDeny',
    ],
    [
      'principal account',
      [allow('*', undefined, { StringEquals: { 'aws:PrincipalAccount': ACCT } })],
      { 'aws:PrincipalAccount': ACCT },
      'allowed',
    ],
    [
      'principal account, another one',
      [allow('*', undefined, { StringEquals: { 'aws:PrincipalAccount': ACCT } })],
      { 'aws:PrincipalAccount': OTHER },
      'implicitDeny',
    ],
    [
      'principal ARN under a path',
      [allow(account, undefined, { ArnLike: { 'aws:PrincipalArn': iam(ACCT, 'user/team/*') } })],
      { 'aws:PrincipalArn': CAROL_ARN },
      'allowed',
    ],
    [
      'principal ARN elsewhere',
      [allow(account, undefined, { ArnLike: { 'aws:PrincipalArn': iam(ACCT, 'user/team/*') } })],
      { 'aws:PrincipalArn': ALICE_ARN },
      'implicitDeny',
    ],
    [
      'session name must be the user name (a policy variable)',
      [allow(account, undefined, { StringEquals: { 'sts:RoleSessionName': '${aws:username}' } })],
      { 'sts:RoleSessionName': 'bob', 'aws:username': 'bob' },
      'allowed',
    ],
    [
      'session name that is not the user name',
      [allow(account, undefined, { StringEquals: { 'sts:RoleSessionName': '${aws:username}' } })],
      { 'sts:RoleSessionName': 'admin', 'aws:username': 'bob' },
      'implicitDeny',
    ],
    [
      'source identity',
      [allow(account, 'sts:SetSourceIdentity', { StringLike: { 'sts:SourceIdentity': '${aws:username}' } })],
      { 'sts:SourceIdentity': 'bob', 'aws:username': 'bob' },
      'allowed',
      'sts:SetSourceIdentity',
    ],
    [
      'source identity of someone else',
      [allow(account, 'sts:SetSourceIdentity', { StringLike: { 'sts:SourceIdentity': '${aws:username}' } })],
      { 'sts:SourceIdentity': 'alice', 'aws:username': 'bob' },
      'implicitDeny',
      'sts:SetSourceIdentity',
    ],
    [
      'session tags limited to project and cost-center',
      [
        allow(account, 'sts:TagSession', {
          StringEquals: { 'aws:RequestTag/project': 'apollo' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['project', 'cost-center'] },
        }),
      ],
      { 'aws:RequestTag/project': 'apollo', 'aws:TagKeys': ['project', 'cost-center'] },
      'allowed',
      'sts:TagSession',
    ],
    [
      'a session tag key outside the list',
      [
        allow(account, 'sts:TagSession', {
          StringEquals: { 'aws:RequestTag/project': 'apollo' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['project', 'cost-center'] },
        }),
      ],
      { 'aws:RequestTag/project': 'apollo', 'aws:TagKeys': ['project', 'admin'] },
      'implicitDeny',
      'sts:TagSession',
    ],
  ];

  it.each(cases)('%s', (_name, statements, context, expected, action = 'sts:AssumeRole') => {
    expect(decide(statements, 'bob', context, action)).toBe(expected);
  });
});

describe('the result', () => {
  const document = parsePolicyDocument(
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Account', ...allow({ AWS: ACCT }, 'sts:*', { StringEquals: { 'sts:ExternalId': 'Ex-1' } }) },
        { Sid: 'Bob', ...allow({ AWS: iam(ACCT, 'user/bob') }) },
        { Sid: 'NoMfa', ...deny('*', 'sts:*', { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }) },
        { Sid: 'Partner', ...allow({ AWS: OTHER }, 'sts:*', { StringEquals: { 'sts:ExternalId': 'Ex-2' } }) },
      ],
    }),
  );
  const pinned = new Map([[iam(ACCT, 'user/bob'), id('AIDA', 'bob')]]);

  it('names the statements that allowed, and the keys the applicable ones lacked', () => {
    const result = evaluateTrust(document, {
      principal: P.bob,
      action: 'sts:AssumeRole',
      context: { 'aws:MultiFactorAuthPresent': 'true' },
      pinned,
    });
    expect(result).toEqual({
      decision: 'allowed',
      matchedStatements: [{ statementIndex: 1, sid: 'Bob', effect: 'Allow' }],
      missingContextKeys: ['sts:ExternalId'],
    });
  });

  it('names only the Deny statements when one applies', () => {
    const result = evaluateTrust(document, {
      principal: P.bob,
      action: 'sts:AssumeRole',
      context: { 'sts:ExternalId': 'Ex-1' },
      pinned,
    });
    expect(result.decision).toBe('explicitDeny');
    expect(result.matchedStatements).toEqual([{ statementIndex: 2, sid: 'NoMfa', effect: 'Deny' }]);
  });

  it('names nothing when nothing applies', () => {
    const result = evaluateTrust(document, {
      principal: P.web,
      action: 'sts:AssumeRoleWithWebIdentity',
      context: { 'aws:MultiFactorAuthPresent': 'true' },
      pinned,
    });
    expect(result).toEqual({ decision: 'implicitDeny', matchedStatements: [], missingContextKeys: [] });
  });

  it('decides the same for the same document object asked twice (compiled once)', () => {
    const request = {
      principal: P.mallory,
      action: 'sts:AssumeRole',
      context: { 'sts:ExternalId': 'Ex-2', 'aws:MultiFactorAuthPresent': true },
      pinned,
    };
    expect(evaluateTrust(document, request).decision).toBe('allowed');
    expect(evaluateTrust(document, request).decision).toBe('allowed');
    expect(evaluateTrust(document, { ...request, context: { 'sts:ExternalId': 'Ex-1' } }).decision).toBe(
      'explicitDeny',
    );
  });
});

describe('the policy as GetRole shows it', () => {
  const text = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      allow({ AWS: [ALICE_ARN, CAROL_ARN, ACCT, BUILD_SESSION_ARN], Service: 'ec2.amazonaws.com' }),
      { Effect: 'Deny', NotPrincipal: { AWS: [DEPLOYER_ARN, iam(ACCT, 'user/unpinned')] }, Action: 'sts:TagSession' },
    ],
  });
  const live = new Set([id('AIDA', 'carol')]);

  it('shows each pinned ARN whose principal is gone as the unique ID it pinned, the rest as written', () => {
    const document = parsePolicyDocument(text);
    const shown = displayTrustPolicy(document, PINNED, (uniqueId) => live.has(uniqueId));
    expect(JSON.parse(formatPolicyDocument(shown))).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: {
            AWS: [id('AIDA', 'alice'), CAROL_ARN, ACCT, id('AROA', 'deployer')],
            Service: ['ec2.amazonaws.com'],
          },
          Action: ['sts:AssumeRole'],
        },
        {
          Effect: 'Deny',
          NotPrincipal: { AWS: [id('AROA', 'deployer'), iam(ACCT, 'user/unpinned')] },
          Action: ['sts:TagSession'],
        },
      ],
    });
    // The stored document is left as it was.
    expect(document).toEqual(parsePolicyDocument(text));
  });

  it('asks about each pinned principal by its ID and its ARN', () => {
    const asked: Array<[string, string]> = [];
    displayTrustPolicy(parsePolicyDocument(text), PINNED, (uniqueId, arn) => {
      asked.push([uniqueId, arn]);
      return true;
    });
    expect(asked).toContainEqual([id('AIDA', 'alice'), ALICE_ARN]);
    expect(asked).toContainEqual([id('AROA', 'deployer'), DEPLOYER_ARN]);
    expect(asked.map(([, arn]) => arn)).not.toContain(ACCT);
  });

  it('shows a policy whose principals all live exactly as written', () => {
    const document = parsePolicyDocument(text);
    expect(displayTrustPolicy(document, PINNED, () => true)).toEqual(document);
  });
});

describe('the summary the console shows', () => {
  const summary = (...statements: Statement[]) =>
    trustSummary(parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Statement: statements })));

  it('says who may do what, and when, one line per statement', () => {
    expect(
      summary(
        allow({ AWS: `arn:aws:iam::${ACCT}:root` }, 'sts:AssumeRole', {
          StringEquals: { 'sts:ExternalId': 'X' },
          Bool: { 'aws:MultiFactorAuthPresent': 'true' },
        }),
        allow({ AWS: [ALICE_ARN, DEPLOYER_ARN] }, ['sts:AssumeRole', 'sts:TagSession']),
        deny('*', 'sts:*', { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }),
      ),
    ).toEqual([
      'Allows principals in account 111122223333 to assume this role when sts:ExternalId equals X and MFA is present',
      `Allows user ${ALICE_ARN} and sessions of role ${DEPLOYER_ARN} to assume this role and pass session tags`,
      'Denies anyone the right to assume this role through AssumeRole, AssumeRoleWithSAML or AssumeRoleWithWebIdentity, pass session tags, set a source identity and set session context when MFA is not present (or not known)',
    ]);
  });

  it.each([
    [allow({ Service: 'ec2.amazonaws.com' }), 'Allows the service ec2.amazonaws.com to assume this role'],
    [
      allow({ Federated: OIDC }, 'sts:AssumeRoleWithWebIdentity', {
        StringEquals: { 'signin.example.com:aud': 'app-1' },
      }),
      `Allows users signed in through ${OIDC} to assume this role through AssumeRoleWithWebIdentity when signin.example.com:aud equals app-1`,
    ],
    [allow({ AWS: BUILD_SESSION_ARN }), `Allows role session ${BUILD_SESSION_ARN} to assume this role`],
    [
      allow({ AWS: id('AIDA', 'alice') }),
      `Allows the principal with unique ID ${id('AIDA', 'alice')} (it no longer exists under the name it was saved with) to assume this role`,
    ],
    [
      { Effect: 'Deny', NotPrincipal: { AWS: [ACCT, ALICE_ARN] }, Action: 'sts:AssumeRole' },
      `Denies anyone except principals in account ${ACCT} and user ${ALICE_ARN} the right to assume this role`,
    ],
    [
      { Effect: 'Allow', Principal: { AWS: ACCT }, NotAction: 'sts:Assume*' },
      `Allows principals in account ${ACCT} to pass session tags, set a source identity and set session context`,
    ],
    [
      allow({ AWS: ACCT }, 'sts:AssumeRole', {
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['project', 'team'] },
        StringNotEquals: { 'aws:PrincipalTag/team': ['interns', 'guests'] },
        NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' },
        Null: { 'sts:SourceIdentity': 'false' },
        IpAddressIfExists: { 'aws:SourceIp': '203.0.113.0/24' },
      }),
      `Allows principals in account ${ACCT} to assume this role when every value of aws:TagKeys equals project or team and aws:PrincipalTag/team does not equal interns or guests and MFA was used within the last 3600 seconds and sts:SourceIdentity is present and aws:SourceIp is in 203.0.113.0/24 (or is absent)`,
    ],
  ])('%j', (statement, line) => {
    expect(summary(statement)).toEqual([line]);
  });

  it('is plain text: what a policy holds is repeated, never marked up', () => {
    const [line] = summary(allow({ AWS: ACCT }, 'sts:AssumeRole', { StringEquals: { 'sts:ExternalId': '<b>x</b>' } }));
    expect(line).toBe(`Allows principals in account ${ACCT} to assume this role when sts:ExternalId equals <b>x</b>`);
  });
});
