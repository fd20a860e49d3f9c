import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContextValue } from './context.ts';
import { parsePolicyDocument } from './document.ts';
import { type TrustPrincipal, evaluateTrust } from './trust.ts';
import { namedAwsPrincipals, validateTrustPolicy } from './trust-document.ts';
import { readAwsPrincipal } from './trust-principals.ts';

const ACCT = '111122223333';
const OTHER = '444455556666';
const id = (prefix: 'AIDA' | 'AROA', tag: string) => prefix + tag.toUpperCase().padEnd(17, '0');

function userIn(account: string, name: string, tag = name): TrustPrincipal {
  return { accountId: account, uniqueId: id('AIDA', tag), arns: [`arn:aws:iam::${account}:user/${name}`] };
}
function sessionIn(account: string, role: string, session: string, tag = role): TrustPrincipal {
  return {
    accountId: account,
    uniqueId: id('AROA', tag),
    arns: [`arn:aws:iam::${account}:role/${role}`, `arn:aws:sts::${account}:assumed-role/${role}/${session}`],
  };
}
const rootOf = (account: string): TrustPrincipal => ({
  accountId: account,
  uniqueId: account,
  arns: [`arn:aws:iam::${account}:root`],
});

const OIDC = `arn:aws:iam::${ACCT}:oidc-provider/signin.example.com`;
const CALLERS: TrustPrincipal[] = [
  userIn(ACCT, 'alice'),
  userIn(ACCT, 'bob'),
  rootOf(ACCT),
  sessionIn(ACCT, 'Deployer', 'build-1'),
  sessionIn(ACCT, 'Deployer', 'build-2'),
  userIn(OTHER, 'mallory'),
  sessionIn(OTHER, 'Partner', 'ci'),
  rootOf(OTHER),
  { accountId: ACCT, uniqueId: 'subject-1', arns: [], federated: OIDC },
  { accountId: ACCT, uniqueId: 'ec2.amazonaws.com', arns: [], service: 'ec2.amazonaws.com' },
];
const PINNED = new Map<string, string>();
for (const caller of CALLERS) {
  if (caller.federated || caller.service || caller.uniqueId === caller.accountId) continue;
  for (const arn of caller.arns) PINNED.set(arn, caller.uniqueId);
}

