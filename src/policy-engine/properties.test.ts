import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../shared/errors.ts';
import { compilePolicy } from './compile.ts';
import type { ContextValue } from './context.ts';
import { parsePolicyDocument } from './document.ts';
import { evaluatePolicies, evaluateWithinBoundary, evaluateWithinSession, type PolicyInput } from './evaluate.ts';
import { CONDITION_OPERATORS } from './operators.ts';

const ACCT = '111122223333';
const USERS = ['alice', 'bob', 'support/carol', 'admins/dave'].map((p) => `arn:aws:iam::${ACCT}:user/${p}`);
const ACTIONS = [
  'iam:GetUser',
  'iam:ListUsers',
  'iam:ChangePassword',
  'iam:DeleteUser',
  'iam:CreateAccessKey',
  's3:GetObject',
];

const actionPattern = fc.constantFrom('*', 'iam:*', 'iam:Get*', 'iam:?etUser', 'IAM:deleteuser', 's3:*', ...ACTIONS);
const resourcePattern = fc.constantFrom(
  '*',
  ...USERS,
  `arn:aws:iam::${ACCT}:user/support/*`,
  'arn:aws:iam::*:user/${aws:username}',
  `arn:aws:iam::${ACCT}:user/\${aws:username, 'bob'}`,
  'arn:aws:iam::${aws:PrincipalAccount}:user/*',
);
const condition = fc.constantFrom<Record<string, unknown>>(
  { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
  { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
  { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } },
  { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] } },
  { NotIpAddress: { 'aws:SourceIp': '192.0.2.0/24' } },
  { StringEquals: { 'aws:username': ['alice', 'bob'] } },
  { StringNotLike: { 'aws:username': 'a*' } },
  { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'cost'] } },
  { 'ForAnyValue:StringLike': { 'aws:TagKeys': 't*' } },
  { DateLessThan: { 'aws:CurrentTime': '2026-12-01T00:00:00Z' } },
  { Null: { 'aws:MultiFactorAuthAge': 'true' } },
  { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/admins/*' } },
);

const statement = (effect: fc.Arbitrary<'Allow' | 'Deny'>) =>
  fc
    .record({
      effect,
      negateAction: fc.boolean(),
      actions: fc.array(actionPattern, { minLength: 1, maxLength: 3 }),
      negateResource: fc.boolean(),
      resources: fc.array(resourcePattern, { minLength: 1, maxLength: 3 }),
      conditions: fc.array(condition, { maxLength: 2 }),
    })
    .map((s) => ({
      Effect: s.effect,
      [s.negateAction ? 'NotAction' : 'Action']: s.actions,
      [s.negateResource ? 'NotResource' : 'Resource']: s.resources,
      ...(s.conditions.length ? { Condition: Object.assign({}, ...s.conditions) } : {}),
    }));

const anyStatement = statement(fc.constantFrom('Allow', 'Deny'));
const documents = fc.array(fc.array(anyStatement, { minLength: 1, maxLength: 4 }), { minLength: 0, maxLength: 3 });

const request = fc.record({
  action: fc.constantFrom(...ACTIONS),
  resource: fc.constantFrom('*', ...USERS),
  context: fc.record(
    {
      'aws:username': fc.constantFrom('alice', 'bob', 'carol'),
      'aws:PrincipalAccount': fc.constantFrom(ACCT, '999999999999'),
      'aws:MultiFactorAuthPresent': fc.constantFrom('true', 'false'),
      'aws:MultiFactorAuthAge': fc.integer({ min: 0, max: 10_000 }),
      'aws:SourceIp': fc.constantFrom('10.1.2.3', '192.0.2.4', '2001:db8::9', '::ffff:10.0.0.1'),
      'aws:TagKeys': fc.subarray(['team', 'cost', 'owner']),
      'aws:CurrentTime': fc.constantFrom('2026-11-29T12:00:00Z', '2027-01-01T00:00:00Z'),
      'aws:PrincipalArn': fc.constantFrom(...USERS),
    },
    { requiredKeys: [] },
  ),
});

function inputs(docs: unknown[][]): PolicyInput[] {
  return docs.map((statements, i) => ({
    id: `p${i}`,
    policy: compilePolicy(parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Statement: statements }))),
  }));
}

function decide(docs: unknown[][], req: { action: string; resource: string; context: Record<string, ContextValue> }) {
  return evaluatePolicies(inputs(docs), req).decision;
}

describe('policy evaluation properties', () => {
  it('adding a Deny statement never turns a deny into an allow', () => {
    fc.assert(
      fc.property(documents, statement(fc.constant('Deny')), fc.nat(3), request, (docs, extra, where, req) => {
        const before = decide(docs, req);
        const withDeny =
          docs.length === 0 ? [[extra]] : docs.map((d, i) => (i === where % docs.length ? [...d, extra] : d));
        const after = decide(withDeny, req);
        if (before !== 'allowed') expect(after).not.toBe('allowed');
        if (before === 'explicitDeny') expect(after).toBe('explicitDeny');
      }),
      { numRuns: 2000 },
    );
  });

  it('a permissions boundary only ever takes away: allowed under it means allowed by both', () => {
    fc.assert(
      fc.property(documents, documents, request, (docs, boundaryDocs, req) => {
        const identity = decide(docs, req);
        const bound = decide(boundaryDocs, req);
        const within = evaluateWithinBoundary(inputs(docs), inputs(boundaryDocs), req).decision;
        expect(within === 'allowed').toBe(identity === 'allowed' && bound === 'allowed');
        if (identity === 'explicitDeny' || bound === 'explicitDeny') expect(within).toBe('explicitDeny');
        // No boundary at all is the identity decision.
        expect(evaluateWithinBoundary(inputs(docs), null, req).decision).toBe(identity);
      }),
      { numRuns: 2000 },
    );
  });

  it('adding an Allow statement never turns an allow into a deny', () => {
    fc.assert(
      fc.property(documents, statement(fc.constant('Allow')), request, (docs, extra, req) => {
        const before = decide(docs, req);
        const after = decide([...docs, [extra]], req);
        if (before === 'allowed') expect(after).toBe('allowed');
        if (before === 'explicitDeny') expect(after).toBe('explicitDeny');
      }),
      { numRuns: 2000 },
    );
  });

  it('the decision does not depend on the order of statements or policies', () => {
    fc.assert(
      fc.property(documents, request, (docs, req) => {
        const reversed = [...docs].reverse().map((d) => [...d].reverse());
        expect(decide(reversed, req)).toBe(decide(docs, req));
      }),
      { numRuns: 1000 },
    );
  });

  const operatorName = fc
    .tuple(
      fc.constantFrom('', 'ForAnyValue:', 'ForAllValues:'),
      fc.constantFrom(...Object.keys(CONDITION_OPERATORS)),
      fc.constantFrom('', 'IfExists'),
    )
    .map(([set, base, ifExists]) => set + base + ifExists);
  const text = fc.string({
    unit: fc.constantFrom('a', 'Z', '*', '?', '$', '{', '}', "'", ',', ' ', ':', '/', '.', '1', '0', '-', 'é'),
    maxLength: 16,
  });
  const value = fc.oneof(
    text,
    fc.integer().map(String),
    fc.constantFrom(
      'true',
      'false',
      '10.0.0.0/8',
      '::1/128',
      '2026-01-01T00:00:00Z',
      '${aws:username}',
      "${x:y, 'd''q'}",
      '${*}',
    ),
  );
  const wildStatement = fc.record({
    Effect: fc.constantFrom('Allow', 'Deny'),
    Action: fc.array(
      text.map((t) => `svc:${t}`),
      { minLength: 1, maxLength: 3 },
    ),
    Resource: fc.array(
      fc.oneof(
        fc.constant('*'),
        text.map((t) => `arn:${t}`),
      ),
      { minLength: 1, maxLength: 3 },
    ),
    Condition: fc.dictionary(
      operatorName,
      fc.dictionary(
        text.map((t) => `k:${t || 'x'}`),
        fc.array(value, { minLength: 1, maxLength: 3 }),
        { maxKeys: 2 },
      ),
      { maxKeys: 2 },
    ),
  });
  const wildContext = fc.dictionary(
    fc.constantFrom('k:a', 'k:x', 'aws:username', 'x:y', 'k:*'),
    fc.oneof(value, fc.array(value, { maxLength: 3 }), fc.integer(), fc.boolean()),
  );

  it('never throws on any valid document, whatever the request', () => {
    fc.assert(
      fc.property(
        fc.array(wildStatement, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('2012-10-17', '2008-10-17'),
        text,
        text,
        wildContext,
        (statements, version, action, resource, context) => {
          let compiled: ReturnType<typeof compilePolicy>;
          try {
            compiled = compilePolicy(parsePolicyDocument(JSON.stringify({ Version: version, Statement: statements })));
          } catch (error) {
            expect(error).toBeInstanceOf(GatehouseError);
            expect((error as GatehouseError).code).toBe('MalformedPolicyDocument');
            return;
          }
          const result = evaluatePolicies([{ id: 'p', policy: compiled }], {
            action: `svc:${action}`,
            resource: `arn:${resource}`,
            context,
          });
          expect(['allowed', 'explicitDeny', 'implicitDeny']).toContain(result.decision);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('session policy properties', () => {
  const boundaries = fc.option(documents, { nil: null });

  it('a session policy never widens: allowed in the session means allowed by the role within its boundary and by the session policies', () => {
    fc.assert(
      fc.property(documents, boundaries, documents, request, (docs, boundaryDocs, sessionDocs, req) => {
        const boundary = boundaryDocs === null ? null : inputs(boundaryDocs);
        const role = evaluateWithinBoundary(inputs(docs), boundary, req).decision;
        const session = decide(sessionDocs, req);
        const result = evaluateWithinSession(inputs(docs), boundary, inputs(sessionDocs), req);
        expect(result.decision === 'allowed').toBe(role === 'allowed' && session === 'allowed');
        if (role === 'explicitDeny' || session === 'explicitDeny') expect(result.decision).toBe('explicitDeny');
        expect(result.refusedBy === null).toBe(result.decision === 'allowed');
        // The session policy is blamed only when the role would have allowed, or when it denies outright.
        if (result.refusedBy === 'session policy')
          expect(role === 'allowed' || (role !== 'explicitDeny' && session === 'explicitDeny')).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('no session policies leave the role as it is; a session policy that allows everything changes nothing', () => {
    const everything = [[{ Effect: 'Allow', Action: '*', Resource: '*' }]];
    fc.assert(
      fc.property(documents, boundaries, request, (docs, boundaryDocs, req) => {
        const boundary = boundaryDocs === null ? null : inputs(boundaryDocs);
        const role = evaluateWithinBoundary(inputs(docs), boundary, req).decision;
        expect(evaluateWithinSession(inputs(docs), boundary, null, req).decision).toBe(role);
        expect(evaluateWithinSession(inputs(docs), boundary, inputs(everything), req).decision).toBe(role);
        // An empty set of session policies allows nothing.
        expect(evaluateWithinSession(inputs(docs), boundary, [], req).decision).not.toBe('allowed');
      }),
      { numRuns: 1000 },
    );
  });

  it('adding a session policy statement never lets through what was refused', () => {
    fc.assert(
      fc.property(documents, documents, anyStatement, request, (docs, sessionDocs, extra, req) => {
        const before = evaluateWithinSession(inputs(docs), null, inputs(sessionDocs), req).decision;
        const after = evaluateWithinSession(inputs(docs), null, inputs([...sessionDocs, [extra]]), req).decision;
        if (decide(docs, req) !== 'allowed') expect(after).not.toBe('allowed');
        if (before === 'explicitDeny') expect(after).toBe('explicitDeny');
      }),
      { numRuns: 1000 },
    );
  });
});
