import type { RequestMeta } from '../audit/audit.service.ts';
import type { CheckProblem } from '../guard/security-check.ts';
import type { Deps } from '../deps.ts';
import { authenticDevice, deviceIsFor, issueDeviceCookie } from './device-cookie.ts';
import type { Db, Finish } from '../db/database.ts';
import {
  type RootCandidate,
  type UserCandidate,
  findRootCandidate,
  findUserCandidate,
} from '../signin/signin.repository.ts';
import type { Reservation, RiskLevel, Subject, Throttle } from '../guard/throttle.ts';
import { onHardStop, rootIdentifier, userIdentifier } from './unlock.service.ts';

/** What the guard reads from the request: where it came from, and the browser's device cookie (`DEVICE_COOKIE`). */
export interface AttemptSource {
  ip: string;
  deviceCookie: string | undefined;
}

export type SignInIdentity = { kind: 'root'; email: string } | { kind: 'user'; accountRef: string; userName: string };

/**
 * What the sign-in route does with an attempt, decided before any password is hashed:
 * - `refused`: the source address or its network is out of tokens, or (for a browser that
 *   signed in to this identifier before) that browser's own bucket is (generic failure page);
 * - `check`: risk is up and no valid security check came with the form (form again, with the check);
 * - `proceed`: check the password, unless `throttled` (back-off or hard stop), in which case
 *   the service refuses it unhashed and the page is the generic failure all the same. An
 *   attempt that proceeds unthrottled already counts as a failure (see `Throttle.reserve`):
 *   `settleSignIn` clears the count on success, `abandonSignIn` gives it back when no answer came.
 */
export type GuardDecision =
  | { kind: 'refused' }
  | { kind: 'check'; problem: CheckProblem; level: RiskLevel }
  /** `failures`: the subject's count with this attempt in it (or, when throttled, as it stands). */
  | {
      kind: 'proceed';
      subject: Subject;
      throttled: boolean;
      failures: number;
      reservation: Extract<Reservation, { reserved: true }> | null;
      resolved: ResolvedIdentity;
    };

/**
 * Who an attempt is for, as normalised for its counters, with `candidate`: the sign-in's one
 * lookup (null: no such account, email or user), made with the counters and handed to the sign-in.
 */
type ResolvedIdentity =
  | { kind: 'root'; emailKey: string; candidate: RootCandidate | null }
  /** `accountKey`: the account's ID, or the reference as typed when it names no account. */
  | { kind: 'user'; accountKey: string; userNameKey: string; candidate: UserCandidate | null };

export async function guardSignIn(
  deps: Deps,
  source: AttemptSource,
  identity: SignInIdentity,
  presentedCheck: string | undefined,
): Promise<GuardDecision> {
  const { throttle, check, metrics } = deps.guard;
  const counted = await withCounters(deps, (counters, db) => countAttempt(deps, counters, db, source, identity));
  if (counted.kind === 'refused') {
    metrics.signIn('throttled');
    metrics.throttle(counted.layer);
    return { kind: 'refused' };
  }
  const { subject, reservation, failures, level, resolved } = counted;
  if (level > 0) {
    const problem = await check.verify(presentedCheck, level);
    if (problem) {
      if (reservation.reserved) await throttle.refund(subject, 'password', reservation);
      if (problem !== 'missing') metrics.checksRefused++;
      metrics.signIn('check_required');
      return { kind: 'check', problem, level };
    }
    metrics.checksSolved++;
  }
  // Not checked at all while waiting out a back-off or stopped.
  if (!reservation.reserved)
    return { kind: 'proceed', subject, throttled: true, failures, reservation: null, resolved };
  return { kind: 'proceed', subject, throttled: false, failures: reservation.failures, reservation, resolved };
}

/**
 * Runs an attempt's counter steps, and the lookup among them, in one database transaction when
 * the counters live in the database: one commit instead of one per step. Redis counters are
 * atomic step by step, and the lookup needs no transaction of its own.
 */
async function withCounters<T>(deps: Deps, work: (throttle: Throttle, db: Db) => Promise<T>): Promise<T> {
  const { throttle } = deps.guard;
  if (throttle.store.kind !== 'database') return work(throttle, deps.db);
  return deps.db.transaction().execute((tx) => work(throttle.within(tx), tx));
}

type Counted =
  | { kind: 'refused'; layer: string }
  | {
      kind: 'counted';
      subject: Subject;
      reservation: Reservation;
      /** The subject's count before this attempt (or, when it is refused unchecked, as it stands). */
      failures: number;
      level: RiskLevel;
      resolved: ResolvedIdentity;
    };

