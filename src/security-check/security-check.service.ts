import type { Challenge } from 'altcha-lib';
import type { Deps } from '../deps.ts';
import type { RiskLevel } from '../guard/throttle.ts';

/** Challenges one address may fetch in a burst, and regain per minute. */
const CHALLENGE_RULE = { burst: 60, intervalMs: 2_000 };

/**
 * A fresh challenge for the widget at the risk the form was shown at, or higher when the
 * caller's network or the service is at risk now; null when the address asked for too
 * many. Asking for less than the attempt will need only earns a refused check: the
 * verifier requires the risk at the moment of the attempt anyway.
 */
export async function issueSecurityCheck(deps: Deps, ip: string, requested: RiskLevel): Promise<Challenge | null> {
  const { throttle, check, metrics } = deps.guard;
  const now = deps.clock.now();
  if (!(await throttle.store.take(`challenge:${ip}`, CHALLENGE_RULE, now.getTime()))) {
    metrics.throttle('challenge');
    return null;
  }
  const level = Math.max(requested, await throttle.risk(null, ip, now)) as RiskLevel;
  metrics.checksIssued++;
  return check.issue(level);
}
