import type { Db } from '../db/database.ts';
import { HOUR } from '../shared/clock.ts';
import type { Deps } from '../deps.ts';
import { clearThrottle, findThrottle, replaceThrottle } from './mfa.repository.ts';

/**
 * Wrong one-time codes (TOTP, recovery codes) are counted per principal, apart from wrong
 * passwords. The first few are free; after that each failure doubles a pause during which
 * no code is even checked. Security keys are not throttled: their answers cannot be
 * guessed, so an attacker holding the password cannot lock the owner's key out.
 */
export const FREE_FAILURES = 5;
const FIRST_PAUSE_MS = 30_000;
const LONGEST_PAUSE_MS = HOUR;
/** Reads and compare-and-sets one try may lose to others before it counts as refused. */
const MAX_RACES = 1000;

export function pauseAfter(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** (failures - FREE_FAILURES));
}

/**
 * Spends one try at a code *before* it is compared: the try counts as a failure at once (with
 * the pause that failure brings), unless codes are paused, and then it is refused (false).
 * The count moves by compare-and-set on what was read, so of many parallel guesses no more
 * are compared than the free tries allow. A right code then clears the count
 * (`resetCodeFailures`); a wrong one needs nothing more.
 */
export async function spendCodeTry(db: Db, deps: Pick<Deps, 'clock'>, principalId: string): Promise<boolean> {
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  for (let race = 0; race < MAX_RACES; race++) {
    const state = await findThrottle(db, principalId);
    if (state?.blockedUntil && state.blockedUntil > nowIso) return false;
    const failures = (state?.failures ?? 0) + 1;
    const pause = pauseAfter(failures);
    const next = { failures, blockedUntil: pause ? new Date(now.getTime() + pause).toISOString() : null };
    if (await replaceThrottle(db, principalId, state?.failures ?? 0, next, nowIso)) return true;
  }
  // Lost every race: that many tries are being compared already; this one is not.
  return false;
}

export async function resetCodeFailures(db: Db, principalId: string): Promise<void> {
  await clearThrottle(db, principalId);
}