/** Everything decided about an attempt before the security check and the hash: admission, who it is for, its place in the failure count, its risk. */
async function countAttempt(
  deps: Deps,
  throttle: Throttle,
  db: Db,
  source: AttemptSource,
  identity: SignInIdentity,
): Promise<Counted> {
  const now = deps.clock.now();
  // A browser that signed in to this identifier before is admitted by its own bucket, not
  // its address's or network's: a flood from the same network cannot lock its owner out.
  // Every attempt takes a token before any lookup is made: the device's, or else the source's
  // (so a trusted browser never has less than any other).
  const presented = authenticDevice(deps.guard.deviceKey, source.deviceCookie);
  const byDevice = presented !== null && (await throttle.admitDevice(presented.id, now));
  if (!byDevice && !(await throttle.admitSource(source.ip, now)))
    return { kind: 'refused', layer: presented ? 'device-source' : 'source' };
  const { identifier, resolved } = await identify(db, identity);
  const deviceId = presented && deviceIsFor(deps.guard.deviceKey, presented, identifier) ? presented.id : null;
  // An authentic cookie for another identifier earns nothing here: the source pays as well.
  if (byDevice && !deviceId && !(await throttle.admitSource(source.ip, now)))
    return { kind: 'refused', layer: 'source' };
  const subject: Subject = { identifier, deviceId };
  // The attempt takes its place in the subject's failure count before anything is checked,
  // so parallel attempts cannot all pass on one stale reading of the count.
  const reservation = await throttle.reserve(subject, 'password', now);
  const failures = reservation.reserved ? reservation.prior : reservation.state.failures;
  const level = await throttle.risk(failures, source.ip, now);
  return { kind: 'counted', subject, reservation, failures, level, resolved };
}

/**
 * What a successful attempt writes in the transaction that starts its session: the failure it
 * reserved is cleared (the subject's count starts again), in the same commit when the counters
 * live in the database.
 */
export function clearedOnSuccess(deps: Deps, decision: Extract<GuardDecision, { kind: 'proceed' }>): Finish {
  return (tx) => deps.guard.throttle.within(tx).recordSuccess(decision.subject, 'password');
}

/** The attempt ended without an answer (the hasher was overloaded, an error): its reserved failure is given back. */
export async function abandonSignIn(deps: Deps, decision: Extract<GuardDecision, { kind: 'proceed' }>): Promise<void> {
  if (decision.reservation) await deps.guard.throttle.refund(decision.subject, 'password', decision.reservation);
}

/** What the sign-in route does once an attempt is counted. */
export interface Settlement {
  /** On success: the device cookie (new or renewed) for the browser to keep `DEVICE_COOKIE_DAYS`. */
  deviceCookie: string | null;
  /** Work for after the response has gone out (the hard-stop notice), or null. */
  afterResponse: (() => Promise<void>) | null;
}

/** Counts the outcome; on success the browser gets (or renews) its device cookie for this identifier. */
export async function settleSignIn(
  deps: Deps,
  ip: string,
  decision: Extract<GuardDecision, { kind: 'proceed' }>,
  outcome: { ok: true } | { ok: false; reason: string },
  meta: RequestMeta,
): Promise<Settlement> {
  const { throttle, metrics } = deps.guard;
  const { subject } = decision;
  if (outcome.ok) {
    // Its failure count was cleared with its session (`clearedOnSuccess`).
    metrics.signIn('success');
    return {
      deviceCookie: issueDeviceCookie(deps.guard.deviceKey, subject.identifier, subject.deviceId ?? undefined),
      afterResponse: null,
    };
  }
  if (outcome.reason === 'Throttled') {
    metrics.signIn('throttled');
    metrics.throttle(subject.deviceId ? 'device' : 'identifier');
    return { deviceCookie: null, afterResponse: null };
  }
  metrics.signIn('failure');
  await throttle.countFailure(ip, deps.clock.now());
  const hardStop = decision.failures === throttle.settings.hardStop && !subject.deviceId;
  return {
    deviceCookie: null,
    afterResponse: hardStop ? () => onHardStop(deps, decision.resolved, subject.identifier, meta) : null,
  };
}

async function identify(db: Db, identity: SignInIdentity): Promise<{ identifier: string; resolved: ResolvedIdentity }> {
  // The sign-in's one lookup is made here, with the attempt's counters, and goes on with the
  // decision: an alias counts under its account's ID (an account's ID and alias share one
  // counter), an unknown reference under itself.
  if (identity.kind === 'root') {
    const emailKey = identity.email.trim().toLowerCase();
    const candidate = await findRootCandidate(db, emailKey);
    return { identifier: rootIdentifier(emailKey), resolved: { kind: 'root', emailKey, candidate } };
  }
  const ref = identity.accountRef;
  const userNameKey = identity.userName.trim().toLowerCase();
  const candidate = await findUserCandidate(db, ref, userNameKey);
  const accountKey = candidate?.accountId ?? ref;
  return {
    identifier: userIdentifier(accountKey, userNameKey),
    resolved: { kind: 'user', accountKey, userNameKey, candidate },
  };
}
