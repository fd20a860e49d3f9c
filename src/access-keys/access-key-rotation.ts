import type { AccessKeyRecord } from './access-key.repository.ts';

/**
 * Where a principal stands in rotating its access key, the way AWS recommends it: create a
 * second key, move the programs to it, deactivate the old key (it can still be activated
 * again if something breaks), then delete it. Two keys is the most anyone may have, which
 * is exactly what makes rotation possible without an outage.
 */
export type RotationStep = 'create-second' | 'deactivate-old' | 'delete-old';

export interface RotationPlan {
  step: RotationStep;
  /** The key being retired. */
  oldKeyId: string;
  /** The key taking over, once there is one. */
  newKeyId: string | null;
  /** Whether the new key has been used yet (its Last used shows the programs moved to it). */
  newKeyUsed: boolean;
}

/** The next step for these keys (oldest first, as listed); null when there is no key to rotate. */
export function rotationPlan(keys: readonly AccessKeyRecord[]): RotationPlan | null {
  if (keys.length === 0) return null;
  if (keys.length === 1) {
    const [only] = keys as [AccessKeyRecord];
    return {
      step: only.status === 'Active' ? 'create-second' : 'delete-old',
      oldKeyId: only.id,
      newKeyId: null,
      newKeyUsed: false,
    };
  }
  const [older, newer] = keys as [AccessKeyRecord, AccessKeyRecord];
  const inactive = keys.filter((k) => k.status === 'Inactive');
  // The inactive key is the one on its way out; with both active, the older one is.
  const old = inactive.length === 1 ? inactive[0]! : older;
  const fresh = old === older ? newer : older;
  return {
    step: inactive.length === 0 ? 'deactivate-old' : 'delete-old',
    oldKeyId: old.id,
    newKeyId: fresh.id,
    newKeyUsed: fresh.lastUsedAt !== null,
  };
}
