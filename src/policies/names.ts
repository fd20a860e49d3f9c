import { invalid } from '../shared/errors.ts';

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

const POLICY_DOCUMENT_MAX = 131072;
const POLICY_DOCUMENT_TEXT = /^[\u0009\u000A\u000D\u0020-\u00FF]+$/;

/**
 * What AWS's model allows in a PolicyDocument parameter: 1 to 131,072 characters of tab,
 * line feed, carriage return and U+0020–U+00FF, worded as the Query API words it (without
 * the value), so the console refuses a document exactly as the Action does.
 */
export function validatePolicyDocumentText(field: string, value: string): string {
  const length = [...value].length;
  const refuse = (rule: string) =>
    invalid(field, `1 validation error detected: Value at '${field}' failed to satisfy constraint: ${rule}`);
  if (length < 1) throw refuse('Member must have length greater than or equal to 1');
  if (length > POLICY_DOCUMENT_MAX)
    throw refuse(`Member must have length less than or equal to ${POLICY_DOCUMENT_MAX}`);
  if (!POLICY_DOCUMENT_TEXT.test(value))
    throw refuse('Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+');
  return value;
}
