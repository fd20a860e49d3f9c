import { GatehouseError } from '../shared/errors.ts';
import {
  TAG_KEY_CONSTRAINT,
  TAG_VALUE_CONSTRAINT,
  constraintProblems,
  constraintViolation,
} from '../shared/model-constraints.ts';
import type { Tag } from '../user-tags/user-tag.service.ts';

/**
 * The console's Tags form, checked as the Query API checks TagUser's `Tags` and UntagUser's
 * `TagKeys` before the service runs (AWS's model constraints on a tag), refused with the
 * same words: the form adds one tag, which TagUser would receive as `Tags.member.1`.
 */

// The same constraints as the Query API's `tagKey` and `tagValue` parameters.
const KEY = TAG_KEY_CONSTRAINT;
const VALUE = TAG_VALUE_CONSTRAINT;

/** The tag to add, or ValidationError as TagUser words it (on the field, when only one is wrong). */
export function checkTag(key: string, value: string): Tag {
  const keyProblems = constraintProblems(KEY, key, 'tags.1.member.key');
  const valueProblems = constraintProblems(VALUE, value, 'tags.1.member.value');
  const problems = [...keyProblems, ...valueProblems];
  if (problems.length === 0) return { key, value };
  const field = valueProblems.length === 0 ? 'tagKey' : keyProblems.length === 0 ? 'tagValue' : undefined;
  throw constraintViolation(problems, field);
}

/** The key to remove, or ValidationError as UntagUser words it. */
export function checkTagKey(key: string): string {
  if (constraintProblems(KEY, key, 'tagKeys').length === 0) return key;
  throw new GatehouseError(
    'ValidationError',
    `1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to ${KEY.max}, Member must have length greater than or equal to ${KEY.min}, Member must satisfy regular expression pattern: ${KEY.patternText}, Member must not be null]`,
  );
}