const awsValue = fc.constantFrom(
  '*',
  ACCT,
  OTHER,
  `arn:aws:iam::${ACCT}:root`,
  `arn:aws:iam::${OTHER}:root`,
  `arn:aws:iam::${ACCT}:user/alice`,
  `arn:aws:iam::${ACCT}:user/bob`,
  `arn:aws:iam::${OTHER}:user/mallory`,
  `arn:aws:iam::${ACCT}:role/Deployer`,
  `arn:aws:sts::${ACCT}:assumed-role/Deployer/build-1`,
  `arn:aws:iam::${OTHER}:role/Partner`,
  id('AIDA', 'alice'),
  id('AROA', 'deployer'),
);
const principalSet = fc.oneof(
  { weight: 1, arbitrary: fc.constant<unknown>('*') },
  {
    weight: 6,
    arbitrary: fc
      .record(
        {
          AWS: fc.array(awsValue, { minLength: 1, maxLength: 3 }),
          Service: fc.constantFrom('ec2.amazonaws.com', 'lambda.amazonaws.com'),
          Federated: fc.constantFrom(OIDC, 'accounts.google.com'),
        },
        { requiredKeys: [] },
      )
      .filter((set) => Object.keys(set).length > 0),
  },
);
const action = fc.constantFrom(
  'sts:AssumeRole',
  'sts:AssumeRoleWithWebIdentity',
  'sts:TagSession',
  'sts:SetSourceIdentity',
  'sts:*',
  'sts:Assume*',
);
const condition = fc.constantFrom<Record<string, unknown>>(
  { StringEquals: { 'sts:ExternalId': 'Ex-1' } },
  { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
  { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
  { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } },
  { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
  { StringEquals: { 'aws:PrincipalTag/team': 'ops' } },
  { StringEquals: { 'aws:PrincipalAccount': ACCT } },
  { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:user/*` } },
  { StringEquals: { 'sts:RoleSessionName': '${aws:username}' } },
  { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['project', 'team'] } },
);

const statement = (effect: fc.Arbitrary<'Allow' | 'Deny'>) =>
  fc
    .record({
      effect,
      notPrincipal: fc.boolean(),
      who: principalSet,
      actions: fc.array(action, { minLength: 1, maxLength: 2 }),
      conditions: fc.array(condition, { maxLength: 2 }),
    })
    .map((s) => ({
      Effect: s.effect,
      [s.notPrincipal ? 'NotPrincipal' : 'Principal']: s.who,
      Action: s.actions,
      ...(s.conditions.length > 0 ? { Condition: Object.assign({}, ...s.conditions) } : {}),
    }));
const statements = fc.array(statement(fc.constantFrom('Allow', 'Deny')), { maxLength: 5 });

const request = fc.record({
  caller: fc.constantFrom(...CALLERS),
  action: fc.constantFrom('sts:AssumeRole', 'sts:AssumeRoleWithWebIdentity', 'sts:TagSession', 'sts:SetSourceIdentity'),
  context: fc.record(
    {
      'sts:ExternalId': fc.constantFrom('Ex-1', 'Ex-2'),
      'aws:MultiFactorAuthPresent': fc.constantFrom('true', 'false'),
      'aws:MultiFactorAuthAge': fc.integer({ min: 0, max: 10_000 }),
      'aws:SourceIp': fc.constantFrom('203.0.113.7', '198.51.100.7'),
      'aws:PrincipalTag/team': fc.constantFrom('ops', 'dev'),
      'aws:PrincipalAccount': fc.constantFrom(ACCT, OTHER),
      'aws:PrincipalArn': fc.constantFrom(...CALLERS.flatMap((c) => c.arns)),
      'sts:RoleSessionName': fc.constantFrom('alice', 'build-1'),
      'aws:username': fc.constantFrom('alice', 'bob'),
      'aws:TagKeys': fc.subarray(['project', 'team', 'admin']),
    },
    { requiredKeys: [] },
  ),
});
type Request = { caller: TrustPrincipal; action: string; context: Record<string, ContextValue> };

function decide(list: unknown[], req: Request, caller = req.caller, pinned: ReadonlyMap<string, string> = PINNED) {
  const document = parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Statement: list }));
  return evaluateTrust(document, { principal: caller, action: req.action, context: req.context, pinned }).decision;
}

describe('trust policy evaluation properties', () => {
  it('adding a Deny statement never turns a refusal into an allow, and an explicit deny stays one', () => {
    fc.assert(
      fc.property(statements, statement(fc.constant('Deny')), fc.nat(5), request, (list, extra, at, req) => {
        const before = decide(list, req);
        const withDeny: unknown[] = [...list];
        withDeny.splice(at % (list.length + 1), 0, extra);
        const after = decide(withDeny, req);
        if (before !== 'allowed') expect(after).not.toBe('allowed');
        if (before === 'explicitDeny') expect(after).toBe('explicitDeny');
      }),
      { numRuns: 2000 },
    );
  });

  it('shuffling the statements never changes the decision', () => {
    fc.assert(
      fc.property(
        statements.chain((list) =>
          fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length })),
        ),
        request,
        ([list, shuffled], req) => {
          expect(decide(shuffled, req)).toBe(decide(list, req));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('a principal of another account never matches an account principal of this account', () => {
    const accountValue = fc.constantFrom(ACCT, `arn:aws:iam::${ACCT}:root`);
    const accountOnly = fc
      .array(
        fc.record({
          values: fc.array(accountValue, { minLength: 1, maxLength: 2 }),
          actions: fc.array(action, { minLength: 1 }),
        }),
        { minLength: 1, maxLength: 3 },
      )
      .map((list) => list.map((s) => ({ Effect: 'Allow', Principal: { AWS: s.values }, Action: s.actions })));
    const stranger = fc.constantFrom(...CALLERS.filter((c) => c.accountId !== ACCT));
    fc.assert(
      fc.property(accountOnly, stranger, request, (list, caller, req) => {
        expect(decide(list, req, caller)).toBe('implicitDeny');
      }),
      { numRuns: 1000 },
    );
  });

  it('"*" lets every caller in unless a Deny applies', () => {
    const anyone = { Effect: 'Allow', Principal: '*', Action: 'sts:*' };
    fc.assert(
      fc.property(statements, fc.nat(5), request, (list, at, req) => {
        const before = decide(list, req);
        const withAnyone: unknown[] = [...list];
        withAnyone.splice(at % (list.length + 1), 0, anyone);
        expect(decide(withAnyone, req)).toBe(before === 'explicitDeny' ? 'explicitDeny' : 'allowed');
      }),
      { numRuns: 2000 },
    );
  });

  it('a user or role made again under a pinned name is decided as a stranger of its account', () => {
    // Same ARNs as a trusted caller, a new unique ID: the ARNs must win it nothing.
    const remade = fc.constantFrom(...CALLERS.filter((c) => PINNED.has(c.arns[0]!)));
    fc.assert(
      fc.property(statements, remade, request, (list, original, req) => {
        const again = { ...original, uniqueId: `${original.uniqueId.slice(0, 4)}${'Z'.repeat(17)}` };
        const stranger = { ...again, arns: [] };
        expect(decide(list, req, again)).toBe(decide(list, req, stranger));
      }),
      { numRuns: 2000 },
    );
  });

  it('without pinned IDs, users and roles named by ARN are never trusted by that ARN', () => {
    fc.assert(
      fc.property(statements, request, (list, req) => {
        const named = req.caller.uniqueId !== req.caller.accountId && !req.caller.federated && !req.caller.service;
        if (!named) return;
        expect(decide(list, req, req.caller, new Map())).toBe(
          decide(list, req, { ...req.caller, arns: [] }, new Map()),
        );
      }),
      { numRuns: 1000 },
    );
  });
});

describe('trust policy validation properties', () => {
  it('accepts every generated policy, and names exactly its users, roles and sessions', () => {
    fc.assert(
      fc.property(
        statements.filter((list) => list.length > 0),
        (list) => {
          const result = validateTrustPolicy(JSON.stringify({ Version: '2012-10-17', Statement: list }));
          if (!result.ok) throw new Error(result.message);
          const written = JSON.stringify(list);
          for (const arn of namedAwsPrincipals(result.document)) {
            expect(['user', 'role', 'session']).toContain(readAwsPrincipal(arn).kind);
            expect(written).toContain(`"${arn}"`);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses a wildcard anywhere in a principal ARN, naming it', () => {
    const arn = fc
      .tuple(
        fc.constantFrom(
          `arn:aws:iam::${ACCT}:user/`,
          `arn:aws:iam::${ACCT}:role/ops/`,
          `arn:aws:sts::${ACCT}:assumed-role/R/`,
        ),
        fc.stringMatching(/^[a-z]{0,4}$/),
        fc.constantFrom('*', '?'),
        fc.stringMatching(/^[a-z]{0,4}$/),
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(arn, (value) => {
        const text = JSON.stringify({
          Statement: { Effect: 'Allow', Principal: { AWS: value }, Action: 'sts:AssumeRole' },
        });
        expect(validateTrustPolicy(text)).toMatchObject({
          ok: false,
          message: `Invalid principal in policy: "AWS":"${value}"`,
        });
      }),
      { numRuns: 300 },
    );
  });
});
