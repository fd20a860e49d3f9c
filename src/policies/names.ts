import { invalid } from '../shared/errors.ts';
import { type TextConstraint, assertConstraints } from '../shared/model-constraints.ts';

/**
 * Edge checks for the names IAM gives groups and policies, worded as AWS words its
 * constraint violations.
 */
const NAME = /^[\w+=,.@-]+$/;

function constraint(field: string, value: string, rule: string) {
  return invalid(
    field,
    `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${rule}`,
  );
}

/** Policy, inline policy and group names: 1–128 of letters, digits and `+=,.@_-`. */
export function validateEntityName(field: string, value: string): string {
  if (value.length < 1) throw constraint(field, value, 'Member must have length greater than or equal to 1');
  if (value.length > 128) throw constraint(field, value, 'Member must have length less than or equal to 128');
  if (!NAME.test(value)) throw constraint(field, value, 'Member must satisfy regular expression pattern: [\\w+=,.@-]+');
  return value;
}

export function validateDescription(field: string, value: string): string {
  if (value.length > 1000) throw constraint(field, value, 'Member must have length less than or equal to 1000');
  return value;
}

/**
 * AWS's model constraints on the managed-policy parameters, which the Query API checks
 * before the service runs (and the console checks the same way): among them the characters
 * a document may hold, which the grammar never sees refused otherwise.
 */
export const POLICY_PARAMETERS = {
  policyName: { min: 1, max: 128, pattern: NAME, patternText: '[\\w+=,.@-]+' },
  policyDocument: {
    min: 1,
    max: 131072,
    pattern: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/,
    patternText: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
  },
  description: { min: 0, max: 1000 },
} as const satisfies Record<string, TextConstraint>;

/**
 * What AWS's model allows in a PolicyDocument parameter, worded as the Query API words it,
 * so the console refuses a document exactly as the Action does.
 */
export function validatePolicyDocumentText(field: string, value: string): string {
  assertConstraints([{ field, value, constraint: POLICY_PARAMETERS.policyDocument }]);
  return value;
}
