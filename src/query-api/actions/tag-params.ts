import { GatehouseError } from '../../shared/errors.ts';
import { P, list, str, structList } from '../params.ts';

/**
 * The tag parameters IAM's tagging Actions share, with IAM's constraints and words: a
 * `Tags` list of at most 50 `Key`/`Value` pairs, and a `TagKeys` list of at most 50 keys
 * whose members IAM reports all together, naming every constraint of a key.
 */
export const TAGS = (options: { required?: true } = {}) =>
  structList({ Key: P.tagKey(), Value: P.tagValue() }, { max: 50, ...options });

/** Members are checked by `assertTagKeys`, as IAM words it, not one by one. */
export const TAG_KEYS = () => list(str({ required: true }), { max: 50, required: true });

const KEY = P.tagKey();

export function assertTagKeys(keys: string[]): void {
  const fits = (key: string) => [...key].length >= KEY.min! && [...key].length <= KEY.max! && KEY.pattern!.test(key);
  if (keys.every(fits)) return;
  throw new GatehouseError(
    'ValidationError',
    `1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to ${KEY.max}, Member must have length greater than or equal to ${KEY.min}, Member must satisfy regular expression pattern: ${KEY.patternText}, Member must not be null]`,
  );
}

/** Tags in the order they are kept, paged by their place in that order. */
export function tagPageKey(index: number): string {
  return String(index).padStart(4, '0');
}
