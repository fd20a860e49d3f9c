import type { Db } from '../db/database.ts';
import { HOUR } from '../shared/clock.ts';
import type { Deps } from '../shared/deps.ts';
import { clearThrottle, findThrottle, incrementThrottle, setThrottlePause } from './mfa.repository.ts';

/**
 * Wrong one-time codes (TOTP, recovery codes) are counted per principal, apart from wrong
 * passwords. The first few are free; after that each failure doubles a pause during which
 * no code is even checked. Security keys are not throttled: their answers cannot be
 * guessed, so an attacker holding the password cannot lock the owner's key out.
 */
export const FREE_FAILURES = 5;
const FIRST_PAUSE_MS = 30_000;
const LONGEST_PAUSE_MS = HOUR;

export function pauseAfter(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** (failures - FREE_FAILURES));
}

/** Whether codes from this principal are refused unchecked right now. */
export async function codesPaused(db: Db, deps: Pick<Deps, 'clock'>, principalId: string): Promise<boolean> {
  const state = await findThrottle(db, principalId);
  return state?.blockedUntil !== null && state?.blockedUntil !== undefined && state.blockedUntil > deps.clock.now().toISOString();
}

export async function countCodeFailure(db: Db, deps: Pick<Deps, 'clock'>, principalId: string): Promise<number> {
  const now = deps.clock.now();
  const failures = await incrementThrottle(db, principalId, now.toISOString());
  const pause = pauseAfter(failures);
  if (pause) await setThrottlePause(db, principalId, failures, new Date(now.getTime() + pause).toISOString());
  return failures;
}

export async function resetCodeFailures(db: Db, principalId: string): Promise<void> {
  await clearThrottle(db, principalId);
}
