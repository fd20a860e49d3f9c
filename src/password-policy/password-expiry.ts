import { DAY } from '../shared/clock.ts';

/** Users see a warning in the console this many days before their password expires. */
export const EXPIRY_WARNING_DAYS = 15;

export interface PasswordExpiry {
  expiresAt: string;
  expired: boolean;
  /** Whole days until expiry, rounded up; 0 or less once expired. */
  daysLeft: number;
  /** The policy's HardExpiry: once expired, only an administrator can set a new password. */
  hardExpiry: boolean;
  /** Expired under HardExpiry. */
  hardExpired: boolean;
  /** Within the warning window and not yet expired. */
  warn: boolean;
}

/**
 * When a password set at `changedAt` expires under the policy; null when passwords
 * never expire. A policy change takes effect at once, as in AWS: the age counts from
 * the last password change, not from the policy's.
 */
export function passwordExpiry(
  policy: { maxPasswordAge: number | null; hardExpiry: boolean } | null,
  changedAt: string,
  now: Date,
): PasswordExpiry | null {
  if (!policy?.maxPasswordAge) return null;
  const expiresAt = new Date(new Date(changedAt).getTime() + policy.maxPasswordAge * DAY);
  const remaining = expiresAt.getTime() - now.getTime();
  const expired = remaining <= 0;
  const daysLeft = Math.ceil(remaining / DAY);
  return {
    expiresAt: expiresAt.toISOString(),
    expired,
    daysLeft,
    hardExpiry: policy.hardExpiry,
    hardExpired: expired && policy.hardExpiry,
    warn: !expired && daysLeft <= EXPIRY_WARNING_DAYS,
  };
}
