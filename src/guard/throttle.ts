import type { SecurityCheckSettings, ThrottleSettings } from '../config/config.ts';
import type { Db } from '../db/database.ts';
import { HOUR, MINUTE } from '../shared/clock.ts';
import type { BucketRule, CounterStore } from './counter-store.ts';
import { networkOf } from './network.ts';

/** The factor a failure belongs to: each has its own consecutive-failure counter. */
export type Factor = 'password' | 'mfa' | 'recovery-code';

/**
 * Who an attempt is against: the identifier as typed and normalised (`root:<email>`,
 * `iam:<account ref>:<user name>`, whether or not it exists) and, when the browser holds a
 * valid device cookie for it, that device: its failures then count apart from everyone else's.
 */
export interface Subject {
  identifier: string;
  deviceId: string | null;
}

export interface SubjectState {
  failures: number;
  /** No attempt is checked before this time (back-off); null when none is due. */
  waitUntil: string | null;
  /** Stopped after `hardStop` consecutive failures until unlocked. */
  stopped: boolean;
}

/**
 * An attempt's place in the subject's failure count: `reserved` with the count before it
 * (`prior`) and with it (`failures`), or refused unchecked with the state that refused it.
 */
export type Reservation =
  | { reserved: true; prior: number; failures: number; at: string; previousAt: string | null }
  | { reserved: false; state: SubjectState };

/** Reads and compare-and-sets one reservation may lose to others before it counts as refused. */
const MAX_RESERVATION_RACES = 1000;

/** Risk 0 needs no security check; each level above doubles its work. */
export type RiskLevel = 0 | 1 | 2 | 3;

const FIRST_PAUSE_MS = 30_000;
const LONGEST_PAUSE_MS = HOUR;
/** Failures remembered per network for the risk signal, and how fast they are forgotten. */
const NETWORK_FAILURE_RULE: BucketRule = { burst: 50, intervalMs: 30_000 };

/**
 * The throttling policy over a counter store: token buckets per source address and per
 * network, consecutive-failure counters per subject and factor with exponential back-off
 * and a hard stop, and the risk signals that decide when the security check appears.
 */
export class Throttle {
  readonly #ipRule: BucketRule;
  readonly #networkRule: BucketRule;
  readonly #globalFailureRule: BucketRule;

