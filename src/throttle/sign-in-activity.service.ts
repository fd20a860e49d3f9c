import type { Deps } from '../deps.ts';
import { networkOf } from '../guard/network.ts';
import type { SubjectState } from '../guard/throttle.ts';
import { type RecentFailure, recentSignInFailures } from './throttle.repository.ts';
import { userIdentifier } from './unlock.service.ts';

/** An IAM user's sign-in attempts, for administrators: the throttle's state, recent failures, and the networks they came from. */
export interface SignInActivity {
  state: SubjectState;
  failures: RecentFailure[];
  networks: string[];
}

export async function loadSignInActivity(
  deps: Deps,
  accountId: string,
  user: { id: string; name: string },
): Promise<SignInActivity> {
  const now = deps.clock.now();
  const state = await deps.guard.throttle.state(
    { identifier: userIdentifier(accountId, user.name), deviceId: null },
    'password',
    now,
  );
  const failures = await recentSignInFailures(deps.db, accountId, user.id, 20);
  const networks = [...new Set(failures.map((f) => (f.sourceIp ? networkOf(f.sourceIp) : 'unknown')))];
  return { state, failures, networks };
}
