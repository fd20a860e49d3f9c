import { deflateRawSync } from 'node:zlib';
import type { AssumedRoleSession } from '../identities/principal.ts';
import { GatehouseError } from '../shared/errors.ts';

/** AWS's AssumeRole limits. */
export const ROLE_SESSION_LIMITS = {
  defaultSeconds: 3600,
  minSeconds: 900,
  /** Role chaining (and any temporary credentials) may not ask for longer. */
  chainedMaxSeconds: 3600,
  maxTags: 50,
  maxPolicyArns: 10,
  /** The plain text of the inline session policy. */
  maxPolicyCharacters: 2048,
} as const;

export type SessionTag = { key: string; value: string };

/**
 * How long the session lasts: the request's DurationSeconds, else an hour. Temporary
 * credentials (role chaining) are held to an hour, checked before anything is looked up; the
 * role's MaxSessionDuration is checked by `assertWithinMaxSession` once the caller may know it.
 */
export function sessionSeconds(requested: number | undefined, fromTemporaryCredentials: boolean): number {
  if (fromTemporaryCredentials && requested !== undefined && requested > ROLE_SESSION_LIMITS.chainedMaxSeconds) {
    throw new GatehouseError(
      'ValidationError',
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  }
  return requested ?? ROLE_SESSION_LIMITS.defaultSeconds;
}

export function assertWithinMaxSession(seconds: number, maxSessionDuration: number): void {
  if (seconds > maxSessionDuration)
    throw new GatehouseError(
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
}

/**
 * The new session's tags and transitive keys: the tags the calling session passes on
 * (its transitive ones, which stay transitive and cannot be set again under the same key,
 * ignoring case), then the request's own. A transitive key must name one of the request's tags.
 */
export function sessionTagsFor(
  calling: AssumedRoleSession | null,
  requested: readonly SessionTag[],
  requestedTransitive: readonly string[],
): { tags: SessionTag[]; transitiveTagKeys: string[] } {
  const seen = new Set<string>();
  for (const tag of requested) {
    const key = tag.key.toLowerCase();
    if (seen.has(key))
      throw new GatehouseError(
        'InvalidParameterValue',
        'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
      );
    seen.add(key);
  }
  for (const key of requestedTransitive) {
    if (!seen.has(key.toLowerCase()))
      throw new GatehouseError(
        'InvalidParameterValue',
        `The transitive tag key ${key} is not the key of a session tag of this request.`,
      );
  }
  const inheritedKeys = new Set((calling?.transitiveTagKeys ?? []).map((k) => k.toLowerCase()));
  const inherited = (calling?.tags ?? []).filter((t) => inheritedKeys.has(t.key.toLowerCase()));
  for (const tag of requested) {
    if (inheritedKeys.has(tag.key.toLowerCase()))
      throw new GatehouseError(
        'InvalidParameterValue',
        `The session tag ${tag.key} cannot be set: the calling session passes it on as a transitive tag.`,
      );
  }
  const transitive = new Map<string, string>();
  for (const key of [...inherited.map((t) => t.key), ...requestedTransitive])
    if (!transitive.has(key.toLowerCase())) transitive.set(key.toLowerCase(), key);
  return {
    tags: [...inherited, ...requested.map((t) => ({ key: t.key, value: t.value }))],
    transitiveTagKeys: [...transitive.values()],
  };
}

/** The new session's source identity: the calling session's, which no request may change, else the request's. */
export function sourceIdentityFor(calling: AssumedRoleSession | null, requested: string | undefined): string | null {
  const held = calling?.sourceIdentity ?? null;
  if (held !== null && requested !== undefined && requested !== held)
    throw new GatehouseError(
      'ValidationError',
      `The source identity of a role session cannot be changed: the calling session's is ${held}.`,
    );
  return held ?? requested ?? null;
}

/**
 * How much of the packed allowance the session's policies and tags take, in percent, as AWS
 * reports PackedPolicySize. Gatehouse packs them with DEFLATE (AWS's own packing is not
 * published): the inline policy without white space, the policy ARNs and the tags, against
 * 512 bytes, so repetitive documents pack small and varied ones large, as AWS's do.
 */
export const PACKED_ALLOWANCE_BYTES = 512;

export function packedPolicySize(
  policy: string | null,
  policyArns: readonly string[],
  tags: readonly SessionTag[],
): number {
  const text = [
    policy === null ? '' : JSON.stringify(JSON.parse(policy)),
    policyArns.join('\n'),
    tags.map((t) => `${t.key}=${t.value}`).join('\n'),
  ].join('\u0000');
  return Math.ceil((deflateRawSync(Buffer.from(text, 'utf8'), { level: 9 }).length * 100) / PACKED_ALLOWANCE_BYTES);
}

export function assertPacks(percent: number, hasPolicies: boolean): void {
  if (percent <= 100) return;
  throw new GatehouseError(
    'PackedPolicyTooLarge',
    hasPolicies
      ? `Packed policy consumes ${percent}% of allotted space, please use smaller policy.`
      : `Packed size of session tags consumes ${percent}% of allotted space.`,
  );
}