  constructor(
    readonly store: CounterStore,
    readonly settings: ThrottleSettings,
    readonly check: SecurityCheckSettings,
  ) {
    this.#ipRule = { burst: settings.ipBurst, intervalMs: MINUTE / settings.ipPerMinute };
    this.#networkRule = { burst: settings.networkBurst, intervalMs: MINUTE / settings.networkPerMinute };
    this.#globalFailureRule = {
      burst: settings.globalFailuresPerMinute,
      intervalMs: MINUTE / settings.globalFailuresPerMinute,
    };
  }

  /** This throttle with its counters read and written through `db` (see `CounterStore.within`). */
  within(db: Db): Throttle {
    return new Throttle(this.store.within(db), this.settings, this.check);
  }

  /** Takes a token from the address's bucket and its network's; false when either is empty. */
  async admitSource(ip: string, now: Date): Promise<boolean> {
    const ms = now.getTime();
    if (!(await this.store.take(`ip:${ip}`, this.#ipRule, ms))) return false;
    return this.store.take(`net:${networkOf(ip)}`, this.#networkRule, ms);
  }

  /** Takes a token from a trusted browser's own bucket (the same allowance as one address). */
  async admitDevice(deviceId: string, now: Date): Promise<boolean> {
    return this.store.take(`devsrc:${deviceId}`, this.#ipRule, now.getTime());
  }

  failureKey(subject: Subject, factor: Factor): string {
    return subject.deviceId
      ? `dev:${factor}:${subject.identifier}:${subject.deviceId}`
      : `id:${factor}:${subject.identifier}`;
  }

  async state(subject: Subject, factor: Factor, now: Date): Promise<SubjectState> {
    const count = await this.store.failures(this.failureKey(subject, factor));
    return this.#stateOf(count?.failures ?? 0, count?.lastFailureAt ?? null, now);
  }

  /**
   * Counts an attempt as a failure *before* it is checked, if the subject may be checked at
   * all now (not backing off, not stopped). The count is one compare-and-set on what was read,
   * so when many requests race, each reservation sees the count the one before it left: no
   * more attempts are ever checked than the back-off allows, whatever the concurrency. A
   * success then clears the count (`recordSuccess`); an attempt that ends unchecked gives
   * its failure back (`refund`).
   */
  async reserve(subject: Subject, factor: Factor, now: Date): Promise<Reservation> {
    const key = this.failureKey(subject, factor);
    let state: SubjectState = { failures: 0, waitUntil: null, stopped: false };
    for (let race = 0; race < MAX_RESERVATION_RACES; race++) {
      const count = await this.store.failures(key);
      state = this.#stateOf(count?.failures ?? 0, count?.lastFailureAt ?? null, now);
      if (state.stopped || state.waitUntil) return { reserved: false, state };
      const at = now.toISOString();
      if (await this.store.addFailureIf(key, state.failures, at)) {
        return {
          reserved: true,
          prior: state.failures,
          failures: state.failures + 1,
          at,
          previousAt: count?.lastFailureAt ?? null,
        };
      }
    }
    // Lost every race: that many attempts are being checked already; this one is not.
    return { reserved: false, state };
  }

  /**
   * Gives back a reserved failure for an attempt that was not checked after all (the security
   * check was asked for, the hasher was overloaded), with the time of the failure before it, so
   * unchecked attempts never stretch a back-off.
   */
  async refund(subject: Subject, factor: Factor, reservation: Extract<Reservation, { reserved: true }>): Promise<void> {
    const added = { failures: reservation.failures, lastFailureAt: reservation.at };
    await this.store.removeFailure(this.failureKey(subject, factor), added, reservation.previousAt);
  }

  /** A checked attempt failed: its network and the whole service get riskier (the subject's count was reserved). */
  async countFailure(ip: string, now: Date): Promise<void> {
    const ms = now.getTime();
    await this.store.take(`netfail:${networkOf(ip)}`, NETWORK_FAILURE_RULE, ms);
    await this.store.take('allfail', this.#globalFailureRule, ms);
  }

  /** A success clears the counter of the path it came by (the device's, or the identifier's). */
  async recordSuccess(subject: Subject, factor: Factor): Promise<void> {
    await this.store.clearFailures(this.failureKey(subject, factor));
  }

  /** Lifts a hard stop and any back-off on an identifier (unlock link or administrator). */
  async unlock(identifier: string): Promise<void> {
    for (const factor of ['password', 'mfa', 'recovery-code'] as const) {
      await this.store.clearFailures(this.failureKey({ identifier, deviceId: null }, factor));
    }
  }

  /**
   * How risky an attempt looks: failures for this subject (`subjectFailures`, from its
   * `state`, already read by the caller; null when there is no subject), recent failures
   * from its network, and the failure rate across the service each add a level.
   */
  async risk(subjectFailures: number | null, ip: string, now: Date): Promise<RiskLevel> {
    const ms = now.getTime();
    let level = 0;
    if (subjectFailures !== null && subjectFailures >= this.check.afterFailures) level++;
    const networkLeft = await this.store.level(`netfail:${networkOf(ip)}`, NETWORK_FAILURE_RULE, ms);
    if (NETWORK_FAILURE_RULE.burst - networkLeft >= this.check.afterFailures * 3) level++;
    const globalLeft = await this.store.level('allfail', this.#globalFailureRule, ms);
    if (globalLeft < this.#globalFailureRule.burst / 2) level++;
    return level as RiskLevel;
  }

  pauseAfter(failures: number): number {
    if (failures < this.settings.freeFailures) return 0;
    return Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** Math.min(20, failures - this.settings.freeFailures));
  }

  #stateOf(failures: number, lastFailureAt: string | null, now: Date): SubjectState {
    const stopped = failures >= this.settings.hardStop;
    const pause = this.pauseAfter(failures);
    const until = lastFailureAt && pause ? new Date(new Date(lastFailureAt).getTime() + pause) : null;
    return { failures, stopped, waitUntil: until && until > now ? until.toISOString() : null };
  }
}
