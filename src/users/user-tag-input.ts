import { GatehouseError } from '../shared/errors.ts';
import type { Tag } from '../user-tags/user-tag.service.ts';

/**
 * The console's Tags form, checked as the Query API checks TagUser's `Tags` and UntagUser's
 * `TagKeys` before the service runs (AWS's model constraints on a tag), refused with the
 * same words: the form adds one tag, which TagUser would receive as `Tags.member.1`.
 */

const KEY = {
  min: 1,
  max: 128,
  pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u,
  patternText: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+',
};
const VALUE = {
  min: 0,
  max: 256,
  pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u,
  patternText: '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*',
};

function problemsOf(value: string, rule: typeof KEY | typeof VALUE, at: string): string[] {
  const length = [...value].length;
  if (length < rule.min)
    return [
      `Value at '${at}' failed to satisfy constraint: Member must have length greater than or equal to ${rule.min}`,
    ];
  if (length > rule.max)
    return [`Value at '${at}' failed to satisfy constraint: Member must have length less than or equal to ${rule.max}`];
  if (length > 0 && !rule.pattern.test(value))
    return [
      `Value at '${at}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${rule.patternText}`,
    ];
  return [];
}

/** The tag to add, or ValidationError as TagUser words it (on the field, when only one is wrong). */
export function checkTag(key: string, value: string): Tag {
  const keyProblems = problemsOf(key, KEY, 'tags.1.member.key');
  const valueProblems = problemsOf(value, VALUE, 'tags.1.member.value');
  const problems = [...keyProblems, ...valueProblems];
  if (problems.length === 0) return { key, value };
  const n = problems.length;
  const field = valueProblems.length === 0 ? 'tagKey' : keyProblems.length === 0 ? 'tagValue' : undefined;
  throw new GatehouseError(
    'ValidationError',
    `${n} validation error${n === 1 ? '' : 's'} detected: ${problems.join('; ')}`,
    field ? { field } : {},
  );
}

/** The key to remove, or ValidationError as UntagUser words it. */
export function checkTagKey(key: string): string {
  const length = [...key].length;
  if (length >= KEY.min && length <= KEY.max && KEY.pattern.test(key)) return key;
  throw new GatehouseError(
    'ValidationError',
    `1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to ${KEY.max}, Member must have length greater than or equal to ${KEY.min}, Member must satisfy regular expression pattern: ${KEY.patternText}, Member must not be null]`,
  );
}
