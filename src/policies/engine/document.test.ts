import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../../shared/errors.ts';
import { POLICY_SIZE_LIMITS, parsePolicyDocument, policySize } from './document.ts';

const ok = { Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' };
const doc = (statement: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ Version: '2012-10-17', Statement: statement, ...extra });

function problem(text: string): string {
  try {
    parsePolicyDocument(text);
  } catch (error) {
    expect(error).toBeInstanceOf(GatehouseError);
    expect((error as GatehouseError).code).toBe('MalformedPolicyDocument');
    expect((error as GatehouseError).status).toBe(400);
    return (error as GatehouseError).message;
  }
  throw new Error('the document was accepted');
}

describe('policy documents', () => {
  it('accepts a statement object or a list, and reads both the same way', () => {
    expect(parsePolicyDocument(doc(ok)).statements).toEqual(parsePolicyDocument(doc([ok])).statements);
    const parsed = parsePolicyDocument(doc({ Sid: 'A1', ...ok, Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 } } }));
    expect(parsed.statements[0]).toMatchObject({ sid: 'A1', action: ['iam:GetUser'], notAction: null, resource: ['*'] });
    expect(parsed.statements[0]!.condition).toEqual({ NumericLessThan: { 'aws:MultiFactorAuthAge': ['3600'] } });
  });

  it('reads a document without Version as 2008-10-17', () => {
    expect(parsePolicyDocument(JSON.stringify({ Statement: ok })).version).toBe('2008-10-17');
  });

  it.each([
    ['not JSON', '{"Version": ', /Syntax errors in policy/],
    ['not an object', '[]', /must be a JSON object/],
    ['an unknown top-level element', doc(ok, { Extra: 1 }), /unknown top-level element: Extra/],
    ['an unknown version', doc(ok, { Version: '2020-01-01' }), /Version must be "2012-10-17" or "2008-10-17"/],
    ['no Statement', JSON.stringify({ Version: '2012-10-17' }), /missing the required element Statement/],
    ['an empty Statement list', doc([]), /at least one statement/],
    ['a statement that is not an object', doc(['x']), /Statement 1 must be a JSON object/],
    ['an unknown statement element', doc({ ...ok, Actions: 'iam:GetUser' }), /Statement 1 has an unknown element: Actions/],
    ['a principal', doc({ ...ok, Principal: '*' }), /should not specify a principal/],
    ['no Effect', doc({ Action: 'iam:GetUser', Resource: '*' }), /missing the required element Effect/],
    ['a bad Effect', doc({ ...ok, Effect: 'allow' }), /Effect must be "Allow" or "Deny"/],
    ['both Action and NotAction', doc({ ...ok, NotAction: 'iam:ListUsers' }), /both Action and NotAction/],
    ['neither Action nor NotAction', doc({ Effect: 'Allow', Resource: '*' }), /must contain actions/],
    ['both Resource and NotResource', doc({ ...ok, NotResource: '*' }), /both Resource and NotResource/],
    ['neither Resource nor NotResource', doc({ Effect: 'Allow', Action: 'iam:GetUser' }), /must contain resources/],
    ['an action without a service', doc({ ...ok, Action: 'GetUser' }), /prefaced by a service/],
    ['an empty action list', doc({ ...ok, Action: [] }), /Action must not be an empty list/],
    ['a non-string action', doc({ ...ok, Action: [1] }), /Action must be a string or a list of strings/],
    ['a resource that is not an ARN', doc({ ...ok, Resource: 'user/alice' }), /Resource user\/alice must be in ARN format or "\*"/],
    ['a non-alphanumeric Sid', doc({ ...ok, Sid: 'my-sid' }), /SID\) must be alpha-numeric/],
    ['a repeated Sid', doc([{ Sid: 'A', ...ok }, { Sid: 'A', ...ok }]), /must be unique/],
    ['an unknown condition operator', doc({ ...ok, Condition: { StringEqualz: { 'aws:username': 'a' } } }), /Invalid Condition type: StringEqualz/],
    ['Null with IfExists', doc({ ...ok, Condition: { NullIfExists: { 'aws:username': 'true' } } }), /Invalid Condition type/],
    ['an unknown set operator', doc({ ...ok, Condition: { 'ForSomeValues:StringEquals': { 'aws:username': 'a' } } }), /Invalid Condition type/],
    ['a condition that is not an object', doc({ ...ok, Condition: { StringEquals: 'a' } }), /must be a JSON object of condition keys/],
    ['a condition key without a service', doc({ ...ok, Condition: { StringEquals: { username: 'a' } } }), /condition key "username" must be prefaced/],
    ['a condition value that is an object', doc({ ...ok, Condition: { StringEquals: { 'aws:username': { a: 1 } } } }), /values must be strings, numbers or booleans/],
    ['a number that is not a number', doc({ ...ok, Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': 'soon' } } }), /"soon" is not a number/],
    ['a date that is not a date', doc({ ...ok, Condition: { DateLessThan: { 'aws:CurrentTime': 'tomorrow' } } }), /"tomorrow" is not a date/],
    ['an address that is not an address', doc({ ...ok, Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } } }), /is not an IP address or CIDR range/],
    ['a Null value other than true/false', doc({ ...ok, Condition: { Null: { 'aws:username': 'yes' } } }), /"yes" is not "true" or "false"/],
  ])('rejects %s, naming the problem', (_name, text, message) => {
    expect(problem(text)).toMatch(message);
  });

  it('counts size as AWS does: every character but white space', () => {
    const compact = doc(ok);
    const spaced = JSON.stringify(JSON.parse(compact), null, 4);
    expect(policySize(spaced)).toBe(compact.length);
    expect(POLICY_SIZE_LIMITS).toEqual({ managed: 6144, userInline: 2048, groupInline: 5120 });
  });
});
