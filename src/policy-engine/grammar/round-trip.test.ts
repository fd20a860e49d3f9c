import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../../shared/errors.ts';
import { formatPolicyDocument, parsePolicyDocument } from '../document.ts';
import { validateIdentityPolicy } from './policy-validator.ts';

/**
 * Property: whatever document the grammar accepts, its canonical form (read by the engine,
 * written back) is accepted too and reads back the same; and the grammar's answer never
 * depends on white space. Documents are drawn from parts IAM accepts and parts it refuses,
 * so both answers are exercised.
 */

/** Mostly parts IAM accepts, sometimes one it refuses. */
const mostly = <T>(good: readonly T[], bad: readonly T[]) =>
  fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: fc.constantFrom(...bad) });

const effect = mostly(['Allow', 'Deny'], ['allow', 'Permit']);
const action = mostly(
  ['iam:GetUser', 's3:Get*', '*', 'iam: odd name ', 'execute-api:Invoke'],
  ['GetUser', 's3:List:Bucket', 'a b:Run', ''],
);
const resource = mostly(
  [
    '*',
    'arn:aws:s3:::ledger/*',
    'arn:aws:iam::111122223333:user/${aws:username}',
    'arn:*:iam::*:role/aws-service-role/x',
    'arn:aws:ec2:*:*:instance/*',
    'arn:aws:s3:us-east-1:111122223333:accesspoint/a',
  ],
  [
    'ledger',
    'arn:aws',
    'arn:nope:s3:::x',
    'arn:aws:s3::ledger',
    'arn:aws:iam:us-east-1::user/a',
    'arn:aws:iam::111122223333:alice',
  ],
);
const conditionValue = fc.oneof(
  mostly(['ops', '2026-01-01T00:00:00Z', '1767225600', '', 'true'], ['soon']),
  fc.boolean(),
  fc.integer({ min: 0, max: 5000 }),
);
const operator = mostly(
  [
    'StringEquals',
    'StringLikeIfExists',
    'ForAnyValue:StringEquals',
    'ForAllValues:StringNotLike',
    'DateLessThan',
    'NumericLessThan',
    'Bool',
    'Null',
    'NullIfExists',
    'IpAddress',
  ],
  ['StringEqualz', 'stringequals'],
);
const conditionKey = fc.constantFrom('aws:username', 'aws:CurrentTime', 'aws:TagKeys', 'team', 's3:prefix');
const condition = fc.dictionary(
  operator,
  fc.dictionary(conditionKey, fc.oneof(conditionValue, fc.array(conditionValue, { maxLength: 3 })), { maxKeys: 2 }),
  { maxKeys: 2 },
);
const oneOrMany = <T>(item: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 3, arbitrary: item },
    { weight: 3, arbitrary: fc.array(item, { minLength: 1, maxLength: 3 }) },
    { weight: 1, arbitrary: fc.constant([]) },
  );

const statement = fc
  .record(
    {
      Sid: mostly(['A', 'B', '', 'Read1'], ['bad-sid']),
      Effect: effect,
      actions: fc.tuple(fc.constantFrom('Action', 'NotAction'), oneOrMany(action)),
      resources: fc.tuple(fc.constantFrom('Resource', 'NotResource'), oneOrMany(resource)),
      Condition: condition,
    },
    { requiredKeys: ['Effect', 'actions', 'resources'] },
  )
  .map(({ actions, resources, ...rest }) => ({ ...rest, [actions[0]]: actions[1], [resources[0]]: resources[1] }));

const policyText = fc
  .record(
    {
      Version: mostly(['2012-10-17'], ['2008-10-17']),
      Id: fc.constantFrom('doc-1', 'x'),
      Statement: fc.oneof(statement, fc.array(statement, { minLength: 1, maxLength: 3 })),
    },
    { requiredKeys: ['Statement'] },
  )
  .chain((document) => fc.constantFrom(undefined, 2, 4).map((space) => JSON.stringify(document, null, space)));

function answer(text: string): string {
  try {
    validateIdentityPolicy(text);
    return 'accepted';
  } catch (error) {
    if (error instanceof GatehouseError) return error.message;
    throw error;
  }
}

describe('the grammar and the canonical form', () => {
  it('draws documents IAM accepts as well as documents it refuses', () => {
    const answers = fc.sample(policyText, { numRuns: 400, seed: 15 }).map(answer);
    expect(answers.filter((a) => a === 'accepted').length).toBeGreaterThan(20);
    expect(new Set(answers).size).toBeGreaterThan(8);
  });

  it('accepts the canonical form of every document it accepts, and reads it back the same', () => {
    fc.assert(
      fc.property(policyText, (text) => {
        if (answer(text) !== 'accepted') return;
        const read = parsePolicyDocument(text);
        const canonical = formatPolicyDocument(read);
        expect(answer(canonical)).toBe('accepted');
        expect(parsePolicyDocument(canonical)).toEqual(read);
        expect(formatPolicyDocument(parsePolicyDocument(canonical), 2)).toBe(formatPolicyDocument(read, 2));
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same answer however the document is spaced', () => {
    fc.assert(
      fc.property(policyText, (text) => {
        const parsed = JSON.parse(text) as unknown;
        expect(answer(JSON.stringify(parsed))).toBe(answer(text));
        expect(answer(JSON.stringify(parsed, null, '\t'))).toBe(answer(text));
      }),
      { numRuns: 300 },
    );
  });
});
