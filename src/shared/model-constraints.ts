import { GatehouseError } from './errors.ts';

/**
 * The constraints AWS's service models put on text parameters, and the words AWS's
 * validation answers with when one is broken ("1 validation error detected: Value at
 * 'path' failed to satisfy constraint: …"). The Query API reads every parameter with
 * them; a console form that stands for an Action checks its fields with the same ones,
 * so both refuse the same input with the same words.
 */
export interface TextConstraint {
  min?: number;
  max?: number;
  /** Must match the whole value. */
  pattern?: RegExp;
  /** The pattern as AWS prints it in messages. */
  patternText?: string;
}

/** A tag's key (TagUser, TagPolicy, …). */
export const TAG_KEY_CONSTRAINT = Object.freeze({
  min: 1,
  max: 128,
  pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u,
  patternText: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+',
} as const satisfies TextConstraint);

/** A tag's value. */
export const TAG_VALUE_CONSTRAINT = Object.freeze({
  min: 0,
  max: 256,
  pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u,
  patternText: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*',
} as const satisfies TextConstraint);

/** `Path` (users, groups, policies): `/`, or `/` + printable ASCII + `/`. */
export const PATH_CONSTRAINT: TextConstraint = Object.freeze({
  min: 1,
  max: 512,
  pattern: /^(?:\/|\/[\u0021-\u007E]+\/)$/,
  patternText: '(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)',
});

/**
 * How a validation message names the member that broke a constraint: IAM names only the member
 * ("Value at 'userName'"), STS names the value too ("Value 'x' at 'roleSessionName'").
 */
export function valueAt(at: string, shown?: string): string {
  return shown === undefined ? `Value at '${at}'` : `Value '${shown}' at '${at}'`;
}

/**
 * What is wrong with `value` at member `at` (lengths in characters, as AWS counts them); empty
 * when nothing is. `showValue`: name the value in each message, as STS does.
 */
export function constraintProblems(constraint: TextConstraint, value: string, at: string, showValue = false): string[] {
  const length = [...value].length;
  const subject = valueAt(at, showValue ? value : undefined);
  const problems: string[] = [];
  if (constraint.min !== undefined && length < constraint.min) {
    problems.push(
      `${subject} failed to satisfy constraint: Member must have length greater than or equal to ${constraint.min}`,
    );
  }
  if (constraint.max !== undefined && length > constraint.max) {
    problems.push(
      `${subject} failed to satisfy constraint: Member must have length less than or equal to ${constraint.max}`,
    );
  } else if (constraint.pattern && length > 0 && !constraint.pattern.test(value)) {
    problems.push(
      `${subject} failed to satisfy constraint: Member must satisfy regular expression pattern: ${constraint.patternText ?? constraint.pattern.source}`,
    );
  }
  return problems;
}

/** All of a request's problems in one ValidationError, as AWS reports them; `field` when they are about one form field. */
export function constraintViolation(problems: readonly string[], field?: string): GatehouseError {
  const n = problems.length;
  return new GatehouseError(
    'ValidationError',
    `${n} validation error${n === 1 ? '' : 's'} detected: ${problems.join('; ')}`,
    field === undefined ? {} : { field },
  );
}

/**
 * Checks a form's fields as the Query API checks the Action's parameters, in the Action's
 * parameter order; a field left out (undefined) is not given, as in the API. Throws one
 * ValidationError naming every problem, on the field when only one field is wrong.
 */
export function assertConstraints(
  fields: ReadonlyArray<{ field: string; value: string | undefined; constraint: TextConstraint }>,
): void {
  const found = fields
    .filter((f) => f.value !== undefined)
    .map((f) => ({ field: f.field, problems: constraintProblems(f.constraint, f.value!, f.field) }))
    .filter((f) => f.problems.length > 0);
  if (found.length === 0) return;
  throw constraintViolation(
    found.flatMap((f) => f.problems),
    found.length === 1 ? found[0]!.field : undefined,
  );
}
