import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../shared/errors.ts';
import { compilePolicy } from './compile.ts';
import { POLICY_SIZE_LIMITS, formatPolicyDocument, parsePolicyDocument, policySize } from './document.ts';
import { evaluatePolicies } from './evaluate.ts';

const ok = { Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' };
const doc = (statement: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statement, ...extra });

function unreadable(text: string): string {
  try {
    parsePolicyDocument(text);
  } catch (error) {
    expect(error).toBeInstanceOf(GatehouseError);
    expect((error as GatehouseError).code).toBe('MalformedPolicyDocument');
    return (error as GatehouseError).message;
  }
  throw new Error('the document was read');
}

function decide(document: string, context: Record<string, string> = {}) {
  return evaluatePolicies([{ id: 'p', policy: compilePolicy(parsePolicyDocument(document)) }], {
    action: 'iam:GetUser',
    resource: '*',
    context,
  }).decision;
}

describe('reading policy documents for evaluation', () => {
  it('reads a statement object or a list the same way', () => {
    expect(parsePolicyDocument(doc(ok)).statements).toEqual(parsePolicyDocument(doc([ok])).statements);
    const parsed = parsePolicyDocument(
      doc({
        Sid: 'A1',
        ...ok,
        Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 }, Bool: { 'aws:SecureTransport': [true] } },
      }),
    );
    expect(parsed.statements[0]).toMatchObject({
      sid: 'A1',
      action: ['iam:GetUser'],
      notAction: null,
      resource: ['*'],
      principal: null,
    });
    expect(parsed.statements[0]!.condition).toEqual({
      NumericLessThan: { 'aws:MultiFactorAuthAge': ['3600'] },
      Bool: { 'aws:SecureTransport': ['true'] },
    });
  });

  it('reads a document without Version as 2008-10-17, and a trust policy’s principals', () => {
    const trust = parsePolicyDocument(
      JSON.stringify({
        Statement: { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' },
      }),
    );
    expect(trust.version).toBe('2008-10-17');
    expect(trust.statements[0]).toMatchObject({
      principal: { AWS: ['arn:aws:iam::111122223333:root'] },
      resource: null,
      notResource: null,
    });
  });

  it.each([
    ['not JSON', '{"Version": '],
    ['not an object', '[]'],
    ['no Statement', JSON.stringify({ Version: '2012-10-17' })],
    ['a statement that is not an object', doc(['x'])],
    ['an Effect it cannot read', doc({ ...ok, Effect: 'allow' })],
    ['an action that is not a string', doc({ ...ok, Action: [1] })],
    ['a condition block that is not an object', doc({ ...ok, Condition: { StringEquals: 'a' } })],
  ])('refuses only what cannot be evaluated: %s', (_name, text) => {
    expect(unreadable(text)).toBe('Syntax errors in policy.');
  });

  it('evaluates an operator IAM does not have as never matching, and reads stored operators whatever their case', () => {
    expect(
      decide(doc({ ...ok, Condition: { StringEqualz: { 'aws:username': 'ann' } } }), { 'aws:username': 'ann' }),
    ).toBe('implicitDeny');
    expect(decide(doc({ ...ok, Condition: { StringEqualz: {} } }))).toBe('allowed');
    expect(
      decide(doc({ ...ok, Effect: 'Deny', Condition: { stringequals: { 'aws:username': 'ann' } } }), {
        'aws:username': 'ann',
      }),
    ).toBe('explicitDeny');
  });

  it('evaluates values an operator cannot read as matching nothing', () => {
    expect(
      decide(doc({ ...ok, Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': 'soon' } } }), {
        'aws:MultiFactorAuthAge': '1',
      }),
    ).toBe('implicitDeny');
    expect(
      decide(doc({ ...ok, Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } } }), {
        'aws:SourceIp': '10.0.0.1',
      }),
    ).toBe('implicitDeny');
    expect(
      decide(doc({ ...ok, Condition: { DateLessThan: { 'aws:CurrentTime': 'soon' } } }), {
        'aws:CurrentTime': '2026-01-01T00:00:00Z',
      }),
    ).toBe('implicitDeny');
    expect(decide(doc({ ...ok, Condition: { NullIfExists: { 'aws:username': 'true' } } }))).toBe('allowed');
  });

  it('writes a canonical form that reads back the same', () => {
    const text = JSON.stringify({
      Version: '2012-10-17',
      Id: 'x',
      Statement: { Sid: '', ...ok, NotResource: undefined, Condition: { Bool: { 'aws:SecureTransport': false } } },
    });
    const read = parsePolicyDocument(text);
    expect(JSON.parse(formatPolicyDocument(read))).toEqual({
      Version: '2012-10-17',
      Id: 'x',
      Statement: [
        {
          Sid: '',
          Effect: 'Allow',
          Action: ['iam:GetUser'],
          Resource: ['*'],
          Condition: { Bool: { 'aws:SecureTransport': ['false'] } },
        },
      ],
    });
    expect(parsePolicyDocument(formatPolicyDocument(read))).toEqual(read);
  });

  it('counts size as AWS does: every character but white space', () => {
    const compact = doc(ok);
    const spaced = JSON.stringify(JSON.parse(compact), null, 4);
    expect(policySize(spaced)).toBe(compact.length);
    expect(POLICY_SIZE_LIMITS).toEqual({ managed: 6144, userInline: 2048, groupInline: 5120, roleInline: 10240 });
  });
});
